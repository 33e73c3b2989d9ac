// Streams audit rows for a campaign and period as NDJSON or CSV, in id order, without holding them in memory.
import { and, asc, count, eq, gt, gte, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { auditLog } from '../db/schema.js';
import { csvRecord } from './csv-cell.js';

export interface AuditFilter {
  campaignId?: string;
  leadId?: string;
  from?: Date;
  to?: Date;
}

export type ExportFormat = 'ndjson' | 'csv';

const csvColumns = [
  'id',
  'at',
  'request_id',
  'campaign_id',
  'lead_id',
  'order_id',
  'actor',
  'event',
  'outcome',
  'http_status',
  'latency_ms',
  'detail',
] as const;

type AuditRow = typeof auditLog.$inferSelect;

function toRecord(row: AuditRow): Record<(typeof csvColumns)[number], unknown> {
  return {
    id: row.id,
    at: row.at.toISOString(),
    request_id: row.requestId,
    campaign_id: row.campaignId,
    lead_id: row.leadId,
    order_id: row.orderId,
    actor: row.actor,
    event: row.event,
    outcome: row.outcome,
    http_status: row.httpStatus,
    latency_ms: row.latencyMs,
    detail: row.detail,
  };
}

/**
 * One export line for a record: CSV in `columns` order (cells encoded by `csvCell`, so formula-like text
 * is neutralised) or one NDJSON object with every value as stored.
 */
export function exportLine(
  record: Record<string, unknown>,
  columns: readonly string[],
  format: ExportFormat,
): string {
  return format === 'csv'
    ? csvRecord(columns.map((column) => record[column]))
    : `${JSON.stringify(record)}\n`;
}

/** The WHERE conditions of a filter (campaign, lead, period), shared by export, count and search. */
export function auditConditions(filter: AuditFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.campaignId) conditions.push(eq(auditLog.campaignId, filter.campaignId));
  if (filter.leadId) conditions.push(eq(auditLog.leadId, filter.leadId));
  if (filter.from) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to) conditions.push(lt(auditLog.at, filter.to));
  return conditions;
}

/** How many rows an export with this filter will hold (for progress). */
export async function countAudit(db: Executor, filter: AuditFilter): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(...auditConditions(filter)));
  return Number(row?.n ?? 0);
}

/**
 * Yields the export as text chunks. Keyset pagination on the primary key (`id > last`), so each
 * page is an index range scan and memory stays flat for any number of rows.
 */
export async function* exportAudit(
  db: Executor,
  filter: AuditFilter,
  format: ExportFormat,
  pageSize = 2000,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRecord(csvColumns);
  let lastId = 0;
  for (;;) {
    const conditions = [gt(auditLog.id, lastId), ...auditConditions(filter)];
    const rows = await db
      .select()
      .from(auditLog)
      .where(and(...conditions))
      .orderBy(asc(auditLog.id))
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows.map((row) => exportLine(toRecord(row), csvColumns, format)).join('');
    lastId = rows[rows.length - 1]?.id ?? lastId;
    if (rows.length < pageSize) return;
  }
}
