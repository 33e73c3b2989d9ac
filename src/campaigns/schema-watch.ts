// The drift watch: re-introspect each SalesRender company in use, re-check its active campaigns, record and
// audit what changed. SalesRender changes its schema without versioning (salesrender-api.md, [official]).
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { CallRequester } from '../audit/audit-salesrender-exchange.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { ReportBackgroundError } from '../background-errors.js';
import type { Orm } from '../db/connection.js';
import { recordCampaignCheck } from '../db/sql/record-campaign-check.js';
import { recordSchemaCheck } from '../db/sql/record-schema-check.js';
import { executeSql } from '../db/sql/statement.js';
import type { SalesRenderTarget } from '../salesrender/crm-client.js';
import { companyKey } from '../salesrender/live-schema.js';
import { hasError, type SchemaProblem } from '../schema-problem.js';
import type { Campaign } from './campaign.js';
import type { CampaignCheckDeps } from './campaign-check.js';
import { listCampaigns } from './campaign-repository.js';
import { runCampaignCheck } from './run-campaign-check.js';

export const schemaWatchJobKind = 'schema_check';

declare module '../db/queue/job-payloads.js' {
  interface JobPayloads {
    /** A periodic pass: nothing to carry. */
    schema_check: Record<string, never>;
  }
}

export interface SchemaWatchDeps extends CampaignCheckDeps {
  db: Orm;
  audit: AuditWriter;
  logger: Logger;
  /** Hears a company whose check failed; the others are checked all the same. */
  reportBackgroundError: ReportBackgroundError;
}

export interface CompanyWatchResult {
  company: string;
  module: 'CRM' | 'CPA';
  ok: boolean;
  problems: (SchemaProblem & { campaign?: string })[];
  changed: boolean;
}

/** Problems a campaign's check found, once each for the company (document problems are the same for all). */
function mergeProblems(
  into: Map<string, SchemaProblem & { campaign?: string }>,
  campaign: Campaign,
  problems: readonly SchemaProblem[],
): void {
  for (const problem of problems) {
    const shared = problem.kind === 'document' || problem.kind === 'unreachable';
    const entry = shared ? problem : { ...problem, campaign: campaign.alias };
    into.set(`${entry.kind}|${entry.campaign ?? ''}|${entry.message}`, entry);
  }
}

/** A stable text of a result, to tell whether it changed since the last pass. */
const fingerprint = (ok: boolean | null, problems: readonly SchemaProblem[]) =>
  JSON.stringify([ok, problems.map((problem) => `${problem.severity}:${problem.message}`).sort()]);

/** One pass over every company that an active campaign uses. Never throws for a company: each is recorded. */
export async function watchSalesRenderSchemas(deps: SchemaWatchDeps): Promise<CompanyWatchResult[]> {
  const groups = new Map<string, Campaign[]>();
  for (const campaign of await listCampaigns(deps.db)) {
    if (!campaign.active) continue;
    const module = campaign.module === 'cpa' ? 'CPA' : 'CRM';
    const key = `${companyKey(campaign.salesrender)}|${module}`;
    groups.set(key, [...(groups.get(key) ?? []), campaign]);
  }
  const results: CompanyWatchResult[] = [];
  for (const [key, campaigns] of groups) {
    const [company, module] = key.split('|') as [string, 'CRM' | 'CPA'];
    const first = campaigns[0] as Campaign;
    try {
      const target = {
        baseUrl: first.salesrender.baseUrl,
        companyId: first.salesrender.companyId,
        token: deps.cipher.decrypt(first.tokenEncrypted),
      };
      results.push(await watchCompany(deps, { company, module, target }, campaigns));
    } catch (error) {
      // One company's failure (its token cannot be decrypted, the database blinked) must not skip the rest.
      deps.reportBackgroundError('schema_watch', error, { company, module });
    }
  }
  return results;
}

/**
 * Introspects one company's module with `target`'s token, checks `campaigns` against what it found,
 * records the result (salesrender_schemas, campaign_checks) and audits a change. With no campaigns it
 * checks only that the company can be introspected.
 */
export async function watchCompany(
  deps: SchemaWatchDeps,
  which: { company: string; module: 'CRM' | 'CPA'; target: SalesRenderTarget },
  campaigns: readonly Campaign[],
  requester: CallRequester = {},
): Promise<CompanyWatchResult> {
  const { company, module, target } = which;
  const sr = target;
  const problems = new Map<string, SchemaProblem & { campaign?: string }>();
  let schema: GraphQLSchema | null = null;
  try {
    schema = await deps.schemas.refresh(target, module, requester);
  } catch (error) {
    const unreachable: SchemaProblem = {
      kind: 'unreachable',
      severity: 'error',
      message: `SalesRender ${module} at ${sr.baseUrl} (company ${sr.companyId}) could not be introspected: ${error instanceof Error ? error.message : String(error)}`,
    };
    problems.set('unreachable', unreachable);
    for (const campaign of campaigns) {
      await executeSql(deps.db, recordCampaignCheck, {
        campaignId: campaign.id,
        checkedAt: deps.now(),
        ok: false,
        problems: [unreachable],
        leftOut: [],
      });
    }
  }
  if (schema) {
    for (const campaign of campaigns) {
      const report = await runCampaignCheck({ ...deps }, campaign, { schema, requester });
      mergeProblems(problems, campaign, report.problems);
    }
  }
  const list = [...problems.values()];
  const ok = !hasError(list);
  const [previous] = await executeSql(deps.db, recordSchemaCheck, {
    company,
    module,
    baseUrl: sr.baseUrl,
    companyId: sr.companyId,
    checkedAt: deps.now(),
    ok,
    problems: list,
  });
  const previousProblems = previous?.previousProblems ?? [];
  const changed = fingerprint(previous?.previousOk ?? null, previousProblems) !== fingerprint(ok, list);
  if (changed) {
    await deps.audit.write(deps.db, {
      event: 'salesrender.schema_check',
      actor: 'leadbridge',
      outcome: ok ? 'ok' : 'problems',
      detail: { company, module, ok, problems: list, previous_ok: previous?.previousOk ?? null },
    });
    if (!ok) deps.logger.warn({ company, module, problems: list }, 'SalesRender schema check found problems');
  }
  return { company, module, ok, problems: list, changed };
}
