// What happens when SalesRender calls a campaign's webhook URL: find the order, queue an authoritative re-read.
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import type { ReceivedRequest } from '../audit/received-request.js';
import type { Clock } from '../clock.js';
import type { Orm } from '../db/connection.js';
import { claimedJob, type NewJob } from '../db/queue/enqueue-job.js';
import type { JobWorker } from '../db/queue/worker.js';
import {
  type QueueOrderRefreshRow,
  queueOrderRefreshForCampaign,
  queueOrderRefreshForConnection,
} from '../db/sql/queue-order-refresh.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError } from '../errors.js';
import type { IdSource } from '../ids.js';
import { refreshOrderJobKind, refreshOrderRetrySchedule } from './refresh-order.js';

export interface WebhookHint {
  orderId: string | null;
  /** What the body claims; used only where the order cannot be re-read (CPA campaigns). */
  statusId: string | null;
  statusChangedAt: string | null;
  comment: Record<string, unknown> | null;
}

type Loose = Record<string, unknown> | undefined;
const asObject = (value: unknown): Loose =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const scalar = (value: unknown): string | null =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : null;

/**
 * Finds the order in any body shape receivers see in the field (salesrender-api.md, Webhooks): a bare
 * order at the root, `data.ordersFetcher.orders[0]`, `ordersFetcher.orders[0]`, `data.orders[0]`,
 * `orders[0]`, `{data: order}`, or `id`/`order_id` in the body (JSON or form) or the query string.
 */
export function readWebhookHint(body: unknown, query: unknown): WebhookHint {
  const root = asObject(body);
  const data = asObject(root?.data);
  const firstOrder = (holder: Loose) => asObject((holder?.orders as unknown[] | undefined)?.[0]);
  const order =
    firstOrder(asObject(data?.ordersFetcher)) ??
    firstOrder(asObject(root?.ordersFetcher)) ??
    firstOrder(data) ??
    firstOrder(root) ??
    (data && data.id !== undefined ? data : undefined) ??
    (root && root.id !== undefined && asObject(root.status) ? root : undefined);
  const params = asObject(query);
  const orderId =
    scalar(order?.id) ??
    scalar(root?.order_id) ??
    scalar(root?.id) ??
    scalar(params?.order_id) ??
    scalar(params?.id);
  const statusId =
    scalar(asObject(order?.status)?.id) ?? scalar(root?.status_id) ?? scalar(params?.status_id) ?? null;
  return {
    orderId,
    statusId,
    statusChangedAt: scalar(order?.statusChangedAt) ?? scalar(root?.status_changed_at) ?? null,
    comment: asObject(order?.data) ?? null,
  };
}

export interface WebhookDeps {
  db: Orm;
  clock: Clock;
  ids: IdSource;
  audit: AuditWriter;
  /**
   * This process's job worker: when it has a free slot, the re-read is queued already claimed for it and
   * handed over at once (no NOTIFY and claim round); otherwise it is queued for any worker.
   */
  worker?: Pick<JobWorker, 'reserve' | 'id' | 'leaseUntil'>;
}

/**
 * Where a webhook URL looks for the order: one campaign (its own URL), or every campaign of a SalesRender
 * connection (the company's one URL: SalesRender sends every order of the company to it).
 */
export type WebhookScope =
  | { campaignId: string; connectionId: null }
  | { campaignId: null; connectionId: string };

/**
 * The webhook is a hint, not the truth: it names an order; a job re-reads that order from SalesRender
 * and applies what it finds. So a forged or stale body changes nothing, and the answer can go out at once.
 */
export async function receiveWebhook(
  deps: WebhookDeps,
  input: {
    scope: WebhookScope;
    body: unknown;
    query: unknown;
    requestId: string;
    /** The raw request's audit row: written in the same statement as the job unless on record already. */
    received?: ReceivedRequest | null;
  },
): Promise<{ outcome: 'queued' | 'unknown_order'; orderId: string }> {
  const hint = readWebhookHint(input.body, input.query);
  const orderId = hint.orderId;
  if (!orderId) {
    throw new AppError('WEBHOOK_INVALID', 'No order id found in the webhook (body or id/order_id parameter)');
  }
  const { scope } = input;
  const now = deps.clock.now();
  const slot = deps.worker?.reserve() ?? null;
  const claimFor =
    slot && deps.worker ? { workerId: deps.worker.id, leaseUntil: deps.worker.leaseUntil(now) } : null;
  const job: NewJob<typeof refreshOrderJobKind> = {
    id: deps.ids.next('job'),
    kind: refreshOrderJobKind,
    payload: { requestId: input.requestId, orderId, hint: { ...hint, comment: null } },
    maxAttempts: refreshOrderRetrySchedule.maxAttempts,
    runAt: now,
  };
  // One statement: find the order's lead (the newest, should SalesRender ever repeat an id) among the
  // scope's campaigns, queue the refresh job for it, and either claim it for this worker or wake all
  // workers (NOTIFY is delivered when the statement commits). Order ids are unique within a company, so
  // a connection's campaigns hold at most one lead per order.
  let queued: QueueOrderRefreshRow[];
  const queueRefresh = (unwritten: AuditEntry | null) =>
    executeSql(
      deps.db,
      scope.campaignId !== null ? queueOrderRefreshForCampaign : queueOrderRefreshForConnection,
      {
        scopeId: scope.campaignId ?? scope.connectionId ?? '',
        orderId,
        job: claimFor ? { ...job, claimFor } : job,
        now,
        auditRows: deps.audit.batchJson(unwritten ? [{ entry: unwritten }] : []),
      },
    );
  try {
    queued = input.received ? await input.received.writeWith(queueRefresh) : await queueRefresh(null);
  } catch (error) {
    slot?.release();
    throw error;
  }
  const found = queued[0];
  if (slot && claimFor && found)
    slot.run(claimedJob({ ...job, campaignId: found.campaignId, leadId: found.leadId, claimFor }));
  else slot?.release();
  if (queued.length === 0) {
    await deps.audit.write(deps.db, {
      event: 'webhook.unknown_order',
      requestId: input.requestId,
      campaignId: scope.campaignId,
      orderId,
      actor: 'salesrender',
      outcome: 'unknown_order',
      ...(scope.connectionId ? { detail: { connection_id: scope.connectionId } } : {}),
    });
    return { outcome: 'unknown_order', orderId };
  }
  return { outcome: 'queued', orderId };
}
