// A lead's status history in the order the statuses changed: the lead's view for its partner and the console.
import type { leadStatusHistory, StatusSource } from '../schema.js';
import { defineStatement } from './statement.js';
import { timestampColumn } from './timestamp-column.js';

type HistoryRow = typeof leadStatusHistory.$inferSelect;

export const listLeadStatusHistory = defineStatement<{ leadId: string }, HistoryRow>({
  name: 'list_lead_status_history',
  text: `select id, lead_id, status_id, label, comment, source, changed_at, recorded_at, payout_minor,
      payout_currency
    from lead_status_history where lead_id = $1::text order by changed_at, id`,
  values: (input) => [input.leadId],
  row: (raw) => ({
    // bigserial in drizzle's number mode.
    id: Number(raw.id),
    leadId: raw.lead_id as string,
    statusId: raw.status_id as string,
    label: (raw.label as string | null) ?? null,
    comment: (raw.comment as string | null) ?? null,
    source: raw.source as StatusSource,
    changedAt: timestampColumn(raw.changed_at),
    recordedAt: timestampColumn(raw.recorded_at),
    payoutMinor: (raw.payout_minor as number | null) ?? null,
    payoutCurrency: (raw.payout_currency as string | null) ?? null,
  }),
});
