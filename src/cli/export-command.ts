// `leadbridge export`: the audit log or the leads of a campaign and period, to a file or stdout, with progress.
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { countAudit, type ExportFormat, exportAudit } from '../audit/audit-export.js';
import { exportLeads } from '../audit/lead-export.js';
import { findCampaignByAlias } from '../campaigns/campaign-repository.js';
import { AppError } from '../errors.js';
import { withCliContext } from './cli-context.js';

/** A one-line progress bar on stderr (redrawn on a terminal, a final line otherwise), so stdout stays the data. */
function progressBar(total: number | null) {
  const draw = (done: number, final: boolean) => {
    const line =
      total !== null && total > 0
        ? `[${'#'.repeat(Math.round((done / total) * 30)).padEnd(30, '.')}] ${done}/${total} rows`
        : `${done} rows`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else if (final) process.stderr.write(`${line}\n`);
  };
  return { draw };
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('export the audit log (default) or leads as CSV or NDJSON, streamed')
    .option('--campaign <alias>')
    .option('--from <date>', 'inclusive, ISO date or time')
    .option('--to <date>', 'exclusive')
    .option('--format <format>', 'csv | ndjson', 'csv')
    .option('--leads', 'export leads instead of the audit log')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(
      (options: {
        campaign?: string;
        from?: string;
        to?: string;
        format: string;
        leads?: boolean;
        out?: string;
      }) =>
        withCliContext(async (context) => {
          if (options.format !== 'csv' && options.format !== 'ndjson') {
            throw new AppError('VALIDATION_FAILED', undefined, { fields: { format: 'csv or ndjson' } });
          }
          const format = options.format as ExportFormat;
          let campaignId: string | undefined;
          if (options.campaign) {
            const campaign = await findCampaignByAlias(context.database.orm, options.campaign);
            if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
            campaignId = campaign.id;
          }
          const filter = {
            campaignId,
            from: options.from ? new Date(options.from) : undefined,
            to: options.to ? new Date(options.to) : undefined,
          };
          const total = options.leads ? null : await countAudit(context.database.orm, filter);
          const chunks = options.leads
            ? exportLeads(context.database.orm, filter, format)
            : exportAudit(context.database.orm, filter, format);
          const out = options.out ? createWriteStream(options.out) : process.stdout;
          const bar = progressBar(total);
          // Data rows: every line but the CSV header.
          let rows = format === 'csv' ? -1 : 0;
          for await (const chunk of chunks) {
            rows += chunk.match(/\n/g)?.length ?? 0;
            if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
            bar.draw(rows, false);
          }
          bar.draw(rows, true);
          if (options.out)
            await new Promise<void>((resolve) =>
              (out as ReturnType<typeof createWriteStream>).end(() => resolve()),
            );
        }),
    );
}
