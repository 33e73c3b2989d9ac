// The leads of one campaign a reconciliation pass re-reads: open ones every pass, final ones now and then.
import { defineStatement } from './statement.js';

export interface LeadsToReconcileInput {
  campaignId: string;
  /** Only orders created after this are re-read (RECONCILE_LOOKBACK_DAYS). */
  createdAfter: Date;
  /** The labels (trimmed, lower case) that make a lead final (`finalLabels` in reconcile.ts). */
  finalWords: string[];
  /** A final lead is re-read only while its last status change is after this; null: never. */
  finalChangedAfter: Date | null;
  /** ...and only when it was last re-read at or before this (or never). */
  finalReadBefore: Date;
}

export interface LeadToReconcile {
  id: string;
  orderId: string;
}

/**
 * Oldest first. A final lead's last change is SalesRender's `statusChangedAt` (our time of the change when
 * there is none). With `finalChangedAfter` null the comparison is null, never true: no final lead at all.
 * No index serves the label or time conditions: the campaign's created leads are read (by the indexes that
 * start with campaign_id) and filtered, once a pass.
 */
export const listLeadsToReconcile = defineStatement<LeadsToReconcileInput, LeadToReconcile>({
  name: 'list_leads_to_reconcile',
  text: `select id, order_id from leads
    where campaign_id = $1::text and state = 'created' and order_id is not null
      and created_at > $2::timestamptz
      and (label is null
        or lower(btrim(label)) not in (select jsonb_array_elements_text($3::jsonb))
        or (coalesce(status_changed_at, updated_at) > $4::timestamptz
          and (reconciled_at is null or reconciled_at <= $5::timestamptz)))
    order by created_at, id`,
  values: (input) => [
    input.campaignId,
    input.createdAfter.toISOString(),
    JSON.stringify(input.finalWords),
    input.finalChangedAfter?.toISOString() ?? null,
    input.finalReadBefore.toISOString(),
  ],
  row: (raw) => ({ id: String(raw.id), orderId: String(raw.order_id) }),
});
