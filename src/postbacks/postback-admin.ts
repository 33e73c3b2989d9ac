// The operator's view of postbacks: list by state, retry one, replay many, send a test postback.
import { and, desc, eq, gt, gte, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { Campaign } from '../campaigns/campaign-repository.js';
import type { Executor } from '../db/connection.js';
import { notifyJobs } from '../db/queue/notify-jobs.js';
import { deliveryAttempts, type JobState, jobs } from '../db/schema.js';
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
  leadId?: string;
  /** Only postbacks tried at least once (with `state: 'pending'`: the ones retrying). */
  triedOnly?: boolean;
  state?: PostbackState;
  from?: Date;
  to?: Date;
}

function conditionsFor(filter: PostbackFilter): SQL[] {
  const conditions: SQL[] = [eq(jobs.kind, postbackJobKind)];
  if (filter.campaignId) conditions.push(eq(jobs.campaignId, filter.campaignId));
  if (filter.leadId) conditions.push(eq(jobs.leadId, filter.leadId));
  if (filter.triedOnly) conditions.push(gt(jobs.attempts, 0));
  if (filter.state) conditions.push(inArray(jobs.state, jobStatesFor[filter.state]));
  if (filter.from) conditions.push(gte(jobs.createdAt, filter.from));
  if (filter.to) conditions.push(lt(jobs.createdAt, filter.to));
  return conditions;
}

type JobRow = typeof jobs.$inferSelect;

/** Due now, with at least one attempt left (a failed job gets exactly one more; it can be retried again). */
const requeued = (now: Date) => ({
  state: 'pending' as const,
  nextAttemptAt: now,
  maxAttempts: sql`greatest(${jobs.maxAttempts}, ${jobs.attempts} + 1)`,
  finishedAt: null,
  updatedAt: now,
});

export function postbackView(row: JobRow) {
  // Only postback jobs are read here (every query filters on kind = 'postback').
  const payload = row.payload as PostbackPayload;
  return {
    id: row.id,
    campaign_id: row.campaignId,
    lead_id: row.leadId,
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
  const rows = await db
    .select()
    .from(jobs)
    .where(and(...conditionsFor(filter)))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(limit);
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
  const [row] = await db
    .update(jobs)
    .set(requeued(now))
    .where(
      and(
        eq(jobs.id, id),
        eq(jobs.kind, postbackJobKind),
        inArray(jobs.state, ['pending', 'failed', 'done']),
      ),
    )
    .returning();
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
 * Only a lead's newest postback is sent again: replaying its older ones too would move the tracker's
 * conversion back (and the worker would supersede them anyway, newer-first checks in deliver-postback.ts).
 */
const newestOfItsLead = sql`not exists (select 1 from jobs as newer where newer.kind = 'postback'
  and newer.lead_id = jobs.lead_id and newer.id <> jobs.id
  and coalesce((newer.payload->>'seq')::bigint, -1) > coalesce((jobs.payload->>'seq')::bigint, -1))`;

/** Bulk retry: every postback matching the filter (default: failed ones) is queued again. Returns the count. */
export async function replayPostbacks(db: Executor, filter: PostbackFilter, now: Date): Promise<number> {
  const conditions = conditionsFor({ ...filter, state: filter.state ?? 'failed' });
  const rows = await db
    .update(jobs)
    .set(requeued(now))
    .where(and(...conditions, inArray(jobs.state, ['pending', 'failed', 'done']), newestOfItsLead))
    .returning({ id: jobs.id });
  if (rows.length > 0) await notifyJobs(db);
  return rows.length;
}

/** Sends a sample postback for the campaign's template at once (not queued) and returns the tracker's answer. */
export async function sendTestPostback(campaign: Campaign, deps: DeliveryDeps, label = 'accepted') {
  const postback = campaign.postback;
  if (!postback) throw new AppError('POSTBACK_NOT_CONFIGURED');
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
    if (campaign.postbackSecretEncrypted) {
      const secret = deps.cipher.decrypt(campaign.postbackSecretEncrypted);
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
