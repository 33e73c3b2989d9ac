// `leadbridge campaign add|list|show|check`.
import type { Command } from 'commander';
import { createCampaign, findCampaignByAlias, listCampaigns } from '../campaigns/campaign-repository.js';
import { campaignView } from '../campaigns/campaign-view.js';
import { runCampaignCheck } from '../campaigns/run-campaign-check.js';
import { schemaCheckDepsOf } from '../context.js';
import { AppError } from '../errors.js';
import { withCliContext } from './cli-context.js';
import { readJsonArgument } from './json-argument.js';

export function registerCampaignCommands(program: Command): Command {
  const campaign = program.command('campaign').description('manage campaigns (the alias is the contract)');

  campaign
    .command('add')
    .description('create a campaign from JSON (same body as POST /admin/api/campaigns)')
    .option('--file <path>', 'JSON file, or - for standard input')
    .option('--json <text>', 'JSON text')
    .action((options: { file?: string; json?: string }) =>
      withCliContext(async (context) => {
        const created = await createCampaign(
          context.database.orm,
          await readJsonArgument(options, 'campaign'),
          context,
        );
        console.log(JSON.stringify(campaignView(created, context.settings.publicBaseUrl), null, 2));
      }),
    );

  campaign
    .command('list')
    .description('list campaigns')
    .action(() =>
      withCliContext(async (context) => {
        const rows = await listCampaigns(context.database.orm);
        if (rows.length === 0) console.log('no campaigns');
        for (const row of rows) {
          console.log(`${row.alias}\t${row.module}\t${row.active ? 'active' : 'paused'}\t${row.name}`);
        }
      }),
    );

  campaign
    .command('show <alias>')
    .description('show a campaign with its webhook URL (the token is never shown)')
    .action((alias: string) =>
      withCliContext(async (context) => {
        const found = await findCampaignByAlias(context.database.orm, alias);
        if (!found) throw new AppError('CAMPAIGN_NOT_FOUND');
        console.log(JSON.stringify(campaignView(found, context.settings.publicBaseUrl), null, 2));
      }),
    );

  campaign
    .command('check <alias>')
    .description('check the campaign against its live SalesRender company (schema, statuses, fields)')
    .action((alias: string) =>
      withCliContext(async (context) => {
        const found = await findCampaignByAlias(context.database.orm, alias);
        if (!found) throw new AppError('CAMPAIGN_NOT_FOUND');
        const report = await runCampaignCheck(schemaCheckDepsOf(context), found);
        console.log(
          `Campaign ${alias}: company ${found.salesrender.companyId} at ${found.salesrender.baseUrl}, checked ${report.checked_at}`,
        );
        if (report.statuses.length > 0) console.log('  statuses:');
        for (const status of report.statuses) {
          const label = found.statusMap[status.id];
          console.log(
            `    ${status.id}\t${status.group}\t${status.name}${status.archived ? ' (archived)' : ''}\t-> ${label ?? '(unmapped)'}`,
          );
        }
        if (report.fields.length > 0) console.log('  order fields:');
        for (const field of report.fields)
          console.log(`    ${field.name}\t${field.__typename}\t${field.label}`);
        if (report.left_out.length > 0)
          console.log(`  left out of what is sent: ${report.left_out.join(', ')}`);
        if (found.salesrender.fields.lead_id)
          console.log(
            `  in-doubt creates looked up: ${report.in_doubt_lookup === 'logs' ? 'in logsFetcher' : 'no (sent again, marked possible_duplicate)'}`,
          );
        if (report.released > 0) console.log(`  released ${report.released} held lead(s)`);
        if (report.ok) {
          console.log('OK: no mismatches');
        } else {
          console.log(`${report.problems.length} problem(s):`);
          for (const problem of report.problems)
            console.log(`  - [${problem.severity}] ${problem.kind}: ${problem.message}`);
          process.exitCode = 1;
        }
      }),
    );
  return campaign;
}
