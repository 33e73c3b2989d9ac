// Everything that happened to one lead, in order: its raw request, the GraphQL sent and answered,
// every status change with its comment, every postback attempt with the tracker's answer.
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connection.js';

export interface TimelineEntry {
  id: number;
  at: Date;
  event: string;
  outcome: string | null;
  httpStatus: number | null;
  latencyMs: number | null;
  actor: string | null;
  requestId: string | null;
  detail: Record<string, unknown>;
}

/**
 * The lead's own audit rows plus the rows of the same requests (a webhook's raw request is audited
 * before anyone knows which lead it is about; its request id ties it to the status change it caused).
 */
export async function leadTimeline(db: Executor, leadId: string): Promise<TimelineEntry[]> {
  const rows = await queryRows<{
    id: string;
    at: string | Date;
    event: string;
    outcome: string | null;
    http_status: number | null;
    latency_ms: number | null;
    actor: string | null;
    request_id: string | null;
    detail: Record<string, unknown> | string;
  }>(
    db,
    sql`select id, at, event, outcome, http_status, latency_ms, actor, request_id, detail from audit_log
        where lead_id = ${leadId}
           or request_id in (select request_id from audit_log where lead_id = ${leadId} and request_id is not null)
        order by at, id
        limit 2000`,
  );
  return rows.map((row) => ({
    id: Number(row.id),
    at: new Date(row.at),
    event: row.event,
    outcome: row.outcome,
    httpStatus: row.http_status,
    latencyMs: row.latency_ms,
    actor: row.actor,
    requestId: row.request_id,
    detail: typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail,
  }));
}
