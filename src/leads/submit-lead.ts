// What happens when a buyer posts a lead: authorise, normalise, dedupe, store (leased for the inline attempt), try SalesRender once.

import type { AuditEntry } from '../audit/audit-writer.js';
import type { ReceivedRequest } from '../audit/received-request.js';
import type { Campaign } from '../campaigns/campaign.js';
import type { HotLookups } from '../campaigns/hot-lookups.js';
import { findLeadByIdempotencyKey as findLeadByIdempotencyKeyStatement } from '../db/sql/find-lead-by-idempotency-key.js';
import { releaseCapSlot } from '../db/sql/release-cap-slot.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError } from '../errors.js';
import type { IdSource } from '../ids.js';
import { capReachedError, storeUnderCaps } from './cap-reached.js';
import { attemptCreateOrder, type CreateOrderDeps } from './create-order.js';
import { capsForLead, type LeadCaps } from './lead-caps.js';
import { normaliseLead } from './lead-input.js';
import {
  type EarlierLeadMatch,
  findLeadByClickId,
  findLeadByIdempotencyKey,
  type LeadRow,
  leadFromRow,
  leadStatusWord,
  queuedLeadRow,
} from './lead-repository.js';
import { startInlineAttempt } from './lead-write-protocol.js';
import type { OrderCreatedWriter } from './record-order-created.js';
import type { LeadStore, StoreLeadResult } from './store-lead.js';
import { checkLeadGeo } from './traffic-rules.js';

export interface SubmitLeadDeps extends CreateOrderDeps {
  ids: IdSource;
  /** Identifies this process as the holder of the inline attempt's lease. */
  workerId: string;
  /** How long the inline attempt's lease lasts; after a crash the worker retries once it passes. */
  leaseMs: number;
  /** Cached campaign and key reads (see HotLookups). */
  lookups: HotLookups;
  /** Stores accepted leads (store-lead.ts). */
  leadStore: LeadStore;
  /** Records the orders the inline attempts create (record-order-created.ts). */
  ordersCreated: OrderCreatedWriter;
}

