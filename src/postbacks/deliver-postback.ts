// One delivery attempt of a postback job: send, record the attempt, then done, retry later, or give up.
import type { Logger } from 'pino';
import { type Dispatcher, request } from 'undici';
import type { AuditWriter } from '../audit/audit-writer.js';
import { findCampaignById } from '../campaigns/campaign-repository.js';
import type { HotLookups } from '../campaigns/hot-lookups.js';
import type { TokenCipher } from '../campaigns/token-cipher.js';
import type { Clock } from '../clock.js';
import type { Orm } from '../db/connection.js';
import { jobOutcome } from '../db/queue/finish-job.js';
import { type Job, type RetrySchedule, retryDelayMs } from '../db/queue/job.js';
import { countPostbackRefusals } from '../db/sql/count-postback-refusals.js';
import { holdPostbackBehindOlder } from '../db/sql/hold-postback-behind-older.js';
import { postbackOrder as postbackOrderStatement } from '../db/sql/postback-order.js';
import { recordPostbackAttempt } from '../db/sql/record-postback-attempt.js';
import { executeSql } from '../db/sql/statement.js';
import { supersedePostback } from '../db/sql/supersede-postback.js';
import { startDeadline } from '../deadline.js';
import { postbackAttempts } from '../metrics.js';
import { assertAllowedUrl, ForbiddenTargetError } from './outbound-guard.js';
import { findPostbackEndpoint } from './postback-endpoints.js';
import { redactPostbackUrl } from './render-postback.js';
import { signWebhook } from './sign-webhook.js';
import { answerMatches } from './success-match.js';

export const postbackJobKind = 'postback';

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    postback: PostbackPayload;
  }
}

/** Retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h after the first try: eight tries over about a day. */
export const postbackRetrySchedule: RetrySchedule = {
  delaysMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
  maxAttempts: 8,
  jitter: 0.1,
};

const responseHeadBytes = 1024;

export interface PostbackPayload {
  method: 'GET' | 'POST';
  url: string;
  /** JSON text for POST, null for GET. */
  body: string | null;
  tid: string;
  /** Absent on postbacks queued before it existed. */
  event_id?: string;
  /** The endpoint's `success_match` when the postback was queued. */
  success_match?: string;
  /**
   * Its place among the lead's postbacks (the status history row's id; 0 for the order's creation):
   * a postback is never delivered after a newer one of the same lead was. Absent on older postbacks.
   */
  seq?: number;
  label: string;
  status_id: string;
  order_id: string;
  lead_id: string;
  /** True for the sample sent by test-postback. */
  test?: boolean;
  /**
   * The partner's postback endpoint it goes to; absent: the campaign's own postback (the network's).
   * A postback is ordered, superseded and signed among its endpoint's postbacks only.
   */
  endpoint_id?: string;
}

export interface DeliveryDeps {
  db: Orm;
  clock: Clock;
  audit: AuditWriter;
  cipher: TokenCipher;
  random: () => number;
  logger: Logger;
  allowPrivateTargets: boolean;
  dispatcher: Dispatcher;
  /** A tracker must answer 2xx within this time (POSTBACK_TIMEOUT_MS, default 10 s). */
  timeoutMs?: number;
  /** Tries before a 4xx (but 408, 425, 429) fails the postback for good (POSTBACK_4XX_ATTEMPTS, default 3). */
  fourxxAttempts?: number;
  /** Cached campaign reads (see HotLookups); without it the campaign is read from the database. */
  lookups?: Pick<HotLookups, 'campaignById'>;
}

export interface SendResult {
  httpStatus: number | null;
  latencyMs: number;
  responseHead: string | null;
  error: string | null;
  /** The target was refused before any request (outbound guard): it will not become allowed by retrying. */
  forbidden?: boolean;
  retryAfterMs?: number;
}

