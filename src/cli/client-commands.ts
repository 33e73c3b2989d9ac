// `leadbridge partner add|list` and `leadbridge advertiser add|list`.
import type { Command } from 'commander';
import { type ClientKind, createClient, listClients } from '../campaigns/api-clients.js';
import { withCliContext } from './cli-context.js';

export function registerClientCommands(program: Command, kind: ClientKind): void {
  const group = program
    .command(kind)
    .description(
      kind === 'partner'
        ? 'manage partners (media buyers) and their API keys'
        : 'manage advertisers and their API keys',
    );

  group
    .command('add')
    .description('create one and print its API key (shown once)')
    .requiredOption('--name <name>', 'display name')
    .option('--campaigns <aliases>', 'comma-separated campaign aliases it may use', '')
    .action((options: { name: string; campaigns: string }) =>
      withCliContext(async (context) => {
        const campaigns = options.campaigns
          .split(',')
          .map((alias) => alias.trim())
          .filter(Boolean);
        const created = await createClient(
          context.database.orm,
          kind,
          { name: options.name, campaigns },
          context,
        );
        console.log(`${kind} ${created.id} (${created.name}) for ${campaigns.join(', ') || 'no campaigns'}`);
        console.log(`API key (shown once, store it now): ${created.api_key}`);
      }),
    );

  group
    .command('list')
    .description('list them with their campaigns')
    .action(() =>
      withCliContext(async (context) => {
        const rows = await listClients(context.database.orm, kind);
        if (rows.length === 0) console.log(`no ${kind}s`);
        for (const row of rows) console.log(`${row.id}\t${row.name}\t${row.campaigns.join(',')}`);
      }),
    );
}
