// One attempt to create a lead's order in SalesRender, and the bookkeeping for each outcome.
import { collectSalesRenderExchanges } from '../audit/audit-salesrender-exchange.js';
import type { AuditEntry } from '../audit/audit-writer.js';
import type { Campaign } from '../campaigns/campaign.js';
import { findCampaignById } from '../campaigns/campaign-repository.js';
import { findPartnerCpaToken } from '../campaigns/partner-cpa-token.js';
import { completeJob } from '../db/queue/finish-job.js';
import type { Job } from '../db/queue/job.js';
import { postbackAttempts } from '../metrics.js';
import { loadPartnerPostbackSetup, noPartnerSetup } from '../postbacks/partner-postback-setup.js';
import { payoutInForce } from '../postbacks/payout-in-force.js';
import { postbackJobsFor } from '../postbacks/postback-job.js';
import { SalesRenderError } from '../salesrender/errors.js';
import type { CreateOrderDeps, CreateOrderOutcome } from './create-order-job.js';
import { findLeadById, type LeadRow, leadForOrder } from './lead-repository.js';
import { type InlineAttempt, leadWriteStage, recordInlineCreation } from './lead-write-protocol.js';
import { recordCreateFailure } from './record-create-failure.js';
import { type OrderCreatedRecord, recordOrderCreatedByJob } from './record-order-created.js';
import { sendToSalesRender } from './send-to-salesrender.js';
import { settleInDoubtCreate } from './settle-in-doubt-create.js';

export {
  type CreateOrderDeps,
  type CreateOrderOutcome,
  createOrderJobKind,
  createOrderRetrySchedule,
} from './create-order-job.js';

/**
 * Runs one claimed `create_order` job to its recorded outcome. The SalesRender call happens outside
 * any transaction; its exchange is audited as it completes; the result, the job's new state and the
 * audit row are then written together.
 */
