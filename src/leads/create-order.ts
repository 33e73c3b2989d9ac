// One attempt to create a lead's order in SalesRender, and the bookkeeping for each outcome.
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { collectSalesRenderExchanges } from '../audit/audit-salesrender-exchange.js';
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import { type Campaign, findCampaignById } from '../campaigns/campaign-repository.js';
import type { CompanySchemas } from '../campaigns/company-schemas.js';
import { crmOrderSettings } from '../campaigns/crm-order-settings.js';
import type { TokenCipher } from '../campaigns/token-cipher.js';
import type { Clock } from '../db/clock.js';
import type { Orm } from '../db/connection.js';
import { jobInsertSql, type NewJob } from '../db/queue/enqueue-job.js';
import { completeJob, completeJobSql, failJob, holdJob, retryOrFailJob } from '../db/queue/finish-job.js';
import { type Job, type RetrySchedule, retryDelayMs } from '../db/queue/job.js';
import { leads } from '../db/schema.js';
import { markCreateInDoubtSql } from '../db/sql/mark-create-in-doubt.js';
import { markPossibleDuplicateSql } from '../db/sql/mark-possible-duplicate.js';
import { addCpaLead } from '../salesrender/cpa-client.js';
import { CrmClient, type SalesRenderTarget } from '../salesrender/crm-client.js';
import { SalesRenderError } from '../salesrender/errors.js';
import { fitAddOrderInput, leadValuesOf } from '../salesrender/fit-input.js';
import { buildAddOrderInput, buildCpaLeadBody, type LeadForOrder } from '../salesrender/order-input.js';
import type { ExchangeObserver } from '../salesrender/transport.js';
import { findInDoubtOrder, type InDoubtLookup } from './find-in-doubt-order.js';
import { findLeadById, type LeadRow, leadForOrder } from './lead-repository.js';
import { type OrderCreatedRecord, type OrderCreatedWriter, orderCreatedSql } from './record-order-created.js';

export const createOrderJobKind = 'create_order';

/**
 * Retries while SalesRender is down: quick at first (a blip), then hourly for three days, so an
 * accepted lead outlives a long outage. SalesRender's own client retries 5xx 10 times 10 s apart
 * (salesrender-api.md, Errors); we are gentler and longer.
 */
export const createOrderRetrySchedule: RetrySchedule = {
  delaysMs: [5_000, 15_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000],
  maxAttempts: 80,
  jitter: 0.1,
};

export interface CreateOrderDeps {
  db: Orm;
  clock: Clock;
  audit: AuditWriter;
  cipher: TokenCipher;
  random: () => number;
  logger: Logger;
  salesrenderTimeoutMs: number;
  /** Each company's live schema, which CRM inputs are fitted to. */
  schemas: CompanySchemas;
}

/** The intake's inline attempt: its job exists only in memory, and created orders share statements. */
export interface InlineAttempt {
  unsavedJob: NewJob;
  ordersCreated: OrderCreatedWriter;
}

export type CreateOrderOutcome =
  | { kind: 'created'; lead: LeadRow }
  | { kind: 'queued'; lead: LeadRow }
  | { kind: 'rejected'; lead: LeadRow; error: SalesRenderError }
  | { kind: 'failed'; lead: LeadRow; error: SalesRenderError };

/** How long a lead held for a schema fault waits between attempts (until a check passes or the campaign changes). */
export const schemaFaultRetryMs = 5 * 60_000;

/**
 * Sends the lead to SalesRender through the campaign's module. A CRM input is first fitted to the
 * company's live schema (fit-input.ts); one that cannot fit is not sent but held as a schema fault.
 */
async function sendToSalesRender(
  deps: Pick<CreateOrderDeps, 'schemas'>,
  campaign: Campaign,
  lead: LeadForOrder,
  token: string,
  options: { timeoutMs: number; observe: ExchangeObserver },
): Promise<string> {
  const sr = campaign.salesrender;
  const target: SalesRenderTarget = { baseUrl: sr.baseUrl, companyId: sr.companyId, token };
  if (campaign.module === 'cpa') {
    const body = buildCpaLeadBody(lead, { offerId: sr.offerId ?? '', fields: sr.fields });
    return (await addCpaLead(target, body, options)).orderId;
  }
  const built = buildAddOrderInput(lead, crmOrderSettings(campaign));
  const fitted = fitAddOrderInput(await deps.schemas.forTarget(target), built);
  const blocking = fitted.problems.filter((problem) => problem.severity === 'error');
  if (blocking.length > 0) {
    throw new SalesRenderError('SR_SCHEMA_FAULT', blocking.map((problem) => problem.message).join('; '));
  }
  return (await new CrmClient(target, options).addOrder(fitted.input, leadValuesOf(fitted.input))).orderId;
}

/**
 * Runs one claimed `create_order` job to its recorded outcome. The SalesRender call happens outside
 * any transaction; its exchange is audited as it completes; the result, the job's new state and the
 * audit row are then written together.
 */
