// Verifies a campaign against its live SalesRender company: schema, inputs, statuses, order fields
// (salesrender-api.md, "Verifying against a real company"). Never throws for a mismatch: each is a problem.
import { type GraphQLSchema, parse, validate } from 'graphql';
import {
  auditSalesRenderExchanges,
  type CallRequester,
  type ExchangeAuditDeps,
} from '../audit/audit-salesrender-exchange.js';
import { CrmClient, type SalesRenderOrderField, type SalesRenderStatus } from '../salesrender/crm-client.js';
import { allDocuments, orderCreationsDocument } from '../salesrender/documents.js';
import { SalesRenderError } from '../salesrender/errors.js';
import { coercionProblems, fitAddOrderInput, fitUpdateOrderInput } from '../salesrender/fit-input.js';
import { logCreationAction, mutationInputType } from '../salesrender/live-schema.js';
import { buildAddOrderInput, buildCpaLeadBody, type LeadAttribute } from '../salesrender/order-input.js';
import type { SchemaProblem } from '../schema-problem.js';
import type { Campaign } from './campaign.js';
import type { CompanySchemas } from './company-schemas.js';
import { crmOrderSettings } from './crm-order-settings.js';
import { sampleLead } from './sample-lead.js';
import type { TokenCipher } from './token-cipher.js';

export interface CampaignCheckReport {
  alias: string;
  /** True when nothing at all was found (a warning too makes `leadbridge campaign check` exit 1). */
  ok: boolean;
  checked_at: string;
  problems: SchemaProblem[];
  /** Input paths LeadBridge leaves out of what it sends, because the live input types lack them. */
  left_out: string[];
  statuses: SalesRenderStatus[];
  fields: SalesRenderOrderField[];
  /** How an order whose create answer was lost is looked for: in the change log, or not at all. */
  in_doubt_lookup: 'logs' | 'none';
}

/** The check's reads of SalesRender are audited like every other call (`ExchangeAuditDeps`). */
export interface CampaignCheckDeps extends ExchangeAuditDeps {
  cipher: TokenCipher;
  schemas: CompanySchemas;
  timeoutMs: number;
  now: () => Date;
}

const expectedType: Partial<Record<LeadAttribute, string>> = {
  phone: 'PhoneOrderField',
  name: 'HumanNameOrderField',
  address: 'AddressOrderField',
};

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs every check it can. `schema`, when given, is the company's schema the caller has just
 * introspected (the drift watch checks many campaigns of one company); otherwise it is introspected now.
 */
export async function checkCampaign(
  deps: CampaignCheckDeps,
  campaign: Campaign,
  options: { schema?: GraphQLSchema; requester?: CallRequester } = {},
): Promise<CampaignCheckReport> {
  const report: CampaignCheckReport = {
    alias: campaign.alias,
    ok: false,
    checked_at: deps.now().toISOString(),
    problems: [],
    left_out: [],
    statuses: [],
    fields: [],
    in_doubt_lookup: 'none',
  };
  const sr = campaign.salesrender;
  const target = {
    baseUrl: sr.baseUrl,
    companyId: sr.companyId,
    token: deps.cipher.decrypt(campaign.tokenEncrypted),
  };
  const module = campaign.module === 'cpa' ? 'CPA' : 'CRM';
  let schema: GraphQLSchema;
  try {
    schema = options.schema ?? (await deps.schemas.refresh(target, module, options.requester));
  } catch (error) {
    report.problems.push({
      kind: 'unreachable',
      severity: 'error',
      message: `SalesRender ${module} at ${sr.baseUrl} (company ${sr.companyId}) could not be introspected: ${describe(error)}`,
    });
    return report;
  }
  if (campaign.module === 'cpa') checkCpaInput(campaign, schema, report);
  else await checkCrm(deps, campaign, schema, report, options.requester ?? {});
  report.ok = report.problems.length === 0;
  return report;
}

/**
 * CPA `lead/add` is REST, but `/CPA` serves GraphQL too [field]: the REST body is coerced against the
 * GraphQL `AddLeadInput` as the nearest published description of what the module takes.
 */
function checkCpaInput(campaign: Campaign, schema: GraphQLSchema, report: CampaignCheckReport): void {
  const type = mutationInputType(schema, 'leadMutation', 'addLead');
  if (!type) {
    report.problems.push({
      kind: 'document',
      severity: 'warning',
      message:
        'The CPA module has no leadMutation.addLead(input:) in its schema: the lead/add body cannot be checked',
    });
    return;
  }
  const body = buildCpaLeadBody(sampleLead, {
    offerId: campaign.salesrender.offerId ?? '',
    fields: campaign.salesrender.fields,
  });
  for (const problem of coercionProblems(body, type, `lead/add body (as ${type.name})`))
    report.problems.push({ ...problem, severity: 'warning' });
}