export async function attemptCreateOrder(
  deps: CreateOrderDeps,
  job: Job<'create_order'>,
  /**
   * The intake path has both in hand already; the worker loads them. `inline`: the intake's first attempt,
   * whose job exists only in memory (lead-write-protocol.ts): its outcomes are recorded as step 3 says.
   */
  loaded?: { lead: LeadRow; campaign: Campaign; inline?: InlineAttempt },
): Promise<CreateOrderOutcome> {
  const inline = loaded?.inline ?? null;
  const { db, clock, audit } = deps;
  const leadId = job.leadId ?? '';
  const lead = loaded?.lead ?? (await findLeadById(db, leadId));
  const campaign = loaded?.campaign ?? (job.campaignId ? await findCampaignById(db, job.campaignId) : null);
  if (!lead || !campaign) throw new Error(`create_order job ${job.id} points at a missing lead or campaign`);
  const { stage } = leadWriteStage(lead);
  if (!inline && (stage === 'created' || stage === 'rejected' || stage === 'failed')) {
    // Finished by an earlier attempt whose answer arrived after its lease was swept.
    await completeJob(db, job, clock.now());
    return lead.state === 'created' ? { kind: 'created', lead } : { kind: 'queued', lead };
  }
  const requestId = typeof job.payload.requestId === 'string' ? job.payload.requestId : null;
  const chosen = await tokenForLead(deps, campaign, lead);
  const token = deps.cipher.decrypt(chosen.tokenEncrypted);
  // The call's audit rows are written with its outcome, in the same statement (or transaction).
  const exchanges = collectSalesRenderExchanges(clock, {
    requestId,
    campaignId: campaign.id,
    leadId,
    attempt: job.attempts,
  });
  const observe = exchanges.observe;

  const attemptStartedAt = clock.now();
  try {
    const inDoubt = await settleInDoubtCreate(deps, job, campaign, lead, token, observe);
    const orderId =
      inDoubt?.kind === 'found'
        ? inDoubt.orderId
        : await sendToSalesRender(deps, campaign, leadForOrder(lead), token, {
            timeoutMs: deps.salesrenderTimeoutMs,
            observe,
          });
    const statusId = campaign.module === 'crm' ? campaign.salesrender.initialStatusId : null;
    const label = (statusId && campaign.statusMap[statusId]) || 'pending';
    const now = clock.now();
    const updated: LeadRow = {
      ...lead,
      state: 'created',
      orderId,
      statusId,
      label,
      errorCode: null,
      errorMessage: null,
      updatedAt: now,
    };
    // The order starts with a label too (the tracker's hold, `lead`): its postbacks are queued with it,
    // with the payout in force recorded in its first history entry.
    const setup = lead.partnerId
      ? await (deps.lookups?.partnerPostbackSetup(lead.partnerId, campaign.id) ??
          loadPartnerPostbackSetup(db, lead.partnerId, campaign.id))
      : noPartnerSetup;
    const payout = payoutInForce(campaign, setup.payouts, lead.country, label);
    const postbacks = lead.orderId
      ? []
      : postbackJobsFor(
          campaign,
          setup.endpoints,
          lead,
          {
            orderId,
            statusId: statusId ?? '',
            label,
            comment: null,
            changedAt: now,
            seq: 0,
            dedupeKey: `postback:${leadId}:created`,
            payout,
          },
          { ids: deps.ids, now },
        );
    // Lead, job, first history entry and audit in one statement (one round trip; atomic as a transaction);
    // the intake's inline attempt shares it with concurrent leads' (record-order-created.ts).
    const record: OrderCreatedRecord = {
      leadId,
      orderId,
      statusId,
      label,
      at: now,
      payout,
      postbacks,
      entries: [
        ...exchanges.take(),
        {
          event: 'order.created',
          requestId,
          campaignId: campaign.id,
          leadId,
          orderId,
          actor: 'leadbridge',
          outcome: 'created',
          detail: {
            attempt: job.attempts,
            status_id: statusId,
            label,
            ...(inDoubt ? { in_doubt: inDoubt } : {}),
            ...(chosen.from === 'partner' ? { token_from: 'partner' } : {}),
          },
        },
      ],
    };
    if (inline) {
      // Not recorded (yet): the committed lead is answered queued; the order is recorded later or looked up.
      if ((await recordInlineCreation(deps, inline, record)) !== 'recorded') return { kind: 'queued', lead };
    } else await recordOrderCreatedByJob(db, audit, record, job);
    const skipped = postbacks.filter((postback) => postback.skippedBecause).length;
    if (skipped > 0) postbackAttempts.inc({ outcome: 'skipped' }, skipped);
    return { kind: 'created', lead: updated };
  } catch (error) {
    if (!(error instanceof SalesRenderError)) {
      await writeExchanges(deps, exchanges.take());
      throw error;
    }
    const entries = exchanges.take();
    const recorded = await recordCreateFailure(
      deps,
      job,
      lead,
      campaign,
      chosen.from === 'partner' && error.code === 'SR_AUTH_FAILED' ? refusedPartnerToken(error) : error,
      requestId,
      entries,
      inline,
      attemptStartedAt,
    );
    if (recorded !== 'lease_passed') return recorded;
    // The sweep's job owns the lead now and finds the truth itself; the call is still on record.
    deps.logger.warn(
      { leadId, code: error.code },
      "an inline attempt failed after the lead's lease had passed; the worker's job owns the lead",
    );
    await writeExchanges(deps, entries);
    return { kind: 'queued', lead };
  }
}

/**
 * The token a lead's order is made with: on a CPA campaign, its partner's own webmaster token when it has
 * one (a webmaster submitting as themself, counted as that webmaster in SalesRender); else the campaign's.
 * Chosen at each attempt, so a token set or cleared while a lead waits for a retry applies to the retry.
 */
async function tokenForLead(
  deps: CreateOrderDeps,
  campaign: Campaign,
  lead: LeadRow,
): Promise<{ tokenEncrypted: string; from: 'partner' | 'campaign' }> {
  const campaignToken = { tokenEncrypted: campaign.tokenEncrypted, from: 'campaign' } as const;
  if (campaign.module !== 'cpa' || !lead.partnerId) return campaignToken;
  const own = deps.lookups
    ? await deps.lookups.partnerCpaToken(lead.partnerId, campaign.id)
    : await findPartnerCpaToken(deps.db, lead.partnerId, campaign.id);
  return own ? { tokenEncrypted: own, from: 'partner' } : campaignToken;
}

/** The operator must look at the partner's token, not the campaign's: said in the failure's message. */
function refusedPartnerToken(error: SalesRenderError): SalesRenderError {
  return new SalesRenderError(
    'SR_AUTH_FAILED',
    `SalesRender refused the partner's own webmaster token: ${error.message}`,
    error.details,
  );
}

/**
 * Writes collected exchange rows on their own (an unexpected fault: the outcome is not recorded here).
 * A failure is reported, not thrown: the fault being rethrown is the one to answer for.
 */
async function writeExchanges(deps: CreateOrderDeps, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await deps.audit.writeMany(deps.db, entries).catch((error: unknown) =>
    deps.reportBackgroundError('audit_write', error, {
      event: 'salesrender.call',
      requestId: entries[0]?.requestId ?? null,
      rows: entries.length,
    }),
  );
}
