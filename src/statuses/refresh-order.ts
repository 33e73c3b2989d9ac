// Re-reads one order from SalesRender (after a webhook) and applies its authoritative status and comment.
import { collectSalesRenderExchanges } from '../audit/audit-salesrender-exchange.js';
import { findCampaignById } from '../campaigns/campaign-repository.js';
import type { HotLookups } from '../campaigns/hot-lookups.js';
import type { Job, RetrySchedule } from '../db/queue/job.js';
import { completeJobWithAudit } from '../db/sql/complete-job-with-audit.js';
import { executeSql } from '../db/sql/statement.js';
import type { IdSource } from '../ids.js';
import type { CreateOrderDeps } from '../leads/create-order.js';
import { CrmClient } from '../salesrender/crm-client.js';
import { SalesRenderError } from '../salesrender/errors.js';
import { type OrderSnapshot, readOrder } from '../salesrender/read-order.js';
import { applyStatusChange } from './apply-status-change.js';
import { rescheduleAfterSalesRenderError } from './reschedule-after-salesrender-error.js';

export const refreshOrderJobKind = 'refresh_order';

/** Quick retries: a buyer's tracker waits on this; after an hour, reconciliation catches up anyway. */
export const refreshOrderRetrySchedule: RetrySchedule = {
  delaysMs: [2_000, 10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000],
  maxAttempts: 12,
  jitter: 0.1,
};

/** What a SalesRender call with audited exchanges needs, plus ids for the postbacks a change may queue. */
export interface RefreshOrderDeps extends CreateOrderDeps {
  ids: IdSource;
  /** Cached campaign reads (see HotLookups); without it the campaign is read from the database. */
  lookups?: HotLookups;
  /**
   * The worker running these jobs and its lease: a postback the change queues is then claimed for it and
   * answered as the job's follow-up, sent at once in the same slot (JobHandler).
   */
  workerId?: string;
  leaseMs?: number;
}

export interface RefreshPayload {
  requestId?: string;
  orderId: string;
  /** What the webhook's body claimed (its comment left out); read only where the order cannot be re-read. */
  hint?: { orderId?: string | null; statusId: string | null; statusChangedAt: string | null; comment?: null };
}

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    refresh_order: RefreshPayload;
  }
}

/** Runs one claimed `refresh_order` job to its recorded outcome; answers the postback it queued claimed, if any. */
export async function attemptRefreshOrder(
  deps: RefreshOrderDeps,
  job: Job<typeof refreshOrderJobKind>,
): Promise<Job | null> {
  const payload = job.payload;
  // The lead itself is read (and locked) when the change is applied; the campaign comes from the cache.
  const lead = job.leadId ? { id: job.leadId } : null;
  const campaign = job.campaignId
    ? await (deps.lookups?.campaignById(job.campaignId) ?? findCampaignById(deps.db, job.campaignId))
    : null;
  if (!lead || !campaign) throw new Error(`refresh_order job ${job.id} points at a missing lead or campaign`);
  const requestId = payload.requestId ?? null;
  const base = {
    requestId,
    campaignId: campaign.id,
    leadId: lead.id,
    orderId: payload.orderId,
    actor: 'leadbridge',
  };

  // The re-read's audit rows are written in the transaction that applies what it found.
  const exchanges = collectSalesRenderExchanges(deps.clock, { ...base, attempt: job.attempts });
  let snapshot: OrderSnapshot | null;
  if (campaign.module === 'cpa') {
    // The CPA module has no order query (salesrender-api.md [assumed]): the body's status is all there is.
    const hint = payload.hint;
    snapshot = hint?.statusId
      ? {
          orderId: payload.orderId,
          statusId: hint.statusId,
          statusChangedAt: new Date(hint.statusChangedAt ?? deps.clock.now().toISOString()),
          comment: null,
        }
      : null;
  } else {
    const sr = campaign.salesrender;
    const client = new CrmClient(
      { baseUrl: sr.baseUrl, companyId: sr.companyId, token: deps.cipher.decrypt(campaign.tokenEncrypted) },
      { timeoutMs: deps.salesrenderTimeoutMs, observe: exchanges.observe },
    );
    try {
      const orders = await client.fetchOrders([payload.orderId], { commentField: sr.fields.comment });
      const order = orders.find((candidate) => String(candidate.id) === payload.orderId);
      snapshot = readOrder(order, sr.fields.comment);
    } catch (error) {
      const entries = exchanges.take();
      if (entries.length > 0) await deps.audit.writeMany(deps.db, entries);
      if (!(error instanceof SalesRenderError)) throw error;
      await rescheduleAfterSalesRenderError(deps.db, job, error, {
        now: deps.clock.now(),
        schedule: refreshOrderRetrySchedule,
        random: deps.random,
      });
      return null;
    }
  }

  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    // The job's outcome and the re-read's audit rows commit with the change below, written by the
    // statement that locks the lead (one round trip fewer per webhook).
    const entries = exchanges.take();
    if (!snapshot) {
      const missing = { ...base, event: 'webhook.order_missing', outcome: 'ignored' };
      await executeSql(tx, completeJobWithAudit, {
        job,
        at: now,
        auditRows: deps.audit.batchJson([...entries, missing].map((entry) => ({ entry }))),
      });
      return null;
    }
    const change = await applyStatusChange(
      tx,
      deps,
      campaign,
      lead,
      {
        statusId: snapshot.statusId,
        changedAt: snapshot.statusChangedAt,
        comment: snapshot.comment,
        source: 'webhook',
        requestId,
      },
      {
        observedBy: { job, at: now, entries },
        ...(deps.workerId && deps.leaseMs
          ? {
              claimPostbackFor: {
                workerId: deps.workerId,
                leaseUntil: new Date(now.getTime() + deps.leaseMs),
              },
            }
          : {}),
      },
    );
    return change.kind === 'changed' ? change.claimedPostback : null;
  });
}
