// An advertiser sets an order's status by label: map it to a SalesRender status id, update the order, apply it.

import { z } from 'zod';
import { auditSalesRenderExchanges } from '../audit/audit-salesrender-exchange.js';
import type { ReportBackgroundError } from '../background-errors.js';
import type { AuthenticatedClient } from '../campaigns/api-clients.js';
import type { Campaign } from '../campaigns/campaign.js';
import { findCampaignById } from '../campaigns/campaign-repository.js';
import { enqueueJob } from '../db/queue/enqueue-job.js';
import { completeJob, failJob } from '../db/queue/finish-job.js';
import type { Job, RetrySchedule } from '../db/queue/job.js';
import { findLeadByOrderId } from '../db/sql/find-lead-by-order-id.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError } from '../errors.js';
import { findLeadById } from '../leads/lead-repository.js';
import { CrmClient } from '../salesrender/crm-client.js';
import { SalesRenderError } from '../salesrender/errors.js';
import { fitUpdateOrderInput } from '../salesrender/fit-input.js';
import { readOrder } from '../salesrender/read-order.js';
import { applyStatusChange } from './apply-status-change.js';
import type { RefreshOrderDeps } from './refresh-order.js';
import { rescheduleAfterSalesRenderError } from './reschedule-after-salesrender-error.js';

export const advertiserUpdateJobKind = 'advertiser_update';

export const advertiserUpdateRetrySchedule: RetrySchedule = {
  delaysMs: [5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000],
  maxAttempts: 40,
  jitter: 0.1,
};

/** What re-reading an order needs, plus the lease this process holds on the inline first attempt. */
export interface AdvertiserUpdateDeps extends RefreshOrderDeps {
  workerId: string;
  leaseMs: number;
  /** Where a failed re-read after the update is logged and counted (`advertiser_reread`). */
  reportBackgroundError: ReportBackgroundError;
}

export interface StatusRequest {
  orderId: string;
  status: unknown;
  comment?: unknown;
}

export interface StatusAnswer {
  order_id: string;
  lead_id: string;
  status: string;
  status_id: string;
  comment: string | null;
  state: 'applied' | 'queued';
}

export interface UpdatePayload {
  requestId: string | null;
  orderId: string;
  statusId: string;
  label: string;
  comment: string | null;
}

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    advertiser_update: UpdatePayload;
  }
}

/** Finds the order among the advertiser's campaigns; another campaign's order is "not found", never "forbidden". */
async function findAdvertiserLead(
  deps: AdvertiserUpdateDeps,
  advertiser: AuthenticatedClient,
  orderId: string,
) {
  if (advertiser.campaignIds.length === 0) return null;
  const [lead] = await executeSql(deps.db, findLeadByOrderId, {
    orderId,
    campaignIds: advertiser.campaignIds,
  });
  return lead ?? null;
}

const maxCommentLength = 2000;

/**
 * One status request as the API documents it. The label is checked against the order's campaign
 * (`mapLabel`), so the schema names its shape and limits and `mapLabel` applies them.
 */
export const statusRequestSchema = z.object({
  status: z
    .string()
    .min(1)
    .describe("A label of the campaign's advertiser_status_map (default: the inverse of status_map)"),
  comment: z
    .string()
    .max(maxCommentLength)
    .nullable()
    .optional()
    .describe("Written into the campaign's comment field"),
});

/** Validates one item and maps its label; throws typed errors with the allowed labels when the label is unknown. */
function mapLabel(
  campaign: Campaign,
  status: unknown,
  comment: unknown,
): { label: string; statusId: string; comment: string | null } {
  const allowed = Object.keys(campaign.advertiserStatusMap).sort();
  if (typeof status !== 'string' || status.trim() === '') {
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: { status: `is required; one of: ${allowed.join(', ')}` },
    });
  }
  const label = status.trim();
  const statusId = campaign.advertiserStatusMap[label];
  if (!statusId) {
    throw new AppError('VALIDATION_FAILED', `Unknown status "${label}"`, {
      fields: { status: `unknown label; one of: ${allowed.join(', ')}` },
      details: { allowed },
    });
  }
  if (
    comment !== undefined &&
    comment !== null &&
    (typeof comment !== 'string' || comment.length > maxCommentLength)
  ) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: { comment: `must be a string of at most ${maxCommentLength} characters` },
    });
  }
  if (campaign.module !== 'crm') {
    throw new AppError(
      'VALIDATION_FAILED',
      'Orders of CPA campaigns cannot be updated: the CPA module has no order mutation',
      {
        fields: { order_id: 'belongs to a CPA campaign' },
      },
    );
  }
  return { label, statusId, comment: typeof comment === 'string' ? comment : null };
}

/**
 * Sets one order's status for an advertiser. Stores the request as a job first (claimed by this
 * process), tries SalesRender once inline, and answers `applied`, or `queued` when SalesRender is
 * unreachable (the worker retries). A SalesRender refusal becomes its typed error.
 */
