// `connection check`: can LeadBridge reach this company with the connection's token, and what does it hold?
import { eq } from 'drizzle-orm';
import { auditSalesRenderExchanges, type CallRequester } from '../audit/audit-salesrender-exchange.js';
import { listCampaigns } from '../campaigns/campaign-repository.js';
import { type SchemaWatchDeps, watchCompany } from '../campaigns/schema-watch.js';
import { salesrenderConnections } from '../db/schema.js';
import { CrmClient } from '../salesrender/crm-client.js';
import { companyKey } from '../salesrender/live-schema.js';
import { hasError, type SchemaProblem } from '../schema-problem.js';
import type { Connection } from './connection-repository.js';

export interface ConnectionCheckReport {
  connection_id: string;
  checked_at: string;
  ok: boolean;
  /** The company's schema problems and those of its active CRM campaigns (each naming its campaign). */
  problems: (SchemaProblem & { campaign?: string })[];
  /** The company's statuses and order fields as SalesRender lists them (also kept on the connection). */
  statuses: { id: string; name: string; group: string }[];
  order_fields: { name: string; label: string; type: string }[];
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Introspects the company's CRM module with the connection's token and checks its active CRM campaigns
 * against it (recorded as the drift watch records it), then reads its statuses and order fields and keeps
 * them on the connection. CPA campaigns are left to the drift watch: they call with their webmasters'
 * tokens, not the connection's.
 */
export async function checkConnection(
  deps: SchemaWatchDeps,
  connection: Connection,
  requester: Pick<CallRequester, 'requestId'> = {},
): Promise<ConnectionCheckReport> {
  const checkedAt = deps.now();
  const report: ConnectionCheckReport = {
    connection_id: connection.id,
    checked_at: checkedAt.toISOString(),
    ok: false,
    problems: [],
    statuses: [],
    order_fields: [],
  };
  if (!connection.tokenEncrypted) {
    report.problems.push({
      kind: 'unreachable',
      severity: 'error',
      message: 'the connection has no CRM token: set one to reach the CRM module',
    });
    return report;
  }
  const target = {
    baseUrl: connection.baseUrl,
    companyId: connection.companyId,
    token: deps.cipher.decrypt(connection.tokenEncrypted),
  };
  const campaigns = (await listCampaigns(deps.db)).filter(
    (campaign) => campaign.connectionId === connection.id && campaign.active && campaign.module === 'crm',
  );
  const asker = { requestId: requester.requestId ?? null, connectionId: connection.id };
  const watched = await watchCompany(
    deps,
    { company: companyKey(target), module: 'CRM', target },
    campaigns,
    asker,
  );
  report.problems.push(...watched.problems);
  if (!watched.problems.some((problem) => problem.kind === 'unreachable')) {
    const client = new CrmClient(target, {
      timeoutMs: deps.timeoutMs,
      observe: auditSalesRenderExchanges(deps, { ...asker, campaignId: null, purpose: 'connection_check' }),
    });
    try {
      const [statuses, fields] = await Promise.all([client.fetchStatuses(), client.fetchOrderFields()]);
      report.statuses = statuses
        .filter((status) => !status.archived)
        .map(({ id, name, group }) => ({ id, name, group }));
      report.order_fields = fields.map(({ name, label, __typename }) => ({ name, label, type: __typename }));
      await deps.db
        .update(salesrenderConnections)
        .set({ statuses: report.statuses, orderFields: report.order_fields, fetchedAt: checkedAt })
        .where(eq(salesrenderConnections.id, connection.id));
    } catch (error) {
      report.problems.push({
        kind: 'unreachable',
        severity: 'error',
        message: `the statuses and order fields could not be read: ${describe(error)}`,
      });
    }
  }
  report.ok = !hasError(report.problems);
  return report;
}
