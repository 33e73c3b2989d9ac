// `leadbridge partner add|list` and `leadbridge advertiser add|list`.
import type { Command } from 'commander';
import { type ClientKind, createClient, listClients } from '../campaigns/api-clients.js';
import { setPartnerCaps } from '../campaigns/partner-caps.js';
import { setPartnerCpaToken } from '../campaigns/partner-cpa-token.js';
import { AppError } from '../errors.js';
import { withCliContext } from './cli-context.js';
import { registerPartnerEndpointCommands } from './partner-endpoint-commands.js';

/** Standard input, trimmed: a token is read from there, never from the command line (shell history, ps). */
async function readStandardInput(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new AppError('VALIDATION_FAILED', 'The token is read from standard input', {
      fields: { token: 'pipe it in: printf %s "$TOKEN" | leadbridge partner cpa-token …' },
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** A cap option: a whole number, or `none` (no cap); left out, no cap. */
function capOption(value: string | undefined): number | null | string {
  if (value === undefined || value === 'none') return null;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

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

  if (kind === 'partner') {
    group
      .command('caps')
      .description("set a partner's own caps on one of its campaigns (both at once; left out: no cap)")
      .argument('<partner-id>', 'the partner (ptn_…)')
      .requiredOption('--campaign <alias>', 'the campaign')
      .option('--daily <leads>', 'leads a day, in the campaign time zone (`none`: no cap)')
      .option('--total <leads>', 'leads in all (`none`: no cap)')
      .action((partnerId: string, options: { campaign: string; daily?: string; total?: string }) =>
        withCliContext(async (context) => {
          const set = await setPartnerCaps(context.database.orm, partnerId, options.campaign, {
            daily: capOption(options.daily),
            total: capOption(options.total),
          });
          const show = (limit: number | null) => (limit === null ? 'none' : String(limit));
          console.log(
            `${set.partner_id} on ${set.campaign}: daily ${show(set.caps.daily)}, total ${show(set.caps.total)}`,
          );
        }),
      );

    registerPartnerEndpointCommands(group);

    group
      .command('cpa-token')
      .description(
        "set a partner's own CPA webmaster token on one of its CPA campaigns, read from standard input " +
          '(`printf %s "$TOKEN" | leadbridge partner cpa-token ptn_… --campaign offer`)',
      )
      .argument('<partner-id>', 'the partner (ptn_…)')
      .requiredOption('--campaign <alias>', 'the CPA campaign')
      .option('--clear', "send its leads with the campaign's token again")
      .action((partnerId: string, options: { campaign: string; clear?: boolean }) =>
        withCliContext(async (context) => {
          const token = options.clear ? null : await readStandardInput();
          const set = await setPartnerCpaToken(
            context.database.orm,
            context.cipher,
            partnerId,
            options.campaign,
            {
              token,
            },
          );
          console.log(
            `${set.partner_id} on ${set.campaign}: ${set.own_token ? 'its own webmaster token' : "the campaign's token"}`,
          );
        }),
      );
  }

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
