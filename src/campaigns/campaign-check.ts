// Verifies a campaign against its live SalesRender company: schema, statuses, order fields (salesrender-api.md, Verifying).
import { buildClientSchema, parse, validate } from 'graphql';
import { CrmClient, type SalesRenderOrderField, type SalesRenderStatus } from '../salesrender/crm-client.js';
import { allDocuments } from '../salesrender/documents.js';
import type { LeadAttribute } from '../salesrender/order-input.js';
import type { Campaign } from './campaign-repository.js';
import type { TokenCipher } from './token-cipher.js';

export interface CampaignCheckReport {
  alias: string;
  ok: boolean;
  documents: Record<string, string[]>;
  statuses: SalesRenderStatus[];
  fields: SalesRenderOrderField[];
  problems: string[];
}

const expectedType: Partial<Record<LeadAttribute, string>> = {
  phone: 'PhoneOrderField',
  name: 'HumanNameOrderField',
  address: 'AddressOrderField',
};

/** Runs every check it can and reports each mismatch; never throws for a mismatch, only for an unreachable company. */
export async function checkCampaign(
  campaign: Campaign,
  cipher: TokenCipher,
  options: { timeoutMs: number },
): Promise<CampaignCheckReport> {
  const sr = campaign.salesrender;
  const report: CampaignCheckReport = {
    alias: campaign.alias,
    ok: true,
    documents: {},
    statuses: [],
    fields: [],
    problems: [],
  };
  if (campaign.module === 'cpa') {
    report.problems.push(
      'CPA module: lead/add is REST with fixed keys, nothing to introspect; send a test lead to verify the offer and token',
    );
    report.ok = false;
    return report;
  }
  const client = new CrmClient(
    { baseUrl: sr.baseUrl, companyId: sr.companyId, token: cipher.decrypt(campaign.tokenEncrypted) },
    { timeoutMs: options.timeoutMs },
  );

  const schema = buildClientSchema(await client.introspect());
  for (const [name, document] of Object.entries(allDocuments())) {
    const errors = validate(schema, parse(document)).map((error) => error.message);
    report.documents[name] = errors;
    for (const error of errors)
      report.problems.push(`GraphQL document ${name} does not fit the live schema: ${error}`);
  }

  report.statuses = await client.fetchStatuses();
  const active = new Map(
    report.statuses.filter((status) => !status.archived).map((status) => [status.id, status]),
  );
  const statusProblem = (id: string, where: string) => {
    if (!active.has(id))
      report.problems.push(
        `${where}: status id ${id} is not an active status of company ${sr.companyId} (unknown or archived)`,
      );
  };
  if (sr.initialStatusId) statusProblem(sr.initialStatusId, 'salesrender.initial_status_id');
  for (const id of Object.keys(campaign.statusMap)) statusProblem(id, 'status_map');
  for (const [label, id] of Object.entries(campaign.advertiserStatusMap))
    statusProblem(id, `advertiser_status_map.${label}`);
  for (const status of active.values()) {
    if (!(status.id in campaign.statusMap)) {
      report.problems.push(
        `status_map: SalesRender status ${status.id} "${status.name}" (${status.group}) is unmapped`,
      );
    }
  }

  report.fields = await client.fetchOrderFields();
  const byName = new Map(report.fields.map((field) => [field.name, field]));
  for (const [attribute, target] of Object.entries(sr.fields) as [LeadAttribute, string | null][]) {
    if (!target || target.startsWith('source.')) continue;
    const field = byName.get(target);
    if (!field) {
      report.problems.push(
        `salesrender.fields.${attribute}: the company has no order field named "${target}"`,
      );
      continue;
    }
    const wanted = expectedType[attribute] ?? 'StringOrderField';
    if (field.__typename !== wanted) {
      report.problems.push(
        `salesrender.fields.${attribute}: field "${target}" is a ${field.__typename}, expected a ${wanted}`,
      );
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}
