// Appends one row to the audit log, redacted, inside the caller's transaction when it has one.

import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { insertAuditRows } from '../db/sql/insert-audit-rows.js';
import { executeSql } from '../db/sql/statement.js';
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
  /** Several rows in one statement, ids assigned in the order given. */
  writeMany(db: Executor, entries: AuditEntry[]): Promise<void>;
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
  return {
    batchJson,
    async write(db, entry) {
      await executeSql(db, insertAuditRows, { auditRows: batchJson([{ entry }]) });
    },
    async writeMany(db, entries) {
      await executeSql(db, insertAuditRows, { auditRows: batchJson(entries.map((entry) => ({ entry }))) });
    },
  };
}
