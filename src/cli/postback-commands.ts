// `leadbridge postbacks list|retry|replay` and `leadbridge campaign test-postback`.
import type { Command } from 'commander';
import { findCampaignByAlias } from '../campaigns/campaign-repository.js';
import { deliveryDepsOf } from '../context.js';
import { AppError } from '../errors.js';
import { createGuardedAgent } from '../postbacks/outbound-guard.js';
import {
  listPostbacks,
  type PostbackState,
  replayPostbacks,
  retryPostback,
  sendTestPostback,
} from '../postbacks/postback-admin.js';
import { type CliContext, withCliContext } from './cli-context.js';

async function campaignIdOf(context: CliContext, alias: string | undefined): Promise<string | undefined> {
  if (!alias) return undefined;
  const campaign = await findCampaignByAlias(context.database.orm, alias);
  if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
  return campaign.id;
}

export function registerPostbackCommands(program: Command, campaignCommand: Command): void {
  const postbacks = program.command('postbacks').description('inspect and retry tracker postbacks');

  postbacks
    .command('list')
    .description('list postbacks, newest first')
    .option('--campaign <alias>')
    .option('--state <state>', 'pending | delivered | failed | skipped | superseded')
    .option('--limit <n>', 'how many', '50')
    .action((options: { campaign?: string; state?: PostbackState; limit: string }) =>
      withCliContext(async (context) => {
        const rows = await listPostbacks(
          context.database.orm,
          { campaignId: await campaignIdOf(context, options.campaign), state: options.state },
          Number(options.limit),
        );
        if (rows.length === 0) console.log('no postbacks');
        for (const row of rows) {
          console.log(
            `${row.id}\t${row.state}\t${row.label}\tattempts ${row.attempts}/${row.max_attempts}\t${row.last_http_status ?? '-'}\t${row.url}`,
          );
        }
      }),
    );

  postbacks
    .command('retry <id>')
    .description('queue one postback to be sent again now (picked up by the running service)')
    .action((id: string) =>
      withCliContext(async (context) => {
        const view = await retryPostback(context.database.orm, id, context.clock.now());
        console.log(`${view.id} queued (${view.state})`);
      }),
    );

  postbacks
    .command('replay')
    .description('queue every matching postback again (default: failed ones)')
    .option('--campaign <alias>')
    .option('--state <state>', 'pending | delivered | failed', 'failed')
    .option('--from <date>')
    .option('--to <date>')
    .action((options: { campaign?: string; state: PostbackState; from?: string; to?: string }) =>
      withCliContext(async (context) => {
        const replayed = await replayPostbacks(
          context.database.orm,
          {
            campaignId: await campaignIdOf(context, options.campaign),
            state: options.state,
            from: options.from ? new Date(options.from) : undefined,
            to: options.to ? new Date(options.to) : undefined,
          },
          context.clock.now(),
        );
        console.log(`${replayed} postback(s) queued`);
      }),
    );

  campaignCommand
    .command('test-postback <alias>')
    .description("send a sample postback to the campaign's tracker and print its answer")
    .option('--label <label>', 'label to simulate', 'accepted')
    .action((alias: string, options: { label: string }) =>
      withCliContext(async (context) => {
        const campaign = await findCampaignByAlias(context.database.orm, alias);
        if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
        const dispatcher = createGuardedAgent(context.settings.LEADBRIDGE_ALLOW_PRIVATE_TARGETS);
        const result = await sendTestPostback(
          campaign,
          deliveryDepsOf(context, dispatcher),
          options.label,
        ).finally(() => dispatcher.close());
        console.log(`${result.method} ${result.url}`);
        if (result.body) console.log(result.body);
        console.log(
          result.error
            ? `error: ${result.error}`
            : `answer: HTTP ${result.http_status} in ${result.latency_ms} ms`,
        );
        if (result.response_head) console.log(result.response_head);
        if (!result.delivered) process.exitCode = 1;
      }),
    );
}
