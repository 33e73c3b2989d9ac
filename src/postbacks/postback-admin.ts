// The operator's view of postbacks: list by state, retry one, replay many, send a test postback.
import { and, eq } from 'drizzle-orm';
import type { Campaign } from '../campaigns/campaign.js';
import type { Executor } from '../db/connection.js';
import { notifyJobs } from '../db/queue/notify-jobs.js';
import { deliveryAttempts, type JobState, jobs, type PostbackRow } from '../db/schema.js';
import type { JobRow } from '../db/sql/job-row.js';
import { listPostbacks as listPostbacksStatement } from '../db/sql/list-postbacks.js';
import type { PostbackFilterInput } from '../db/sql/postback-filter.js';
import { replayPostbacks as replayPostbacksStatement } from '../db/sql/replay-postbacks.js';
import { retryPostback as retryPostbackStatement } from '../db/sql/retry-postback.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError } from '../errors.js';
import { buildPostbackPayload } from './build-postback.js';
import {
  type DeliveryDeps,
  type PostbackPayload,
  postbackJobKind,
  sendPostback,
} from './deliver-postback.js';
import { redactPostbackUrl } from './render-postback.js';
import { signWebhook } from './sign-webhook.js';

export const postbackStates = ['pending', 'delivered', 'failed', 'skipped', 'superseded'] as const;
export type PostbackState = (typeof postbackStates)[number];
const jobStatesFor: Record<PostbackState, JobState[]> = {
  pending: ['pending', 'running'],
  delivered: ['done'],
  failed: ['failed'],
  skipped: ['skipped'],
  superseded: ['superseded'],
};
const stateOf = (jobState: string): PostbackState =>
  jobState === 'done'
    ? 'delivered'
    : jobState === 'failed'
      ? 'failed'
      : jobState === 'skipped' || jobState === 'superseded'
        ? jobState
        : 'pending';

export interface PostbackFilter {
  campaignId?: string;
  /** One partner endpoint's postbacks (its delivery log). */
  endpointId?: string;
  leadId?: string;
  /** Only postbacks tried at least once (with `state: 'pending'`: the ones retrying). */
  triedOnly?: boolean;
  state?: PostbackState;
  from?: Date;
  to?: Date;
}

/** The filter as the statements read it; `state` defaults to `defaultState` (none: any state). */
function filterInput(filter: PostbackFilter, defaultState?: PostbackState): PostbackFilterInput {
  const state = filter.state ?? defaultState;
  return {
    campaignId: filter.campaignId ?? null,
    endpointId: filter.endpointId ?? null,
    leadId: filter.leadId ?? null,
    triedOnly: filter.triedOnly ?? false,
    states: state ? jobStatesFor[state] : null,
    createdFrom: filter.from ?? null,
    createdBefore: filter.to ?? null,
  };
}

export function postbackView(row: JobRow) {
  // Only postback jobs are read here (every query filters on kind = 'postback').
  const payload = row.payload as PostbackPayload;
  return {
    id: row.id,
    campaign_id: row.campaignId,
    lead_id: row.leadId,
    /** The partner endpoint it goes to; null: the campaign's own postback. */
    endpoint_id: payload.endpoint_id ?? null,
    order_id: payload.order_id,
    label: payload.label,
    status_id: payload.status_id,
    tid: payload.tid,
    method: payload.method,
    url: redactPostbackUrl(payload.url),
    state: stateOf(row.state),
    attempts: row.attempts,
    max_attempts: row.maxAttempts,
    next_attempt_at: row.state === 'pending' ? row.nextAttemptAt.toISOString() : null,
    last_http_status: row.lastHttpStatus,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    finished_at: row.finishedAt?.toISOString() ?? null,
  };
}

/** Newest first, at most `limit`. */
export async function listPostbacks(db: Executor, filter: PostbackFilter, limit = 100) {
  const rows = await executeSql(db, listPostbacksStatement, { filter: filterInput(filter), limit });
  return rows.map(postbackView);
}

