// The `leadbridge` command line: serve, migrate, campaigns, partners.
import { Command } from 'commander';
import { loadSettings } from '../config/settings.js';
import { salesRenderCallDepsOf } from '../context.js';
import { migrate } from '../db/migrate.js';
import { openDatabaseFromSettings } from '../open-shared-context.js';
import { startService } from '../service.js';
import { reconcile } from '../statuses/reconcile.js';
import { registerCampaignCommands } from './campaign-commands.js';
import { withCliContext } from './cli-context.js';
import { registerClientCommands } from './client-commands.js';
import { registerConnectionCommands } from './connection-commands.js';
import { registerExportCommand } from './export-command.js';
import { registerPostbackCommands } from './postback-commands.js';

const program = new Command('leadbridge').description(
  'LeadBridge: affiliate traffic to SalesRender, every step audited',
);

program
  .command('serve')
  .description('run the service (production start: no demo data)')
  .action(async () => {
    const service = await startService({ settings: loadSettings() });
    const url = await service.listen();
    service.context.logger.info({ url }, 'LeadBridge is serving');
    registerShutdown(service.close);
  });

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const settings = loadSettings();
    const database = await openDatabaseFromSettings(settings);
    const applied = await migrate(database);
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
    await database.close();
  });

registerConnectionCommands(program);
const campaignCommand = registerCampaignCommands(program);
registerPostbackCommands(program, campaignCommand);
program
  .command('reconcile')
  .description('run one reconciliation pass now: re-read unsettled orders from SalesRender and apply changes')
  .option('--campaign <alias>', 'only this campaign')
  .action((options: { campaign?: string }) =>
    withCliContext(async (context) => {
      const report = await reconcile(salesRenderCallDepsOf(context), {
        campaign: options.campaign,
        lookbackDays: context.settings.RECONCILE_LOOKBACK_DAYS,
        finalDays: context.settings.RECONCILE_FINAL_DAYS,
        ratePerSecond: context.settings.RECONCILE_RATE_PER_SECOND,
      });
      console.log(JSON.stringify(report, null, 2));
      if (report.errors.length > 0) process.exitCode = 1;
    }),
  );

registerExportCommand(program);
registerClientCommands(program, 'partner');
registerClientCommands(program, 'advertiser');

/** SIGTERM/SIGINT: stop taking work, finish what is in flight, release leases, exit. A second signal forces exit. */
export function registerShutdown(close: () => Promise<void>): void {
  let closing = false;
  const stop = async (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    console.error(`${signal}: shutting down`);
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Parses `argv` (as process.argv) and runs the command. */
export async function runCli(argv: string[]): Promise<void> {
  await program.parseAsync(argv);
}
