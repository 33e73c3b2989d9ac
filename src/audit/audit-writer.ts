// Appends one row to the audit log, redacted, inside the caller's transaction when it has one.

import { type SQL, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
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
   * The rows as one JSON parameter for `auditBatchInsertText` (src/db/sql/audit-batch-insert.ts): statements whose text never changes,
   * whatever the number of rows (db/statement-batcher.ts). A row with `onlyIfIn` is written only when
   * that id is among those the statement's `present` query selects.
   */
  batchJson(rows: { entry: AuditEntry; onlyIfIn?: string | null }[]): string;
}

/** An audit writer that stamps rows with `clock` and redacts `knownSecrets()` (e.g. tokens in use) from details. */
export function createAuditWriter(
  clock: Clock,
  knownSecrets: () => readonly string[] = () => [],
): AuditWriter {
  // Every value typed: in a data-modifying CTE PostgreSQL cannot always infer a parameter's type.
  const values = (entry: AuditEntry): SQL => {
    const detail = JSON.stringify(redactValue(entry.detail ?? {}, knownSecrets()));
    return sql`(${(entry.at ?? clock.now()).toISOString()}::timestamptz, ${entry.requestId ?? null}::text,
      ${entry.campaignId ?? null}::text, ${entry.leadId ?? null}::text, ${entry.orderId ?? null}::text,
      ${entry.actor ?? null}::text, ${entry.event}::text, ${entry.outcome ?? null}::text,
      ${entry.httpStatus ?? null}::int, ${entry.latencyMs ?? null}::int, ${detail}::jsonb)`;
  };
  const columns = sql`(at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms, detail)`;
  const insertMany = (entries: AuditEntry[]): SQL =>
    sql`insert into audit_log ${columns} values ${sql.join(
      entries.map((entry) => values(entry)),
      sql`, `,
    )}`;
  const batchJson = (rows: { entry: AuditEntry; onlyIfIn?: string | null }[]): string => {
    const now = clock.now().toISOString();
    return JSON.stringify(
      rows.map(({ entry, onlyIfIn }, position) => ({
        position,
        at: entry.at?.toISOString() ?? now,
        request_id: entry.requestId ?? null,
        campaign_id: entry.campaignId ?? null,
        lead_id: entry.leadId ?? null,
        order_id: entry.orderId ?? null,
        actor: entry.actor ?? null,
        event: entry.event,
        outcome: entry.outcome ?? null,
        http_status: entry.httpStatus ?? null,
        latency_ms: entry.latencyMs ?? null,
        detail: redactValue(entry.detail ?? {}, knownSecrets()),
        only_if_in: onlyIfIn ?? null,
      })),
    );
  };
  const insert = (entry: AuditEntry): SQL => insertMany([entry]);
  return {
    insert,
    insertMany,
    batchJson,
    async write(db, entry) {
      // Hand-written rather than drizzle's insert builder: this runs several times per lead, and the
      // builder was the largest CPU cost in the intake profile (bench/README.md).
      await db.execute(insert(entry));
    },
  };
}
