// SalesRender's status list for a campaign's company, read live for the console's status-map editor.
import { auditSalesRenderExchanges, type ExchangeAuditDeps } from '../audit/audit-salesrender-exchange.js';
import { CrmClient, type SalesRenderStatus } from '../salesrender/crm-client.js';
import type { Campaign } from './campaign.js';
import type { TokenCipher } from './token-cipher.js';

/** The statuses, or why there are none: the editor still works by hand without them. */
export interface LiveStatuses {
  statuses: SalesRenderStatus[] | null;
  problem: string | null;
}

/** The editor waits at most this long for the list: a page is not held by a slow SalesRender. */
const editorTimeoutMs = 5_000;

/** The campaign's company's statuses, when SalesRender answers within a few seconds; never throws. */
export async function fetchLiveStatuses(
  deps: ExchangeAuditDeps & { cipher: TokenCipher; salesrenderTimeoutMs: number },
  campaign: Campaign,
  requestId: string | null,
): Promise<LiveStatuses> {
  if (campaign.module === 'cpa')
    return { statuses: null, problem: 'CPA campaigns cannot list statuses (CPA token).' };
  try {
    const client = new CrmClient(
      {
        baseUrl: campaign.salesrender.baseUrl,
        companyId: campaign.salesrender.companyId,
        token: deps.cipher.decrypt(campaign.tokenEncrypted),
      },
      {
        timeoutMs: Math.min(editorTimeoutMs, deps.salesrenderTimeoutMs),
        observe: auditSalesRenderExchanges(deps, {
          requestId,
          campaignId: campaign.id,
          purpose: 'status_list',
        }),
      },
    );
    return { statuses: await client.fetchStatuses(), problem: null };
  } catch (error) {
    return { statuses: null, problem: `SalesRender did not list its statuses: ${(error as Error).message}` };
  }
}