export async function updateOrderStatus(
  deps: AdvertiserUpdateDeps,
  advertiser: AuthenticatedClient,
  request: StatusRequest,
  requestId: string | null,
): Promise<StatusAnswer> {
  const lead = await findAdvertiserLead(deps, advertiser, request.orderId);
  if (!lead) throw new AppError('ORDER_NOT_FOUND');
  const campaign = await findCampaignById(deps.db, lead.campaignId);
  if (!campaign) throw new AppError('ORDER_NOT_FOUND');
  const mapped = mapLabel(campaign, request.status, request.comment);
  const now = deps.clock.now();
  const payload: UpdatePayload = { requestId, orderId: request.orderId, ...mapped };
  const job: Job<typeof advertiserUpdateJobKind> = {
    id: deps.ids.next('job'),
    kind: advertiserUpdateJobKind,
    campaignId: campaign.id,
    leadId: lead.id,
    payload: { ...payload },
    state: 'running',
    attempts: 1,
    maxAttempts: advertiserUpdateRetrySchedule.maxAttempts,
    nextAttemptAt: now,
    lockedUntil: new Date(now.getTime() + deps.leaseMs),
    lockedBy: deps.workerId,
  };
  await deps.db.transaction(async (tx) => {
    await enqueueJob(
      tx,
      { ...job, runAt: now, claimFor: { workerId: deps.workerId, leaseUntil: job.lockedUntil as Date } },
      now,
    );
    await deps.audit.write(tx, {
      event: 'advertiser.mapped',
      requestId,
      campaignId: campaign.id,
      leadId: lead.id,
      orderId: request.orderId,
      actor: `advertiser:${advertiser.id}`,
      outcome: 'mapped',
      detail: { label: mapped.label, status_id: mapped.statusId, comment: mapped.comment },
    });
  });
  const outcome = await attemptAdvertiserUpdate(deps, job);
  return {
    order_id: request.orderId,
    lead_id: lead.id,
    status: mapped.label,
    status_id: mapped.statusId,
    comment: mapped.comment,
    state: outcome,
  };
}

/** One attempt of a claimed `advertiser_update` job: mutation, authoritative re-read, apply. */
export async function attemptAdvertiserUpdate(
  deps: AdvertiserUpdateDeps,
  job: Job<typeof advertiserUpdateJobKind>,
): Promise<'applied' | 'queued'> {
  const payload = job.payload;
  const lead = job.leadId ? await findLeadById(deps.db, job.leadId) : null;
  const campaign = job.campaignId ? await findCampaignById(deps.db, job.campaignId) : null;
  if (!lead || !campaign)
    throw new Error(`advertiser_update job ${job.id} points at a missing lead or campaign`);
  const sr = campaign.salesrender;
  const target = {
    baseUrl: sr.baseUrl,
    companyId: sr.companyId,
    token: deps.cipher.decrypt(campaign.tokenEncrypted),
  };
  const client = new CrmClient(target, {
    timeoutMs: deps.salesrenderTimeoutMs,
    observe: auditSalesRenderExchanges(deps, {
      requestId: payload.requestId,
      campaignId: campaign.id,
      leadId: lead.id,
      orderId: payload.orderId,
      attempt: job.attempts,
    }),
  });
  const input: { id: string; statusId: string; orderData?: Record<string, unknown> } = {
    id: payload.orderId,
    statusId: payload.statusId,
  };
  // The comment is a string field of the order, written in the same update [assumed in salesrender-api.md].
  if (payload.comment !== null && sr.fields.comment && !sr.fields.comment.startsWith('source.')) {
    input.orderData = { stringFields: [{ field: sr.fields.comment, value: payload.comment }] };
  }
  let snapshot: ReturnType<typeof readOrder> = null;
  try {
    // Fitted to the live UpdateOrderInput like a create (fit-input.ts); one that cannot fit is retried, not sent.
    const fitted = fitUpdateOrderInput(await deps.schemas.forTarget(target), input);
    const blocking = fitted.problems.filter((problem) => problem.severity === 'error');
    if (blocking.length > 0) {
      throw new SalesRenderError('SR_SCHEMA_FAULT', blocking.map((problem) => problem.message).join('; '));
    }
    await client.updateOrder(fitted.input as typeof input);
    // Re-read for SalesRender's own statusChangedAt, so its webhook for this change later dedupes exactly.
    // The update is done; without the re-read the change is applied with our clock, and SalesRender's
    // webhook for it is re-read later anyway, so a failed re-read loses nothing (logged and counted).
    const orders = await client
      .fetchOrders([payload.orderId], { commentField: sr.fields.comment })
      .catch((error: unknown) => {
        deps.reportBackgroundError('advertiser_reread', error, { orderId: payload.orderId });
        return [];
      });
    snapshot = readOrder(
      orders.find((order) => String(order.id) === payload.orderId),
      sr.fields.comment,
    );
  } catch (error) {
    if (!(error instanceof SalesRenderError)) throw error;
    const now = deps.clock.now();
    if (error.transient) {
      // Queued for the caller either way: a job out of attempts is listed as failed for the operator.
      await rescheduleAfterSalesRenderError(deps.db, job, error, {
        now,
        schedule: advertiserUpdateRetrySchedule,
        random: deps.random,
      });
      return 'queued';
    }
    const message = `${error.code}: ${error.message}`;
    await deps.db.transaction(async (tx) => {
      await failJob(tx, job, { now, error: message, httpStatus: error.details.httpStatus });
      await deps.audit.write(tx, {
        event: 'advertiser.rejected',
        requestId: payload.requestId,
        campaignId: campaign.id,
        leadId: lead.id,
        orderId: payload.orderId,
        actor: 'leadbridge',
        outcome: error.code,
        detail: { sr_code: error.details.srCode ?? null, message: error.message },
      });
    });
    throw error;
  }
  await deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    await applyStatusChange(tx, deps, campaign, lead, {
      statusId: snapshot?.statusId ?? payload.statusId,
      changedAt: snapshot?.statusChangedAt ?? now,
      comment: snapshot?.comment ?? payload.comment,
      source: 'advertiser',
      requestId: payload.requestId,
    });
    await completeJob(tx, job, now);
  });
  return 'applied';
}
