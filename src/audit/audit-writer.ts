// Appends one row to the audit log, redacted, inside the caller's transaction when it has one.
import type { Clock } from '../db/clock.js';
import type { Executor } from '../db/connection.js';
import { auditLog } from '../db/schema.js';
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
}

/** An audit writer that stamps rows with `clock` and redacts `knownSecrets()` (e.g. tokens in use) from details. */
export function createAuditWriter(
  clock: Clock,
  knownSecrets: () => readonly string[] = () => [],
): AuditWriter {
  return {
    async write(db, entry) {
      await db.insert(auditLog).values({
        at: clock.now(),
        requestId: entry.requestId ?? null,
        campaignId: entry.campaignId ?? null,
        leadId: entry.leadId ?? null,
        orderId: entry.orderId ?? null,
        actor: entry.actor ?? null,
        event: entry.event,
        outcome: entry.outcome ?? null,
        httpStatus: entry.httpStatus ?? null,
        latencyMs: entry.latencyMs ?? null,
        detail: redactValue(entry.detail ?? {}, knownSecrets()) as Record<string, unknown>,
      });
    },
  };
}
