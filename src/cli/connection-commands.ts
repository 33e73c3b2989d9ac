// `leadbridge connection add|list|show|check`: the SalesRender companies campaigns share.
import type { Command } from 'commander';
import { checkConnection } from '../connections/check-connection.js';
import {
  campaignsByConnection,
  connectionView,
  connectionWebhookUrl,
  createConnection,
  findConnectionById,
  listConnectionCampaigns,
  listConnections,
} from '../connections/connection-repository.js';
import { schemaCheckDepsOf } from '../context.js';
import { AppError } from '../errors.js';
import { withCliContext } from './cli-context.js';
import { readJsonArgument } from './json-argument.js';

interface AddOptions {
  file?: string;
  json?: string;
  name?: string;
  baseUrl?: string;
  companyId?: string;
  token?: string;
}

export function registerConnectionCommands(program: Command): Command {
  const connection = program
    .command('connection')
    .description('manage SalesRender connections (one per company, shared by its campaigns)');

  connection
    .command('add')
    .description(
      'connect a SalesRender company, from flags or JSON (same body as POST /admin/api/connections); prints its webhook URL',
    )
    .option('--name <name>', 'a name for people, e.g. "Main call centre"')
    .option('--base-url <url>', 'SalesRender base URL (default https://de.backend.salesrender.com)')
    .option('--company-id <id>', 'SalesRender company id')
    .option('--token <token>', 'CRM API token (prefer --file: a flag is visible in the process list)')
    .option('--file <path>', 'JSON file, or - for standard input')
    .option('--json <text>', 'JSON text')
    .action((options: AddOptions) =>
      withCliContext(async (context) => {
        const body =
          options.file || options.json
            ? await readJsonArgument(options, 'connection')
            : {
                name: options.name,
                base_url: options.baseUrl,
                company_id: options.companyId,
                token: options.token,
              };
        const created = await createConnection(context.database.orm, body, context);
        console.log(JSON.stringify(connectionView(created, context.settings.publicBaseUrl, []), null, 2));
        console.log(`Register this webhook URL in SalesRender for company ${created.companyId}:`);
        console.log(`  ${connectionWebhookUrl(created, context.settings.publicBaseUrl)}`);
      }),
    );

  connection
    .command('list')
    .description('list connections')
    .action(() =>
      withCliContext(async (context) => {
        const rows = await listConnections(context.database.orm);
        const byConnection = await campaignsByConnection(context.database.orm);
        if (rows.length === 0) console.log('no connections');
        for (const row of rows) {
          const campaigns = byConnection.get(row.id) ?? [];
          console.log(
            `${row.id}\t${row.companyId}@${new URL(row.baseUrl).host}\t${campaigns.length} campaign(s)\t${row.tokenEncrypted ? 'token set' : 'no CRM token'}\t${row.name}`,
          );
        }
      }),
    );

  connection
    .command('show <id>')
    .description('show a connection with its webhook URL and campaigns (the token is never shown)')
    .action((id: string) =>
      withCliContext(async (context) => {
        const found = await findConnectionById(context.database.orm, id);
        if (!found) throw new AppError('CONNECTION_NOT_FOUND');
        const campaigns = await listConnectionCampaigns(context.database.orm, id);
        console.log(
          JSON.stringify(connectionView(found, context.settings.publicBaseUrl, campaigns), null, 2),
        );
      }),
    );

  connection
    .command('check <id>')
    .description(
      "introspect the company with the connection's token, check its CRM campaigns, list statuses and fields",
    )
    .action((id: string) =>
      withCliContext(async (context) => {
        const found = await findConnectionById(context.database.orm, id);
        if (!found) throw new AppError('CONNECTION_NOT_FOUND');
        const report = await checkConnection(schemaCheckDepsOf(context), found);
        console.log(
          `Connection ${found.name}: company ${found.companyId} at ${found.baseUrl}, checked ${report.checked_at}`,
        );
        if (report.statuses.length > 0) console.log('  statuses:');
        for (const status of report.statuses)
          console.log(`    ${status.id}\t${status.group}\t${status.name}`);
        if (report.order_fields.length > 0) console.log('  order fields:');
        for (const field of report.order_fields)
          console.log(`    ${field.name}\t${field.type}\t${field.label}`);
        if (report.ok) {
          console.log('OK: reachable, no mismatches');
        } else {
          console.log(`${report.problems.length} problem(s):`);
          for (const problem of report.problems)
            console.log(
              `  - [${problem.severity}] ${problem.kind}${problem.campaign ? ` (${problem.campaign})` : ''}: ${problem.message}`,
            );
          process.exitCode = 1;
        }
      }),
    );
  return connection;
}
