// The audit rows of one lead and of the requests that touched it (up to 2,000, oldest first): its timeline.
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';
import { timestampColumn } from './timestamp-column.js';

export interface LeadTimelineRow {
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
 * A row of another request counts when that request also wrote a row for the lead: a webhook's receipt is
 * audited before anyone knows which lead it is about, and its request id ties it to the change it caused.
 * Those rows have no lead id; the two halves are read by the lead index and the index of rows without a
 * lead (migration 0015), never by a scan of the log.
 */
export const listLeadTimeline = defineStatement<{ leadId: string }, LeadTimelineRow>({
  name: 'list_lead_timeline',
  text: `select id, at, event, outcome, http_status, latency_ms, actor, request_id, detail from audit_log
    where lead_id = $1::text
    union all
    select id, at, event, outcome, http_status, latency_ms, actor, request_id, detail from audit_log
    where lead_id is null and request_id is not null
      and request_id = any (array(
        select distinct request_id from audit_log where lead_id = $1::text and request_id is not null))
    order by at, id
    limit 2000`,
  values: (input) => [input.leadId],
  row: (raw) => ({
    // bigserial: text from the driver.
    id: Number(raw.id),
    at: timestampColumn(raw.at),
    event: raw.event as string,
    outcome: (raw.outcome as string | null) ?? null,
    httpStatus: (raw.http_status as number | null) ?? null,
    latencyMs: (raw.latency_ms as number | null) ?? null,
    actor: (raw.actor as string | null) ?? null,
    requestId: (raw.request_id as string | null) ?? null,
    detail: jsonColumn<Record<string, unknown>>(raw.detail, {}),
  }),
});