/** Sends one postback request; never throws: failures come back as `error`. */
export async function sendPostback(
  payload: PostbackPayload,
  headers: Record<string, string>,
  deps: Pick<DeliveryDeps, 'allowPrivateTargets' | 'dispatcher' | 'timeoutMs'>,
): Promise<SendResult> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = startDeadline(timeoutMs);
  try {
    assertAllowedUrl(payload.url, deps.allowPrivateTargets);
    const response = await request(payload.url, {
      method: payload.method,
      headers: { 'user-agent': 'LeadBridge-Postback/1.0', ...headers },
      body: payload.body ?? undefined,
      dispatcher: deps.dispatcher,
      signal: deadline.signal,
    });
    // Read only the head of the answer: a tracker that streams megabytes must not cost us memory.
    let head = Buffer.alloc(0);
    for await (const chunk of response.body) {
      head = Buffer.concat([head, chunk as Buffer]);
      if (head.length >= responseHeadBytes) break;
    }
    response.body.destroy();
    const retryAfter = response.headers['retry-after'];
    const retryAfterSeconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
    return {
      httpStatus: response.statusCode,
      latencyMs: elapsed(),
      responseHead: head.subarray(0, responseHeadBytes).toString('utf8'),
      error: null,
      retryAfterMs: Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : undefined,
    };
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    const forbidden = error instanceof ForbiddenTargetError || cause instanceof ForbiddenTargetError;
    const message =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause ?? (error as Error)).message;
    return {
      httpStatus: null,
      latencyMs: elapsed(),
      responseHead: null,
      error: forbidden ? `POSTBACK_TARGET_FORBIDDEN: ${message}` : message,
      forbidden,
    };
  } finally {
    deadline.clear();
  }
}

async function earlierRefusals(db: Orm, jobId: string): Promise<number> {
  const [row] = await executeSql(db, countPostbackRefusals, { jobId });
  return row?.refusals ?? 0;
}

/** How long a postback waits for an older one of its lead that is being sent (a tracker answers within the timeout). */
const olderInFlightWaitMs = 2_000;

async function postbackOrder(
  deps: DeliveryDeps,
  job: Job,
  payload: PostbackPayload,
): Promise<{ newer: boolean; olderInFlight: boolean }> {
  const [row] = await executeSql(deps.db, postbackOrderStatement, {
    jobId: job.id,
    leadId: job.leadId ?? '',
    endpointId: payload.endpoint_id ?? null,
    seq: payload.seq ?? -1,
    now: deps.clock.now(),
  });
  return { newer: row?.newer ?? false, olderInFlight: row?.olderInFlight ?? false };
}

/** Headers for this attempt: JSON and a fresh Standard Webhooks signature for POST, none for GET. */
function headersFor(
  deps: DeliveryDeps,
  job: Job,
  payload: PostbackPayload,
  /** The endpoint's signing secret (a partner endpoint's, or the campaign's). */
  secretEncrypted: string | null,
): Record<string, string> {
  if (payload.method !== 'POST' || payload.body === null) return {};
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secretEncrypted) {
    const secret = deps.cipher.decrypt(secretEncrypted);
    Object.assign(
      headers,
      signWebhook(secret, job.id, Math.floor(deps.clock.now().getTime() / 1000), payload.body),
    );
  }
  return headers;
}

