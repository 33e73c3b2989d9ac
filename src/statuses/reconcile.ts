// Reconciliation: asks SalesRender for orders whose status may have changed without a webhook, and applies it.
import { auditSalesRenderExchanges } from '../audit/audit-salesrender-exchange.js';
import type { Campaign } from '../campaigns/campaign.js';
import { findCampaignByAlias, listCampaigns } from '../campaigns/campaign-repository.js';
import { listLeadsToReconcile } from '../db/sql/list-leads-to-reconcile.js';
import { markLeadsReconciled } from '../db/sql/mark-leads-reconciled.js';
import { executeSql } from '../db/sql/statement.js';
import { errorForLog } from '../error-for-log.js';
import { AppError } from '../errors.js';
import { reconcileResults } from '../metrics.js';
import { CrmClient } from '../salesrender/crm-client.js';
import { readOrder } from '../salesrender/read-order.js';
import { applyStatusChange } from './apply-status-change.js';
import type { RefreshOrderDeps } from './refresh-order.js';

/**
 * Labels after which an order is not expected to change again: re-read less often (`finalRereadMs`) and
 * only for RECONCILE_FINAL_DAYS. Exactly these two, as before: a label of the same report group (say
 * `undelivered`, which can still become `delivered`) stays open and is re-read every pass.
 */
export const finalLabels = ['rejected', 'trash'];

/** A final lead is re-read at most this often; open ones every pass. */
export const finalRereadMs = 3_600_000;

export interface ReconcileOptions {
  /** Only this campaign (alias); all active CRM campaigns when absent. */
  campaign?: string;
  /** Orders created within this many days are checked. */
  lookbackDays: number;
  /**
   * Final (rejected, trash) leads are re-read while their last status change is within this many days,
   * each at most once every `finalRereadMs` (an hour); 0: never (RECONCILE_FINAL_DAYS, default 7).
   */
  finalDays: number;
  /** SalesRender requests per second at most (no limits are documented; be gentle). */
  ratePerSecond: number;
  /** Orders per ordersFetcher page. Default 100. */
  pageSize?: number;
}

export interface ReconcileReport {
  campaigns: number;
  leads_checked: number;
  orders_fetched: number;
  changed: number;
  postbacks: number;
  errors: { campaign: string; message: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A minimal spacing limiter: each call waits until 1/rate seconds after the previous one (real time). */
function rateLimiter(ratePerSecond: number) {
  const spacingMs = 1000 / Math.max(ratePerSecond, 0.01);
  let last = 0;
  return async () => {
    const wait = last + spacingMs - Date.now();
    if (wait > 0) await sleep(wait);
    last = Date.now();
  };
}

/**
 * One pass. It re-reads the campaign's open leads, and its final (rejected, trash) ones still within
 * `finalDays` of their last change and not re-read in the last hour: a call centre re-opens a rejected
 * order on a callback, and that webhook can be lost too. Each order found is applied exactly as a webhook
 * would be (source `reconcile`), so an order whose webhook also arrives is counted once: the history's
 * unique key makes the second a no-op, and a re-read that finds the status already held changes nothing.
 */
export async function reconcile(deps: RefreshOrderDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    campaigns: 0,
    leads_checked: 0,
    orders_fetched: 0,
    changed: 0,
    postbacks: 0,
    errors: [],
  };
  let campaigns: Campaign[];
  if (options.campaign) {
    const campaign = await findCampaignByAlias(deps.db, options.campaign);
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    campaigns = [campaign];
  } else {
    campaigns = (await listCampaigns(deps.db)).filter((campaign) => campaign.active);
  }
  // The CPA module has no order query (salesrender-api.md): its leads rely on webhooks alone.
  campaigns = campaigns.filter((campaign) => campaign.module === 'crm');
  const limit = rateLimiter(options.ratePerSecond);
  const pageSize = options.pageSize ?? 100;
  const now = deps.clock.now();
  const since = new Date(now.getTime() - options.lookbackDays * 86_400_000);
  const finalChangedAfter =
    options.finalDays > 0 ? new Date(now.getTime() - options.finalDays * 86_400_000) : null;
  const finalWords = finalLabels;

  for (const campaign of campaigns) {
    report.campaigns++;
    const rows = await executeSql(deps.db, listLeadsToReconcile, {
      campaignId: campaign.id,
      createdAfter: since,
      finalWords,
      finalChangedAfter,
      finalReadBefore: new Date(now.getTime() - finalRereadMs),
    });
    report.leads_checked += rows.length;
    const sr = campaign.salesrender;
    const client = new CrmClient(
      { baseUrl: sr.baseUrl, companyId: sr.companyId, token: deps.cipher.decrypt(campaign.tokenEncrypted) },
      {
        timeoutMs: deps.salesrenderTimeoutMs,
        observe: auditSalesRenderExchanges(deps, { requestId: null, campaignId: campaign.id }),
      },
    );
    try {
      for (let start = 0; start < rows.length; start += pageSize) {
        const page = rows.slice(start, start + pageSize);
        await limit();
        const orders = await client.fetchOrders(
          page.map((row) => row.orderId),
          { commentField: sr.fields.comment },
        );
        report.orders_fetched += orders.length;
        const leadByOrder = new Map(page.map((row) => [row.orderId, row.id]));
        for (const order of orders) {
          const snapshot = readOrder(order, sr.fields.comment);
          const leadId = snapshot ? leadByOrder.get(snapshot.orderId) : undefined;
          if (!snapshot || !leadId) continue;
          const result = await deps.db.transaction((tx) =>
            applyStatusChange(
              tx,
              deps,
              campaign,
              { id: leadId },
              {
                statusId: snapshot.statusId,
                changedAt: snapshot.statusChangedAt,
                comment: snapshot.comment,
                source: 'reconcile',
              },
            ),
          );
          if (result.kind === 'changed') {
            report.changed++;
            if (result.postbackId) report.postbacks++;
          }
        }
        // After the changes are applied: a page that failed is read again by the next pass.
        await executeSql(deps.db, markLeadsReconciled, {
          leadIds: page.map((row) => row.id),
          at: now,
          finalWords,
        });
      }
    } catch (error) {
      report.errors.push({ campaign: campaign.alias, message: (error as Error).message });
      deps.logger.warn(
        { err: errorForLog(error), campaign: campaign.alias },
        'reconciliation of a campaign failed; the next pass retries',
      );
    }
  }
  reconcileResults.inc({ result: 'checked' }, report.orders_fetched);
  reconcileResults.inc({ result: 'changed' }, report.changed);
  reconcileResults.inc({ result: 'postbacks' }, report.postbacks);
  reconcileResults.inc({ result: 'errors' }, report.errors.length);
  await deps.audit.write(deps.db, {
    event: 'reconcile.pass',
    actor: 'leadbridge',
    outcome: report.errors.length ? 'partial' : 'ok',
    detail: { ...report },
  });
  deps.logger.info({ ...report }, 'reconciliation pass');
  return report;
}
