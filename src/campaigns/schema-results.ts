// The drift watch's last result per company, merged over its modules, as the API, dashboard and metric show it.
import type { Executor } from '../db/connection.js';
import { listSchemaChecks } from '../db/sql/list-schema-checks.js';
import { executeSql } from '../db/sql/statement.js';
import { companyKey } from '../salesrender/live-schema.js';
import { hasError, type SchemaProblem } from '../schema-problem.js';
import { listCampaigns } from './campaign-repository.js';

export interface CompanySchemaResult {
  company: string;
  base_url: string;
  company_id: string;
  checked_at: string;
  /** False when any check of the company found an error (something LeadBridge sends would fail). */
  ok: boolean;
  problems: (SchemaProblem & { module: 'CRM' | 'CPA' })[];
}

/**
 * One entry per company that has been checked (its CRM and CPA modules together) and that an active
 * campaign still uses: a company no campaign sends to any more is not reported (nor alerted on).
 */
export async function listCompanySchemaResults(db: Executor): Promise<CompanySchemaResult[]> {
  const inUse = new Set(
    (await listCampaigns(db))
      .filter((campaign) => campaign.active)
      .map((campaign) => `${companyKey(campaign.salesrender)}|${campaign.module === 'cpa' ? 'CPA' : 'CRM'}`),
  );
  const byCompany = new Map<string, CompanySchemaResult>();
  for (const row of await executeSql(db, listSchemaChecks, {})) {
    if (!row.checkedAt || !inUse.has(`${row.company}|${row.module}`)) continue;
    const entry = byCompany.get(row.company) ?? {
      company: row.company,
      base_url: row.baseUrl,
      company_id: row.companyId,
      checked_at: row.checkedAt.toISOString(),
      ok: true,
      problems: [],
    };
    if (row.checkedAt.toISOString() > entry.checked_at) entry.checked_at = row.checkedAt.toISOString();
    entry.problems.push(...row.problems.map((problem) => ({ ...problem, module: row.module })));
    entry.ok = !hasError(entry.problems);
    byCompany.set(row.company, entry);
  }
  return [...byCompany.values()];
}
