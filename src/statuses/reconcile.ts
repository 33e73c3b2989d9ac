// Reconciliation: asks SalesRender for orders whose status may have changed without a webhook, and applies it.
import { and, asc, eq, gt, isNotNull, isNull, notInArray, or } from 'drizzle-orm';
import { auditSalesRenderExchanges } from '../audit/audit-salesrender-exchange.js';
import { type Campaign, findCampaignByAlias, listCampaigns } from '../campaigns/campaign-repository.js';
import { leads } from '../db/schema.js';
import { AppError } from '../errors.js';
import { reconcileResults } from '../metrics.js';
import { CrmClient } from '../salesrender/crm-client.js';
import { readOrder } from '../salesrender/read-order.js';
import { applyStatusChange } from './apply-status-change.js';
import type { RefreshOrderDeps } from './refresh-order.js';

/** Labels after which an order is not expected to change again; everything else is re-checked. */
export const finalLabels = ['rejected', 'trash'];

export interface ReconcileOptions {
  /** Only this campaign (alias); all active CRM campaigns when absent. */
  campaign?: string;
  /** Orders created within this many days are checked. */
  lookbackDays: number;
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
 * One pass. Each order found is applied exactly as a webhook would be (source `reconcile`), so an
 * order whose webhook also arrives is counted once: the history's unique key makes the second a no-op.
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
  const since = new Date(deps.clock.now().getTime() - options.lookbackDays * 86_400_000);

  for (const campaign of campaigns) {
    report.campaigns++;
    const rows = await deps.db
      .select({ id: leads.id, orderId: leads.orderId })
      .from(leads)
      .where(
        and(
          eq(leads.campaignId, campaign.id),
          eq(leads.state, 'created'),
          isNotNull(leads.orderId),
          gt(leads.createdAt, since),
          or(isNull(leads.label), notInArray(leads.label, finalLabels)),
        ),
      )
      .orderBy(asc(leads.createdAt));
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
          page.map((row) => row.orderId as string),
          { commentField: sr.fields.comment },
        );
        report.orders_fetched += orders.length;
        const leadByOrder = new Map(page.map((row) => [row.orderId as string, row.id]));
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
      }
    } catch (error) {
      report.errors.push({ campaign: campaign.alias, message: (error as Error).message });
      deps.logger.warn(
        { err: error, campaign: campaign.alias },
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
