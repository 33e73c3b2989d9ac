// Queues the re-read of an order a webhook named: finds the order's lead among the webhook's campaigns,
// inserts the refresh job for it (claimed for this worker, or announced by NOTIFY) and writes the raw
// request's audit row, in one statement. Two statements, one per scope of webhook URL.
import type { NewJob } from '../queue/new-job.js';
import { auditBatchInsertText } from './audit-batch-insert.js';
import { jobsChannel } from './notify-jobs.js';
import { defineStatement } from './statement.js';

export interface QueueOrderRefreshInput {
  /** The campaign's id (campaign URL) or the connection's (connection URL). */
  scopeId: string;
  orderId: string;
  /** The job; its campaign and lead are the order's, found here. */
  job: NewJob;
  now: Date;
  /** The raw request's audit row when not on record yet (the audit writer's batchJson; `[]` for none). */
  auditRows: string;
}

export interface QueueOrderRefreshRow {
  leadId: string;
  campaignId: string;
}

/**
 * The newest lead with the order id, should SalesRender ever repeat one (order ids are unique within a
 * company, so a connection's campaigns hold at most one lead per order). No row: the order is unknown.
 * NOTIFY is delivered when the statement commits, and only when a job was queued unclaimed.
 */
const queueOrderRefreshText = (leadsInScope: string) => `with received as (${auditBatchInsertText('$5')}),
    lead as (
      select id, campaign_id from leads
      where ${leadsInScope} and order_id = $2::text
      order by created_at desc limit 1),
    queued as (
      insert into jobs (id, kind, campaign_id, lead_id, payload, state, attempts, max_attempts, next_attempt_at,
        locked_until, locked_by, created_at, updated_at)
      select $3::text, $4::text, lead.campaign_id, lead.id, $6::jsonb, $7::text, $8::int, $9::int, $10::timestamptz,
        $11::timestamptz, $12::text, $10::timestamptz, $10::timestamptz
      from lead
      returning lead_id, campaign_id),
    notified as (select pg_notify('${jobsChannel}', '') from queued where $7::text = 'pending')
  select lead_id, campaign_id, (select count(*) from notified) as notified from queued`;

const values = (input: QueueOrderRefreshInput): unknown[] => [
  input.scopeId,
  input.orderId,
  input.job.id,
  input.job.kind,
  input.auditRows,
  JSON.stringify(input.job.payload),
  input.job.claimFor ? 'running' : 'pending',
  input.job.claimFor ? 1 : 0,
  input.job.maxAttempts,
  input.now.toISOString(),
  input.job.claimFor?.leaseUntil.toISOString() ?? null,
  input.job.claimFor?.workerId ?? null,
];

const row = (raw: Record<string, unknown>): QueueOrderRefreshRow => ({
  leadId: String(raw.lead_id),
  campaignId: String(raw.campaign_id),
});

/** A campaign's webhook URL: the order is looked for in that campaign. */
export const queueOrderRefreshForCampaign = defineStatement<QueueOrderRefreshInput, QueueOrderRefreshRow>({
  name: 'queue_order_refresh_for_campaign',
  text: queueOrderRefreshText('campaign_id = $1::text'),
  values,
  row,
});

/**
 * A connection's webhook URL: the order is looked for in every campaign of the connection, read here and
 * not from a cache (a campaign created a moment ago on another instance counts).
 */
export const queueOrderRefreshForConnection = defineStatement<QueueOrderRefreshInput, QueueOrderRefreshRow>({
  name: 'queue_order_refresh_for_connection',
  text: queueOrderRefreshText('campaign_id in (select id from campaigns where connection_id = $1::text)'),
  values,
  row,
});
