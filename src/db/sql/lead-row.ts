// A `leads` row as the statements that read every column of it answer it, in drizzle's shape.
import type { leads } from '../schema.js';
import { jsonColumn } from './json-column.js';
import { nullableTimestampColumn, timestampColumn } from './timestamp-column.js';

export type LeadRow = typeof leads.$inferSelect;

const leadColumnNames = [
  'id',
  'campaign_id',
  'partner_id',
  'state',
  'click_id',
  'click_id_held',
  'idempotency_key',
  'phone',
  'name',
  'country',
  'ip',
  'user_agent',
  'subs',
  'extras',
  'order_id',
  'status_id',
  'label',
  'comment',
  'error_code',
  'error_message',
  'status_changed_at',
  'inline_lease_until',
  'possible_duplicate',
  'tid_per_label',
  'reconciled_at',
  'created_at',
  'updated_at',
];

/**
 * The columns `leadFromRow` reads, named one by one (of `table`, when given): a prepared `select *` fails
 * with "cached plan must not change result type" on every call once a migration adds a column, so an
 * instance still running the old code would fail until restarted.
 */
export function leadColumnsText(table?: string): string {
  return leadColumnNames.map((column) => (table ? `${table}.${column}` : column)).join(', ');
}

/** A `leads` row read by a statement (snake_case columns) in drizzle's shape (camelCase, jsonb parsed, Dates). */
export function leadFromRow(row: Record<string, unknown>): LeadRow {
  return {
    id: row.id as string,
    campaignId: row.campaign_id as string,
    partnerId: (row.partner_id as string | null) ?? null,
    state: row.state as LeadRow['state'],
    clickId: (row.click_id as string | null) ?? null,
    clickIdHeld: row.click_id_held === true || row.click_id_held === 't' ? true : null,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    phone: row.phone as string,
    name: (row.name as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    subs: jsonColumn<LeadRow['subs']>(row.subs, {}),
    extras: jsonColumn<LeadRow['extras']>(row.extras, {}),
    orderId: (row.order_id as string | null) ?? null,
    statusId: (row.status_id as string | null) ?? null,
    label: (row.label as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    statusChangedAt: nullableTimestampColumn(row.status_changed_at),
    inlineLeaseUntil: nullableTimestampColumn(row.inline_lease_until),
    possibleDuplicate: row.possible_duplicate === true || row.possible_duplicate === 't',
    tidPerLabel: row.tid_per_label === true || row.tid_per_label === 't',
    reconciledAt: nullableTimestampColumn(row.reconciled_at),
    createdAt: timestampColumn(row.created_at),
    updatedAt: timestampColumn(row.updated_at),
  };
}
