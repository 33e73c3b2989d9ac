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
}

/** An audit writer that stamps rows with `clock` and redacts `knownSecrets()` (e.g. tokens in use) from details. */
export function createAuditWriter(
  clock: Clock,
  knownSecrets: () => readonly string[] = () => [],
): AuditWriter {
  const values = (entry: AuditEntry): SQL => {
    const detail = JSON.stringify(redactValue(entry.detail ?? {}, knownSecrets()));
    return sql`(${(entry.at ?? clock.now()).toISOString()}, ${entry.requestId ?? null}, ${entry.campaignId ?? null},
      ${entry.leadId ?? null}, ${entry.orderId ?? null}, ${entry.actor ?? null}, ${entry.event}, ${entry.outcome ?? null},
      ${entry.httpStatus ?? null}, ${entry.latencyMs ?? null}, ${detail}::jsonb)`;
  };
  const insertMany = (entries: AuditEntry[]): SQL =>
    sql`insert into audit_log
        (at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms, detail)
        values ${sql.join(entries.map(values), sql`, `)}`;
  const insert = (entry: AuditEntry): SQL => insertMany([entry]);
  return {
    insert,
    insertMany,
    async write(db, entry) {
      // Hand-written rather than drizzle's insert builder: this runs several times per lead, and the
      // builder was the largest CPU cost in the intake profile (bench/README.md).
      await db.execute(insert(entry));
    },
  };
}