export async function attemptCreateOrder(
  deps: CreateOrderDeps,
  job: Job,
  /**
   * The intake path has both in hand already; the worker loads them. `inline`: `job` exists only in
   * memory (the intake's attempt, leased on the lead): nothing to complete on success (the creation goes
   * to the shared writer), and a failure writes the job as it ran (claimed, attempt 1) to carry the retries.
   */
  loaded?: { lead: LeadRow; campaign: Campaign; inline?: InlineAttempt },
): Promise<CreateOrderOutcome> {
  const inline = loaded?.inline ?? null;
  const unsavedJob = inline?.unsavedJob ?? null;
  const { db, clock, audit } = deps;
  const leadId = job.leadId ?? '';
  const lead = loaded?.lead ?? (await findLeadById(db, leadId));
  const campaign = loaded?.campaign ?? (job.campaignId ? await findCampaignById(db, job.campaignId) : null);
  if (!lead || !campaign) throw new Error(`create_order job ${job.id} points at a missing lead or campaign`);
  if (!inline && lead.state !== 'queued') {
    // Finished by an earlier attempt whose answer arrived after its lease was swept.
    await completeJob(db, job, clock.now());
    return lead.state === 'created' ? { kind: 'created', lead } : { kind: 'queued', lead };
  }
  const requestId = typeof job.payload.requestId === 'string' ? job.payload.requestId : null;
  const token = deps.cipher.decrypt(campaign.tokenEncrypted);
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
    // Lead, job, first history entry and audit in one statement (one round trip; atomic as a transaction);
    // the intake's inline attempt shares it with concurrent leads' (record-order-created.ts).
    const record: OrderCreatedRecord = {
      leadId,
      orderId,
      statusId,
      label,
      at: now,
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
          },
        },
      ],
    };
    if (inline) await inline.ordersCreated.submit(record);
    else await db.execute(orderCreatedSql(audit, record, completeJobSql(job, now)));
    return { kind: 'created', lead: updated };
  } catch (error) {
    if (!(error instanceof SalesRenderError)) {
      await writeExchanges(deps, exchanges.take());
      throw error;
    }
    return recordFailure(
      deps,
      job,
      lead,
      campaign,
      error,
      requestId,
      exchanges.take(),
      unsavedJob,
      attemptStartedAt,
    );
  }
}

/**
 * True when the create call may have been carried out although its answer was lost: a timeout or reset
 * after sending, a 5xx, an unreadable 2xx (salesrender-api.md: the CRM API has no idempotency key).
 */
function isInDoubt(error: SalesRenderError): boolean {
  if (error.details.inDoubt) return true;
  if (error.code === 'SR_BAD_RESPONSE') return true;
  return error.code === 'SR_UNAVAILABLE' && (error.details.httpStatus ?? 0) >= 500;
}

/**
 * Before a lead whose earlier create call was in doubt is sent again: the order that call may have made
 * is looked for (find-in-doubt-order.ts). Found: it is recorded, not sent again. Not found, or no way to
 * look: the lead is flagged possible_duplicate first (so even a crash after the send leaves the flag).
 * Null when no earlier call was in doubt.
 */
async function settleInDoubtCreate(
  deps: CreateOrderDeps,
  job: Job,
  campaign: Campaign,
  lead: LeadRow,
  token: string,
  observe: ExchangeObserver,
): Promise<InDoubtLookup | null> {
  const since = typeof job.payload.inDoubtSince === 'string' ? new Date(job.payload.inDoubtSince) : null;
  if (!since || Number.isNaN(since.getTime())) return null;
  const sr = campaign.salesrender;
  let lookup: InDoubtLookup;
  if (campaign.module === 'cpa') {
    lookup = { kind: 'no_way', reason: 'the CPA module has no order query' };
  } else {
    const target = { baseUrl: sr.baseUrl, companyId: sr.companyId, token };
    const client = new CrmClient(target, { timeoutMs: deps.salesrenderTimeoutMs, observe });
    try {
      lookup = await findInDoubtOrder(client, await deps.schemas.forTarget(target), {
        referenceTarget: sr.fields.lead_id,
        leadId: lead.id,
        from: since,
        to: deps.clock.now(),
      });
    } catch (error) {
      // A change log that no longer fits is no way to look (sent again, flagged); an outage is retried.
      if (!(error instanceof SalesRenderError) || error.code !== 'SR_SCHEMA_FAULT') throw error;
      deps.logger.warn(
        { err: error, leadId: lead.id },
        'the in-doubt lookup in logsFetcher does not fit the schema',
      );
      lookup = { kind: 'no_way', reason: `logsFetcher refused the lookup: ${error.message}` };
    }
  }
  if (lookup.kind !== 'found') await deps.db.execute(markPossibleDuplicateSql(lead.id, deps.clock.now()));
  return lookup;
}

/** Writes collected exchange rows on their own (an unexpected fault: the outcome is not recorded here). */
async function writeExchanges(deps: CreateOrderDeps, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await deps.db
    .execute(deps.audit.insertMany(entries))
    .catch((error: unknown) => deps.logger.error({ err: error }, 'could not audit a SalesRender exchange'));
}

