// A `leads` row as the statements that read every column of it answer it, in drizzle's shape.
import type { leads } from '../schema.js';

export type LeadRow = typeof leads.$inferSelect;

/** A `leads` row read by a statement (snake_case columns) in drizzle's shape (camelCase, jsonb parsed, Dates). */
export function leadFromRow(row: Record<string, unknown>): LeadRow {
  const date = (value: unknown) =>
    value === null || value === undefined ? null : new Date(value as string | Date);
  const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? {}));
  return {
    id: row.id as string,
    campaignId: row.campaign_id as string,
    partnerId: (row.partner_id as string | null) ?? null,
    state: row.state as LeadRow['state'],
    clickId: (row.click_id as string | null) ?? null,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    phone: row.phone as string,
    name: (row.name as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    subs: json(row.subs),
    extras: json(row.extras),
    orderId: (row.order_id as string | null) ?? null,
    statusId: (row.status_id as string | null) ?? null,
    label: (row.label as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    statusChangedAt: date(row.status_changed_at),
    inlineLeaseUntil: date(row.inline_lease_until),
    possibleDuplicate: row.possible_duplicate === true || row.possible_duplicate === 't',
    tidPerLabel: row.tid_per_label === true || row.tid_per_label === 't',
    reconciledAt: date(row.reconciled_at),
    createdAt: date(row.created_at) ?? new Date(0),
    updatedAt: date(row.updated_at) ?? new Date(0),
  };
}