export interface LeadSubmission {
  alias: string;
  /** The campaign the alias names, looked up by the caller (null when none). */
  campaign: Campaign | null;
  apiKey: string | null;
  body: Record<string, unknown>;
  idempotencyKey: string | null;
  requestId: string;
  /**
   * The raw request's audit row: written by the first statement this submission runs, so a lead is never
   * stored before its request is on record (lead-write-protocol.ts, step 1).
   */
  received?: ReceivedRequest | null;
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
async function duplicateOf(
  deps: SubmitLeadDeps,
  lead: LeadRow,
  campaign: Campaign,
  submission: LeadSubmission,
): Promise<SubmitLeadResult> {
  if (lead.state === 'rejected') {
    throw new AppError('SR_REJECTED', lead.errorMessage ?? undefined, {
      details: { lead_id: lead.id, duplicate: true },
    });
  }
  // A 200 repeat is not a refusal (the error path records those): link the request to the original lead.
  await deps.audit.write(deps.db, {
    event: 'lead.duplicate',
    requestId: submission.requestId,
    campaignId: campaign.id,
    leadId: lead.id,
    orderId: lead.orderId,
    actor: 'client',
    outcome: 'duplicate',
    httpStatus: 200,
  });
  return { outcome: 'duplicate', campaign, answer: answerFor(lead, true) };
}

/**
 * Releases a rejected lead's cap slot; a failure leaves the slot taken (the cap sends one lead fewer) and
 * is reported, not thrown: the lead's refusal is the answer.
 */
async function giveBackCapSlot(deps: SubmitLeadDeps, caps: LeadCaps, leadId: string): Promise<void> {
  try {
    await executeSql(deps.db, releaseCapSlot, {
      campaignId: caps.campaignId,
      partnerId: caps.partnerId,
      day: caps.day,
    });
  } catch (error) {
    deps.reportBackgroundError('cap_release', error, { leadId, campaignId: caps.campaignId });
  }
}

/** Runs `write` with the raw request's row when it is not on record yet (see ReceivedRequest.writeWith). */
const withReceived = <T>(
  submission: LeadSubmission,
  write: (unwritten: AuditEntry | null) => Promise<T>,
): Promise<T> => (submission.received ? submission.received.writeWith(write) : write(null));

/**
 * Accepts one lead. Order of work: authorise (401/403/404) -> idempotency key -> validate (422) ->
 * countries (422) -> click id (200 duplicate) -> phone window, IP window (409) -> caps (429) -> store
 * lead + cap slot + audit in one statement -> one inline SalesRender attempt. Once stored, the lead
 * cannot be lost: if this process dies, the lead's inline lease expires and a worker retries it.
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
    const key = submission.idempotencyKey;
    const [seen] = await withReceived(submission, (unwritten) =>
      executeSql(db, findLeadByIdempotencyKeyStatement, {
        partnerId: client.id,
        key,
        auditRows: audit.batchJson(unwritten ? [{ entry: unwritten }] : []),
      }),
    );
    if (seen) return duplicateOf(deps, leadFromRow(seen), campaign, submission);
  }
  const lead = normaliseLead(submission.body, campaign.defaultCountry);
  checkLeadGeo(campaign, lead);
  const now = clock.now();
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
  const match: EarlierLeadMatch = {
    clickId: lead.clickId,
    phone: lead.phone,
    since: campaign.dedupeWindowHours > 0 ? hoursAgo(campaign.dedupeWindowHours) : null,
    phoneCampaignIds:
      campaign.dedupeScope === 'connection'
        ? await deps.lookups.campaignIdsOfCompany(campaign)
        : [campaign.id],
    company: `${campaign.salesrender.baseUrl}\u0000${campaign.salesrender.companyId}`,
    ipSince:
      campaign.duplicateIpWindowHours > 0 && lead.ip ? hoursAgo(campaign.duplicateIpWindowHours) : null,
  };
  const caps = capsForLead(campaign, client.id, client.caps[campaign.id], now);

  const leadId = ids.next('lead');
  const inline = startInlineAttempt(
    deps,
    { id: leadId, campaignId: campaign.id, requestId: submission.requestId },
    now,
  );
  const stored = queuedLeadRow(
    {
      id: leadId,
      campaignId: campaign.id,
      partnerId: client.id,
      clickId: lead.clickId,
      idempotencyKey: submission.idempotencyKey,
      phone: lead.phone,
      name: lead.name,
      country: lead.country,
      ip: lead.ip,
      userAgent: lead.userAgent,
      subs: { ...lead.subs, ...lead.utm },
      extras: lead.comment === null ? lead.extras : { ...lead.extras, comment: lead.comment },
      inlineLeaseUntil: inline.leaseUntil,
    },
    now,
  );
  // Duplicate check, lead (with its inline lease) and audit rows in one statement: atomic like a
  // transaction, one round trip instead of six, and shared with concurrent leads under load (round trips
  // were the largest cost per lead in the profile, bench/README.md). The lead and its acceptance are
  // written only when no earlier lead matches; the statement answers the earlier lead otherwise.
  const accepted: AuditEntry = {
    event: 'lead.accepted',
    requestId: submission.requestId,
    campaignId: campaign.id,
    leadId,
    actor: `partner:${client.id}`,
    outcome: 'accepted',
    detail: { normalised: lead },
  };
  let outcome: StoreLeadResult;
  try {
    outcome = await storeUnderCaps(db, caps, () =>
      withReceived(submission, (unwritten) =>
        deps.leadStore.submit({ lead: stored, match, caps, received: unwritten, accepted }),
      ),
    );
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A concurrent request stored the same click id or idempotency key first; this statement (the raw
    // request's row and any cap slot with it) was rolled back.
    const seen =
      (submission.idempotencyKey &&
        (await findLeadByIdempotencyKey(db, client.id, submission.idempotencyKey))) ||
      (lead.clickId && (await findLeadByClickId(db, campaign.id, lead.clickId)));
    if (!seen) throw error;
    await submission.received?.writeAlone(audit, db);
    return duplicateOf(deps, seen, campaign, submission);
  }
  if (outcome.kind === 'duplicate') {
    const earlierLead = leadFromRow(outcome.earlier);
    if (outcome.rule === 'click') return duplicateOf(deps, earlierLead, campaign, submission);
    const byIp = outcome.rule === 'ip';
    throw new AppError(byIp ? 'LEAD_DUPLICATE_IP' : 'LEAD_DUPLICATE_PHONE', undefined, {
      details: {
        lead_id: earlierLead.id,
        order_id: earlierLead.orderId,
        window_hours: byIp ? campaign.duplicateIpWindowHours : campaign.dedupeWindowHours,
      },
    });
  }
  if (outcome.kind === 'cap_refused' && caps) throw capReachedError(caps, outcome.counts, now);

  let result: Awaited<ReturnType<typeof attemptCreateOrder>>;
  try {
    result = await attemptCreateOrder(deps, inline.job, { lead: stored, campaign, inline });
  } catch (error) {
    // The lead is stored: an unexpected fault here must not turn an accepted lead into a 500 (the buyer
    // would resend). The lead's inline lease expires and the worker's sweep retries it.
    deps.reportBackgroundError('inline_attempt', error, { leadId: stored.id });
    return { outcome: 'queued', campaign, answer: answerFor(stored, false) };
  }
  if (result.kind === 'rejected') {
    // Not forwarded after all (answered 422): the lead gives its cap slot back.
    if (caps) await giveBackCapSlot(deps, caps, stored.id);
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
