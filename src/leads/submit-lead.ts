// What happens when a buyer posts a lead: authorise, normalise, dedupe, store with its job, try SalesRender once.

import { sql } from 'drizzle-orm';
import type { Campaign } from '../campaigns/campaign-repository.js';
import type { HotLookups } from '../campaigns/hot-lookups.js';
import type { IdSource } from '../db/clock.js';
import { jobInsertSql } from '../db/queue/enqueue-job.js';
import { AppError } from '../errors.js';
import {
  attemptCreateOrder,
  type CreateOrderDeps,
  createOrderJobKind,
  createOrderRetrySchedule,
} from './create-order.js';
import { normaliseLead } from './lead-input.js';
import {
  findEarlierLead,
  findLeadByClickId,
  findLeadByIdempotencyKey,
  type LeadRow,
  leadInsertSql,
  leadStatusWord,
} from './lead-repository.js';

export interface SubmitLeadDeps extends CreateOrderDeps {
  ids: IdSource;
  /** Identifies this process as the holder of the inline attempt's lease. */
  workerId: string;
  /** How long the inline attempt's lease lasts; after a crash the worker retries once it passes. */
  leaseMs: number;
  /** Cached campaign and key reads (see HotLookups). */
  lookups: HotLookups;
}

export interface LeadSubmission {
  alias: string;
  /** The campaign the alias names, looked up by the caller (null when none). */
  campaign: Campaign | null;
  apiKey: string | null;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
  requestId: string;
}

export interface LeadAnswer {
  lead_id: string;
  order_id: string | null;
  status: string;
  duplicate: boolean;
}

export type SubmitLeadResult =
  | { outcome: 'created' | 'queued'; campaign: Campaign; answer: LeadAnswer }
  | { outcome: 'duplicate'; campaign: Campaign; answer: LeadAnswer };

const answerFor = (lead: LeadRow, duplicate: boolean): LeadAnswer => ({
  lead_id: lead.id,
  order_id: lead.orderId,
  status: leadStatusWord(lead),
  duplicate,
});

/** Postgres unique_violation: a concurrent request stored the same click id or idempotency key first. */
const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: string })?.code === '23505' ||
  (error as { cause?: { code?: string } })?.cause?.code === '23505';

/** Answers a repeat of an earlier request the way the original was answered (rejections stay rejections). */
function duplicateOf(lead: LeadRow, campaign: Campaign): SubmitLeadResult {
  if (lead.state === 'rejected') {
    throw new AppError('SR_REJECTED', lead.errorMessage ?? undefined, {
      details: { lead_id: lead.id, duplicate: true },
    });
  }
  return { outcome: 'duplicate', campaign, answer: answerFor(lead, true) };
}

/**
 * Accepts one lead. Order of work: authorise (401/403/404) -> idempotency key -> validate (422) ->
 * click id (200 duplicate) -> phone window (409) -> store lead + job + audit in one transaction ->
 * one inline SalesRender attempt. Once stored, the lead cannot be lost: if this process dies, the
 * job's lease expires and a worker retries it.
 */
