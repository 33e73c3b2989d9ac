// Appends one row to the audit log, redacted, inside the caller's transaction when it has one.

import { type SQL, sql } from 'drizzle-orm';
import type { Clock } from '../db/clock.js';
import type { Executor } from '../db/connection.js';
import { redactValue } from './redact.js';

export type AuditEvent =
  | 'lead.received'
  | 'lead.refused'
  | 'lead.accepted'
  | 'lead.duplicate'
  | 'order.created'
  | 'order.rejected'
  | 'order.retry_scheduled'
  | 'order.failed'
  | 'salesrender.call'
  | 'admin.request';

export interface AuditEntry {
  event: AuditEvent | (string & {});
  /** When it happened; the writer's clock at the time of writing when not given. */
  at?: Date;
  requestId?: string | null;
  campaignId?: string | null;
  leadId?: string | null;
  orderId?: string | null;
  actor?: string | null;
  outcome?: string | null;
  httpStatus?: number | null;
  latencyMs?: number | null;
  detail?: Record<string, unknown>;
}

export interface AuditWriter {
  write(db: Executor, entry: AuditEntry): Promise<void>;
  /**
   * The INSERT for `entry` as an SQL fragment, so a caller can write it in the same statement as the
   * change it records (a data-modifying CTE): one round trip instead of three inside a transaction.
   */
  insert(entry: AuditEntry): SQL;
  /** One INSERT for several rows, ids assigned in the order given (a CTE's parts run in no set order). */
  insertMany(entries: AuditEntry[]): SQL;
  /**
   * Like `insertMany`, but a row marked `onlyIf` is written only when the SQL condition `onlyIf` holds
   * (e.g. `exists (select 1 from stored_lead)` in a CTE); the others always. Ids follow the order given.
   */
  insertManyWhere(rows: { entry: AuditEntry; conditional: boolean }[], onlyIf: SQL): SQL;
  /**
   * One INSERT for any number of rows, its text the same whatever the count (the values travel as one
   * array per column): for statements that concurrent writes share (db/statement-batcher.ts). A row with
   * `onlyIfIn` is written only when that id is among those `present` selects (e.g. the leads a CTE
   * stored); the others always. Ids follow the order given.
   */
  insertBatch(rows: { entry: AuditEntry; onlyIfIn?: string | null }[], present?: SQL): SQL;
}

/** An audit writer that stamps rows with `clock` and redacts `knownSecrets()` (e.g. tokens in use) from details. */
export function createAuditWriter(
  clock: Clock,
  knownSecrets: () => readonly string[] = () => [],
): AuditWriter {
  // Every value typed, so the same row also works in `select ... from (values ...)`, where PostgreSQL
  // cannot infer a parameter's type from the target column.
  const values = (entry: AuditEntry, extra: SQL = sql``): SQL => {
    const detail = JSON.stringify(redactValue(entry.detail ?? {}, knownSecrets()));
    return sql`(${(entry.at ?? clock.now()).toISOString()}::timestamptz, ${entry.requestId ?? null}::text,
      ${entry.campaignId ?? null}::text, ${entry.leadId ?? null}::text, ${entry.orderId ?? null}::text,
      ${entry.actor ?? null}::text, ${entry.event}::text, ${entry.outcome ?? null}::text,
      ${entry.httpStatus ?? null}::int, ${entry.latencyMs ?? null}::int, ${detail}::jsonb${extra})`;
  };
  const columns = sql`(at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms, detail)`;
  const insertMany = (entries: AuditEntry[]): SQL =>
    sql`insert into audit_log ${columns} values ${sql.join(
      entries.map((entry) => values(entry)),
      sql`, `,
    )}`;
  const insertManyWhere = (rows: { entry: AuditEntry; conditional: boolean }[], onlyIf: SQL): SQL =>
    sql`insert into audit_log ${columns}
      select at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms, detail
      from (values ${sql.join(
        rows.map((row) => values(row.entry, sql`, ${row.conditional}::boolean`)),
        sql`, `,
      )}) as row (at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms,
        detail, conditional)
      where not row.conditional or (${onlyIf})`;
  const insertBatch = (rows: { entry: AuditEntry; onlyIfIn?: string | null }[], present?: SQL): SQL => {
    const column = <T>(pick: (entry: AuditEntry) => T) => sql.param(rows.map((row) => pick(row.entry)));
    const now = clock.now();
    return sql`insert into audit_log ${columns}
      select at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms, detail
      from unnest(${column((entry) => (entry.at ?? now).toISOString())}::timestamptz[],
        ${column((entry) => entry.requestId ?? null)}::text[], ${column((entry) => entry.campaignId ?? null)}::text[],
        ${column((entry) => entry.leadId ?? null)}::text[], ${column((entry) => entry.orderId ?? null)}::text[],
        ${column((entry) => entry.actor ?? null)}::text[], ${column((entry) => entry.event)}::text[],
        ${column((entry) => entry.outcome ?? null)}::text[], ${column((entry) => entry.httpStatus ?? null)}::int[],
        ${column((entry) => entry.latencyMs ?? null)}::int[],
        ${column((entry) => JSON.stringify(redactValue(entry.detail ?? {}, knownSecrets())))}::jsonb[],
        ${sql.param(rows.map((row) => row.onlyIfIn ?? null))}::text[])
        with ordinality as row (at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status,
          latency_ms, detail, only_if_in, position)
      ${present ? sql`where row.only_if_in is null or row.only_if_in in (${present})` : sql``}
      order by row.position`;
  };
  const insert = (entry: AuditEntry): SQL => insertMany([entry]);
  return {
    insert,
    insertMany,
    insertManyWhere,
    insertBatch,
    async write(db, entry) {
      // Hand-written rather than drizzle's insert builder: this runs several times per lead, and the
      // builder was the largest CPU cost in the intake profile (bench/README.md).
      await db.execute(insert(entry));
    },
  };
}
