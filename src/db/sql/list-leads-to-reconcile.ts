// The leads of one campaign a reconciliation pass re-reads: open ones every pass, final ones now and then.
import { type SQL, sql } from 'drizzle-orm';

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
export function listLeadsToReconcileSql(input: LeadsToReconcileInput): SQL {
  return sql`select id, order_id from leads
    where campaign_id = ${input.campaignId} and state = 'created' and order_id is not null
      and created_at > ${input.createdAfter.toISOString()}
      and (label is null
        or lower(btrim(label)) not in (select jsonb_array_elements_text(${JSON.stringify(input.finalWords)}::jsonb))
        or (coalesce(status_changed_at, updated_at) > ${input.finalChangedAfter?.toISOString() ?? null}::timestamptz
          and (reconciled_at is null or reconciled_at <= ${input.finalReadBefore.toISOString()}::timestamptz)))
    order by created_at, id`;
}

export function leadToReconcileFromRow(row: Record<string, unknown>): LeadToReconcile {
  return { id: String(row.id), orderId: String(row.order_id) };
}