/** Runs one claimed postback job to its recorded outcome. */
export async function attemptPostback(deps: DeliveryDeps, job: Job<typeof postbackJobKind>): Promise<void> {
  const payload = job.payload;
  const campaign = job.campaignId
    ? await (deps.lookups?.campaignById(job.campaignId) ?? findCampaignById(deps.db, job.campaignId))
    : null;
  // A partner endpoint's postback is signed and judged by that endpoint's current settings; one whose
  // endpoint was removed is still sent as it was queued.
  const endpoint = payload.endpoint_id ? await findPostbackEndpoint(deps.db, payload.endpoint_id) : null;
  const settings = payload.endpoint_id
    ? endpoint
      ? { secret: endpoint.signingSecretEncrypted, successMatch: endpoint.postback.success_match }
      : { secret: null, successMatch: payload.success_match }
    : campaign
      ? { secret: campaign.postbackSecretEncrypted, successMatch: campaign.postback?.success_match }
      : { secret: null, successMatch: payload.success_match };
  const order = job.leadId ? await postbackOrder(deps, job, payload) : { newer: false, olderInFlight: false };
  if (order.newer) {
    // A newer status of the lead was queued: sending this one (even late, even as a retry) could move the
    // tracker's conversion back (a `lead` after the `sale`).
    await executeSql(deps.db, supersedePostback, {
      job,
      endpointId: payload.endpoint_id ?? null,
      seq: payload.seq ?? -1,
      at: deps.clock.now(),
      reason: 'a newer postback of the lead was queued',
      auditRows: deps.audit.batchJson([
        {
          entry: {
            event: 'postback.superseded',
            campaignId: job.campaignId,
            leadId: payload.lead_id,
            orderId: payload.order_id,
            actor: 'leadbridge',
            outcome: 'superseded',
            detail: { postback_id: job.id, label: payload.label },
          },
        },
      ]),
    });
    postbackAttempts.inc({ outcome: 'superseded' });
    return;
  }
  if (order.olderInFlight) {
    // An older one is being sent right now: this one goes after it, without using up an attempt. Should
    // the older one end before the wait is recorded, no wait is: this one goes now. One that ends after
    // (answered or superseded) makes this one due at once (release-held-postbacks.ts).
    const now = deps.clock.now();
    const held = await executeSql(deps.db, holdPostbackBehindOlder, {
      job,
      endpointId: payload.endpoint_id ?? null,
      seq: payload.seq ?? -1,
      at: now,
      nextAttemptAt: new Date(now.getTime() + olderInFlightWaitMs),
    });
    if (held.length > 0) return;
  }
  const result = await sendPostback(payload, headersFor(deps, job, payload, settings.secret), deps);
  const status = result.httpStatus;
  const answered2xx = status !== null && status >= 200 && status < 300;
  // Many trackers answer 200 with an error in the body (a wrong key, HasOffers' success=false).
  // The endpoint's current success_match (an operator's fix applies to postbacks already queued).
  const successMatch = settings.successMatch;
  const success = answered2xx && answerMatches(result.responseHead, successMatch);
  const gone = status === 410;
  const forbidden = result.forbidden === true;
  // A 4xx is the tracker refusing this postback (400 missing click id, 404 unknown one): a few tries,
  // in case it was a blip, then failed. 408, 425 and 429 say "later", like a 5xx.
  const refused = status !== null && status >= 400 && status < 500 && ![408, 425, 429].includes(status);
  // Counted in refusals, not attempts: two timeouts and then a first 404 are not three refusals.
  const refusedForGood =
    refused && (await earlierRefusals(deps.db, job.id)) + 1 >= (deps.fourxxAttempts ?? 3);
  const now = deps.clock.now();
  const safeUrl = redactPostbackUrl(payload.url);
  const error =
    result.error ??
    (answered2xx
      ? `tracker answered HTTP ${status} without "${successMatch}" in its answer`
      : `tracker answered HTTP ${status}${result.responseHead ? `: ${result.responseHead.slice(0, 200)}` : ''}`);
  const httpStatus = status;
  // 410: the tracker says this postback will never be wanted. A forbidden target will not become allowed.
  const jobUpdate = jobOutcome(
    job,
    success
      ? { kind: 'done', httpStatus }
      : gone || forbidden || refusedForGood
        ? { kind: 'failed', error, httpStatus }
        : {
            kind: 'retry',
            error,
            httpStatus,
            delayMs: Math.max(
              retryDelayMs(postbackRetrySchedule, job.attempts, deps.random),
              result.retryAfterMs ?? 0,
            ),
          },
    now,
  );
  const outcome = success
    ? 'delivered'
    : gone
      ? 'stopped'
      : forbidden
        ? 'forbidden'
        : jobUpdate.state === 'pending'
          ? 'retry'
          : 'failed';
  postbackAttempts.inc({ outcome });
  // The attempt, the job's new state and the audit row in one statement (atomic; one round trip).
  await executeSql(deps.db, recordPostbackAttempt, {
    job,
    sequence: { leadId: job.leadId, endpointId: payload.endpoint_id ?? null, seq: payload.seq ?? -1 },
    at: now,
    outcome: jobUpdate,
    attempt: {
      number: job.attempts,
      method: payload.method,
      url: safeUrl,
      latencyMs: result.latencyMs,
      responseHead: result.responseHead,
      error: success ? null : error,
    },
    auditRows: deps.audit.batchJson([
      {
        entry: {
          event: 'postback.attempt',
          campaignId: job.campaignId,
          leadId: payload.lead_id,
          orderId: payload.order_id,
          actor: 'leadbridge',
          outcome,
          httpStatus,
          latencyMs: result.latencyMs,
          detail: {
            postback_id: job.id,
            attempt: job.attempts,
            method: payload.method,
            url: safeUrl,
            label: payload.label,
            response_head: result.responseHead,
            error: success ? null : error,
          },
        },
      },
    ]),
  });
  if (!success)
    deps.logger.info(
      { postbackId: job.id, attempt: job.attempts, error: result.error, status: result.httpStatus },
      'postback not delivered',
    );
}