async function recordFailure(
  deps: CreateOrderDeps,
  job: Job,
  lead: LeadRow,
  campaign: Campaign,
  error: SalesRenderError,
  requestId: string | null,
  exchangeEntries: AuditEntry[],
  unsavedJob: NewJob | null,
  attemptStartedAt: Date,
): Promise<CreateOrderOutcome> {
  const { db, clock, audit } = deps;
  const inDoubt = isInDoubt(error);
  return db.transaction(async (tx) => {
    if (exchangeEntries.length > 0) await tx.execute(audit.insertMany(exchangeEntries));
    const now = clock.now();
    // The inline attempt's job is written as it ran so the usual outcome below applies to it; the
    // lead's inline lease is cleared with the outcome. An in-doubt call is noted on the job, so the next
    // attempt looks for the order it may have made before sending again.
    if (unsavedJob) {
      const payload = inDoubt
        ? { ...unsavedJob.payload, inDoubtSince: attemptStartedAt.toISOString() }
        : unsavedJob.payload;
      await tx.execute(jobInsertSql({ ...unsavedJob, payload }, now));
    } else if (inDoubt) {
      await tx.execute(markCreateInDoubtSql(job.id, attemptStartedAt));
    }
    const detail = {
      attempt: job.attempts,
      code: error.code,
      sr_code: error.details.srCode ?? null,
      message: error.message,
      ...(inDoubt ? { in_doubt: true } : {}),
    };
    if (error.code === 'SR_SCHEMA_FAULT') {
      if (error.details.httpStatus !== undefined && campaign.module === 'crm') {
        const sr = campaign.salesrender;
        const token = deps.cipher.decrypt(campaign.tokenEncrypted);
        deps.schemas.refreshSoon({ baseUrl: sr.baseUrl, companyId: sr.companyId, token });
      }
      // The operator's to fix, not the lead's: held without using up its attempts, tried again every few
      // minutes, and released at once when a check passes or the campaign changes (release-held-leads.ts).
      await holdJob(tx, job, { now, delayMs: schemaFaultRetryMs, error: `${error.code}: ${error.message}` });
      const [updated] = await tx
        .update(leads)
        .set({
          state: 'queued',
          errorCode: error.code,
          errorMessage: error.message,
          inlineLeaseUntil: null,
          updatedAt: now,
        })
        .where(eq(leads.id, lead.id))
        .returning();
      await audit.write(tx, {
        event: 'order.held',
        requestId,
        campaignId: campaign.id,
        leadId: lead.id,
        actor: 'leadbridge',
        outcome: 'held',
        detail: {
          ...detail,
          reason: 'salesrender_schema',
          next_attempt_at: new Date(now.getTime() + schemaFaultRetryMs).toISOString(),
        },
      });
      return { kind: 'queued' as const, lead: updated ?? lead };
    }
    if (error.transient) {
      const delayMs = Math.max(
        retryDelayMs(createOrderRetrySchedule, job.attempts, deps.random),
        error.details.retryAfterMs ?? 0,
      );
      const state = await retryOrFailJob(tx, job, {
        now,
        delayMs,
        error: `${error.code}: ${error.message}`,
        httpStatus: error.details.httpStatus,
      });
      const [updated] = await tx
        .update(leads)
        .set({
          state: state === 'failed' ? 'failed' : 'queued',
          errorCode: error.code,
          errorMessage: error.message,
          inlineLeaseUntil: null,
          updatedAt: now,
        })
        .where(eq(leads.id, lead.id))
        .returning();
      await audit.write(tx, {
        event: state === 'failed' ? 'order.failed' : 'order.retry_scheduled',
        requestId,
        campaignId: campaign.id,
        leadId: lead.id,
        actor: 'leadbridge',
        outcome: state === 'failed' ? 'failed' : 'retry',
        detail: {
          ...detail,
          next_attempt_at: state === 'failed' ? null : new Date(now.getTime() + delayMs).toISOString(),
        },
      });
      return state === 'failed'
        ? { kind: 'failed' as const, lead: updated ?? lead, error }
        : { kind: 'queued' as const, lead: updated ?? lead };
    }
    await failJob(tx, job, {
      now,
      error: `${error.code}: ${error.message}`,
      httpStatus: error.details.httpStatus,
    });
    const [updated] = await tx
      .update(leads)
      .set({
        state: 'rejected',
        errorCode: error.code,
        errorMessage: error.message,
        inlineLeaseUntil: null,
        updatedAt: now,
      })
      .where(eq(leads.id, lead.id))
      .returning();
    await audit.write(tx, {
      event: 'order.rejected',
      requestId,
      campaignId: campaign.id,
      leadId: lead.id,
      actor: 'leadbridge',
      outcome: 'rejected',
      detail,
    });
    return { kind: 'rejected' as const, lead: updated ?? lead, error };
  });
}