async function checkCrm(
  deps: CampaignCheckDeps,
  campaign: Campaign,
  schema: GraphQLSchema,
  report: CampaignCheckReport,
  requester: CallRequester,
): Promise<void> {
  const sr = campaign.salesrender;
  const creationAction = logCreationAction(schema);
  const documents = allDocuments();
  if (sr.fields.lead_id && creationAction) {
    documents.orderCreations = orderCreationsDocument({
      creationAction,
      referenceTarget: sr.fields.lead_id,
      from: new Date(0),
      to: new Date(0),
    });
  }
  for (const [name, document] of Object.entries(documents)) {
    for (const error of validate(schema, parse(document))) {
      report.problems.push({
        kind: 'document',
        severity: 'error',
        message: `GraphQL document ${name} does not fit the live schema: ${error.message}`,
        path: name,
      });
    }
  }
  const added = fitAddOrderInput(schema, buildAddOrderInput(sampleLead, crmOrderSettings(campaign)));
  report.left_out.push(...added.leftOut);
  report.problems.push(...added.problems);
  if (sr.fields.comment && !sr.fields.comment.startsWith('source.')) {
    const updated = fitUpdateOrderInput(schema, {
      id: '1',
      statusId: sr.initialStatusId ?? '1',
      orderData: { stringFields: [{ field: sr.fields.comment, value: 'comment' }] },
    });
    report.left_out.push(...updated.leftOut);
    report.problems.push(...updated.problems);
  }
  if (sr.fields.lead_id) {
    const referenceSent = !report.left_out.includes(sr.fields.lead_id);
    report.in_doubt_lookup = creationAction && referenceSent ? 'logs' : 'none';
    if (!referenceSent) {
      report.problems.push({
        kind: 'logs',
        severity: 'warning',
        message: `salesrender.fields.lead_id: ${sr.fields.lead_id} is left out of what is sent, so an in-doubt create cannot be found by it; route lead_id to a key or field the company takes`,
        path: 'salesrender.fields.lead_id',
      });
    } else if (!creationAction) {
      report.problems.push({
        kind: 'logs',
        severity: 'warning',
        message:
          'The live logsFetcher cannot return order creations: a lead whose create answer was lost is sent again and marked possible_duplicate',
        path: 'logsFetcher',
      });
    }
  }
  const client = new CrmClient(
    { baseUrl: sr.baseUrl, companyId: sr.companyId, token: deps.cipher.decrypt(campaign.tokenEncrypted) },
    {
      timeoutMs: deps.timeoutMs,
      observe: auditSalesRenderExchanges(deps, {
        requestId: requester.requestId ?? null,
        connectionId: requester.connectionId ?? null,
        campaignId: campaign.id,
        purpose: 'campaign_check',
      }),
    },
  );
  try {
    report.statuses = await client.fetchStatuses();
    checkStatuses(campaign, report);
    report.fields = await client.fetchOrderFields();
    checkOrderFields(campaign, report);
  } catch (error) {
    const auth = error instanceof SalesRenderError && error.code === 'SR_AUTH_FAILED';
    report.problems.push({
      kind: auth ? 'token' : 'unreachable',
      severity: 'error',
      message: `Could not read the company's statuses and order fields: ${describe(error)}`,
    });
  }
}

function checkStatuses(campaign: Campaign, report: CampaignCheckReport): void {
  const sr = campaign.salesrender;
  const active = new Map(
    report.statuses.filter((status) => !status.archived).map((status) => [status.id, status]),
  );
  const missing = (id: string, path: string, severity: SchemaProblem['severity']) => {
    if (active.has(id)) return;
    report.problems.push({
      kind: 'status',
      severity,
      message: `${path}: status id ${id} is not an active status of company ${sr.companyId} (unknown or archived)`,
      path,
    });
  };
  if (sr.initialStatusId) missing(sr.initialStatusId, 'salesrender.initial_status_id', 'error');
  for (const id of Object.keys(campaign.statusMap)) missing(id, 'status_map', 'warning');
  for (const [label, id] of Object.entries(campaign.advertiserStatusMap))
    missing(id, `advertiser_status_map.${label}`, 'error');
  for (const status of active.values()) {
    if (!(status.id in campaign.statusMap)) {
      report.problems.push({
        kind: 'status',
        severity: 'warning',
        message: `status_map: SalesRender status ${status.id} "${status.name}" (${status.group}) is unmapped`,
        path: 'status_map',
      });
    }
  }
}

function checkOrderFields(campaign: Campaign, report: CampaignCheckReport): void {
  const byName = new Map(report.fields.map((field) => [field.name, field]));
  for (const [attribute, target] of Object.entries(campaign.salesrender.fields) as [
    LeadAttribute,
    string | null,
  ][]) {
    if (!target || target.startsWith('source.')) continue;
    const path = `salesrender.fields.${attribute}`;
    const field = byName.get(target);
    if (!field) {
      report.problems.push({
        kind: 'order_field',
        severity: 'error',
        message: `${path}: the company has no order field named "${target}"`,
        path,
      });
      continue;
    }
    const wanted = expectedType[attribute] ?? 'StringOrderField';
    if (field.__typename !== wanted) {
      report.problems.push({
        kind: 'order_field',
        severity: 'error',
        message: `${path}: field "${target}" is a ${field.__typename}, expected a ${wanted}`,
        path,
      });
    }
  }
}