export async function submitLead(
  deps: SubmitLeadDeps,
  submission: LeadSubmission,
): Promise<SubmitLeadResult> {
  const { db, clock, ids, audit } = deps;
  if (!submission.apiKey) throw new AppError('AUTH_KEY_MISSING');
  const client = await deps.lookups.clientByKey(submission.apiKey);
  if (client?.kind !== 'partner') throw new AppError('AUTH_KEY_INVALID');
  const campaign = submission.campaign;
  if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND', `No campaign has the alias "${submission.alias}"`);
  if (!client.campaignIds.includes(campaign.id)) throw new AppError('AUTH_CAMPAIGN_FORBIDDEN');
  if (!campaign.active) throw new AppError('CAMPAIGN_INACTIVE');

  if (submission.idempotencyKey) {
    const seen = await findLeadByIdempotencyKey(db, client.id, submission.idempotencyKey);
    if (seen) return duplicateOf(seen, campaign);
  }
  const lead = normaliseLead(submission.body, campaign.defaultCountry);
  const since =
    campaign.dedupeWindowHours > 0
      ? new Date(clock.now().getTime() - campaign.dedupeWindowHours * 3_600_000)
      : null;
  const earlier = await findEarlierLead(db, campaign.id, { clickId: lead.clickId, phone: lead.phone, since });
  if (earlier?.sameClick) return duplicateOf(earlier.lead, campaign);
  if (earlier) {
    throw new AppError('LEAD_DUPLICATE_PHONE', undefined, {
      details: {
        lead_id: earlier.lead.id,
        order_id: earlier.lead.orderId,
        window_hours: campaign.dedupeWindowHours,
      },
    });
  }

  const leadId = ids.next('lead');
  const now = clock.now();
  const job = {
    id: ids.next('job'),
    kind: createOrderJobKind,
    campaignId: campaign.id,
    leadId,
    payload: { requestId: submission.requestId },
    maxAttempts: createOrderRetrySchedule.maxAttempts,
    runAt: now,
    dedupeKey: `create_order:${leadId}`,
    claimFor: { workerId: deps.workerId, leaseUntil: new Date(now.getTime() + deps.leaseMs) },
  };
  const stored: LeadRow = {
    id: leadId,
    campaignId: campaign.id,
    partnerId: client.id,
    state: 'queued',
    clickId: lead.clickId,
    idempotencyKey: submission.idempotencyKey,
    phone: lead.phone,
    name: lead.name,
    country: lead.country,
    ip: lead.ip,
    userAgent: lead.userAgent,
    subs: { ...lead.subs, ...lead.utm },
    extras: lead.comment === null ? lead.extras : { ...lead.extras, comment: lead.comment },
    orderId: null,
    statusId: null,
    label: null,
    comment: null,
    errorCode: null,
    errorMessage: null,
    statusChangedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    // Lead, job and audit row in one statement: atomic like a transaction, one round trip instead of five
    // (the round trips were the largest cost per lead in the profile, bench/README.md).
    await db.execute(sql`with stored_lead as (${leadInsertSql(stored)}),
      stored_job as (${jobInsertSql(job, now)}),
      audited as (${audit.insert({
        event: 'lead.accepted',
        requestId: submission.requestId,
        campaignId: campaign.id,
        leadId,
        actor: `partner:${client.id}`,
        outcome: 'accepted',
        detail: { normalised: lead },
      })})
      select 1`);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const seen =
      (submission.idempotencyKey &&
        (await findLeadByIdempotencyKey(db, client.id, submission.idempotencyKey))) ||
      (lead.clickId && (await findLeadByClickId(db, campaign.id, lead.clickId)));
    if (!seen) throw error;
    return duplicateOf(seen, campaign);
  }

  const claimed = {
    ...job,
    state: 'running' as const,
    attempts: 1,
    nextAttemptAt: now,
    lockedUntil: job.claimFor.leaseUntil,
    lockedBy: deps.workerId,
    payload: job.payload,
  };
  let result: Awaited<ReturnType<typeof attemptCreateOrder>>;
  try {
    result = await attemptCreateOrder(deps, claimed, { lead: stored, campaign });
  } catch (error) {
    // The lead and its job are stored: an unexpected fault here must not turn an accepted lead into a
    // 500 (the buyer would resend). The job's lease expires and the worker retries it.
    deps.logger.error(
      { err: error, leadId: stored.id },
      'inline order creation failed; the worker will retry',
    );
    return { outcome: 'queued', campaign, answer: answerFor(stored, false) };
  }
  if (result.kind === 'rejected') {
    throw new AppError('SR_REJECTED', result.error.message, {
      details: { lead_id: stored.id, salesrender_code: result.error.details.srCode ?? null },
    });
  }
  return {
    outcome: result.kind === 'created' ? 'created' : 'queued',
    campaign,
    answer: answerFor(result.lead, false),
  };
}