export async function listDeliveryAttempts(db: Executor, postbackId: string) {
  return db
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.jobId, postbackId))
    .orderBy(deliveryAttempts.attempt);
}

/**
 * Queues a postback to be sent again now. A failed one gets one more attempt (and can be retried
 * again); a delivered one is sent once more (trackers dedupe on `tid`).
 */
export async function retryPostback(db: Executor, id: string, now: Date) {
  const [row] = await executeSql(db, retryPostbackStatement, { id, now });
  if (!row) {
    const [existing] = await db
      .select({ state: jobs.state })
      .from(jobs)
      .where(and(eq(jobs.id, id), eq(jobs.kind, postbackJobKind)));
    if (existing?.state === 'skipped' || existing?.state === 'superseded') {
      throw new AppError(
        'POSTBACK_NOT_RETRIABLE',
        `This postback was ${existing.state}: sending it could mislead the tracker`,
      );
    }
    throw new AppError('POSTBACK_NOT_FOUND', 'No such postback, or it is being sent right now');
  }
  await notifyJobs(db);
  return postbackView(row);
}

/**
 * Bulk retry: every postback matching the filter (default: failed ones) is queued again, only a lead's
 * newest to each endpoint (replay-postbacks.ts). Returns the count.
 */
export async function replayPostbacks(db: Executor, filter: PostbackFilter, now: Date): Promise<number> {
  const rows = await executeSql(db, replayPostbacksStatement, { filter: filterInput(filter, 'failed'), now });
  if (rows.length > 0) await notifyJobs(db);
  return rows.length;
}

/**
 * Sends a sample postback at once (not queued) and returns the tracker's answer: to the campaign's own
 * postback, or to `endpoint` (a partner's, with its signing secret).
 */
export async function sendTestPostback(
  campaign: Campaign,
  deps: DeliveryDeps,
  label = 'accepted',
  endpoint?: { id: string; postback: PostbackRow; signingSecretEncrypted: string },
) {
  const postback = endpoint ? endpoint.postback : campaign.postback;
  if (!postback) throw new AppError('POSTBACK_NOT_CONFIGURED');
  const secretEncrypted = endpoint ? endpoint.signingSecretEncrypted : campaign.postbackSecretEncrypted;
  const now = deps.clock.now();
  const payload = buildPostbackPayload(campaign, postback, {
    leadId: 'lead_test',
    orderId: 'test-order',
    clickId: 'test-click-id',
    country: campaign.defaultCountry,
    subs: { sub1: 'test-sub1' },
    statusId: Object.entries(campaign.statusMap).find(([, mapped]) => mapped === label)?.[0] ?? '0',
    label,
    comment: 'LeadBridge test postback',
    changedAt: now,
  });
  let headers: Record<string, string> = {};
  if (payload.method === 'POST' && payload.body !== null) {
    headers = { 'content-type': 'application/json' };
    if (secretEncrypted) {
      const secret = deps.cipher.decrypt(secretEncrypted);
      Object.assign(headers, signWebhook(secret, 'pb_test', Math.floor(now.getTime() / 1000), payload.body));
    }
  }
  const result = await sendPostback(payload, headers, deps);
  await deps.audit.write(deps.db, {
    event: 'postback.test',
    campaignId: campaign.id,
    actor: 'admin',
    outcome: result.error ? 'error' : String(result.httpStatus),
    httpStatus: result.httpStatus,
    latencyMs: result.latencyMs,
    detail: {
      ...(endpoint ? { endpoint_id: endpoint.id } : {}),
      method: payload.method,
      url: redactPostbackUrl(payload.url),
      response_head: result.responseHead,
      error: result.error,
    },
  });
  return {
    method: payload.method,
    url: payload.url,
    body: payload.body,
    http_status: result.httpStatus,
    latency_ms: result.latencyMs,
    response_head: result.responseHead,
    error: result.error,
    delivered: result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300,
  };
}
