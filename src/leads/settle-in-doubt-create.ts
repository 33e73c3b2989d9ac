// Before a lead whose earlier create call may have made its order is sent again: look for that order.
import type { Campaign } from '../campaigns/campaign.js';
import type { Job } from '../db/queue/job.js';
import { markPossibleDuplicate } from '../db/sql/mark-possible-duplicate.js';
import { executeSql } from '../db/sql/statement.js';
import { errorForLog } from '../error-for-log.js';
import { CrmClient } from '../salesrender/crm-client.js';
import { SalesRenderError } from '../salesrender/errors.js';
import type { ExchangeObserver } from '../salesrender/transport.js';
import type { CreateOrderDeps } from './create-order-job.js';
import { findInDoubtOrder, type InDoubtLookup } from './find-in-doubt-order.js';
import type { LeadRow } from './lead-repository.js';

/**
 * True when the create call may have been carried out although its answer was lost: a timeout or reset
 * after sending, a 5xx, an unreadable 2xx (salesrender-api.md: the CRM API has no idempotency key).
 */
export function isInDoubt(error: SalesRenderError): boolean {
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
export async function settleInDoubtCreate(
  deps: CreateOrderDeps,
  job: Job<'create_order'>,
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
        { err: errorForLog(error), leadId: lead.id },
        'the in-doubt lookup in logsFetcher does not fit the schema',
      );
      lookup = { kind: 'no_way', reason: `logsFetcher refused the lookup: ${error.message}` };
    }
  }
  if (lookup.kind !== 'found')
    await executeSql(deps.db, markPossibleDuplicate, { leadId: lead.id, at: deps.clock.now() });
  return lookup;
}
