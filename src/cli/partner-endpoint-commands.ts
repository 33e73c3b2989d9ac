// `leadbridge partner endpoint add|list|pause|resume|remove`: a partner's own postback endpoints.
import type { Command } from 'commander';
import {
  campaignAliases,
  createPostbackEndpoint,
  deletePostbackEndpoint,
  listPartnerEndpoints,
  type PostbackEndpoint,
  updatePostbackEndpoint,
} from '../postbacks/postback-endpoints.js';
import { trackerPresets } from '../postbacks/tracker-presets.js';
import { withCliContext } from './cli-context.js';

/** One line per endpoint: id, for (campaign or default), state, fires on, method and URL. */
function endpointLine(endpoint: PostbackEndpoint, aliases: Map<string, string>): string {
  const scope = endpoint.campaignId ? (aliases.get(endpoint.campaignId) ?? endpoint.campaignId) : 'default';
  return [
    endpoint.id,
    endpoint.name,
    scope,
    endpoint.active ? 'active' : 'paused',
    endpoint.postback.on.join(','),
    `${endpoint.postback.method} ${endpoint.postback.url}`,
  ].join('\t');
}

export function registerPartnerEndpointCommands(partner: Command): void {
  const endpoint = partner
    .command('endpoint')
    .description("a partner's own postback endpoints (its tracker), next to each campaign's own postback");

  endpoint
    .command('add')
    .description('add one from a tracker preset with the host and key, or from a URL template')
    .argument('<partner-id>', 'the partner (ptn_…)')
    .option('--preset <tracker>', `one of ${trackerPresets.map((preset) => preset.id).join(', ')}`)
    .option('--host <host>', "the tracker's host (with a preset)")
    .option('--key <key>', 'the postback key or token (with a preset)')
    .option('--url <template>', 'a URL template of its own: {click_id} {status} {payout} …')
    .option('--campaign <alias>', 'only for this campaign (default: all its campaigns)')
    .option('--on <labels>', "comma-separated labels it fires on (default: the preset's)")
    .option('--name <name>', 'a name')
    .action(
      (
        partnerId: string,
        options: {
          preset?: string;
          host?: string;
          key?: string;
          url?: string;
          campaign?: string;
          on?: string;
          name?: string;
        },
      ) =>
        withCliContext(async (context) => {
          const created = await createPostbackEndpoint(
            context.database.orm,
            partnerId,
            {
              ...options,
              on: options.on
                ?.split(',')
                .map((label) => label.trim())
                .filter(Boolean),
            },
            context,
          );
          console.log(endpointLine(created, await campaignAliases(context.database.orm)));
        }),
    );

  endpoint
    .command('list')
    .description("list a partner's endpoints: id, name, campaign, state, labels, method and URL")
    .argument('<partner-id>', 'the partner (ptn_…)')
    .action((partnerId: string) =>
      withCliContext(async (context) => {
        const [endpoints, aliases] = await Promise.all([
          listPartnerEndpoints(context.database.orm, partnerId),
          campaignAliases(context.database.orm),
        ]);
        if (endpoints.length === 0) console.log('no endpoints');
        for (const one of endpoints) console.log(endpointLine(one, aliases));
      }),
    );

  for (const [name, active] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    endpoint
      .command(name)
      .description(
        active
          ? 'send its postbacks again'
          : 'stop sending its postbacks (a paused override silences its campaign)',
      )
      .argument('<endpoint-id>', 'the endpoint (pbe_…)')
      .action((endpointId: string) =>
        withCliContext(async (context) => {
          const updated = await updatePostbackEndpoint(context.database.orm, endpointId, { active }, context);
          console.log(endpointLine(updated, await campaignAliases(context.database.orm)));
        }),
      );
  }

  endpoint
    .command('remove')
    .description('remove it; its postbacks already queued are still sent')
    .argument('<endpoint-id>', 'the endpoint (pbe_…)')
    .action((endpointId: string) =>
      withCliContext(async (context) => {
        await deletePostbackEndpoint(context.database.orm, endpointId);
        console.log(`${endpointId} removed`);
      }),
    );
}
