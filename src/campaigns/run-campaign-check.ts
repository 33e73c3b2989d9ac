// `campaign check` on demand (CLI, admin API, console): check, record the result, release held leads.
import type { GraphQLSchema } from 'graphql';
import type { CallRequester } from '../audit/audit-salesrender-exchange.js';
import type { Orm } from '../db/connection.js';
import { recordCampaignCheck } from '../db/sql/record-campaign-check.js';
import { executeSql } from '../db/sql/statement.js';
import { hasError } from '../schema-problem.js';
import type { Campaign } from './campaign.js';
import { type CampaignCheckDeps, type CampaignCheckReport, checkCampaign } from './campaign-check.js';
import { releaseHeldLeads } from './held-leads.js';

/**
 * Checks the campaign against its live company and stores the result for its page. When nothing
 * would fail any more, its leads held for a schema fault are sent at once instead of at their next try.
 */
export async function runCampaignCheck(
  deps: CampaignCheckDeps & { db: Orm },
  campaign: Campaign,
  options: { schema?: GraphQLSchema; requester?: CallRequester } = {},
): Promise<CampaignCheckReport & { released: number }> {
  const report = await checkCampaign(deps, campaign, options);
  await executeSql(deps.db, recordCampaignCheck, {
    campaignId: campaign.id,
    checkedAt: new Date(report.checked_at),
    ok: report.ok,
    problems: report.problems,
    leftOut: report.left_out,
  });
  const released = hasError(report.problems) ? 0 : await releaseHeldLeads(deps.db, [campaign.id], deps.now());
  return { ...report, released };
}
