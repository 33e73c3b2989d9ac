// GET /admin/api/audit and /admin/api/leads/export: stream the audit log or the leads as NDJSON or CSV.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type ExportFormat, exportAudit } from '../../audit/audit-export.js';
import { exportLeads } from '../../audit/lead-export.js';
import { findCampaignByAlias } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { exportAnswer } from '../answers/admin-answers.js';
import { adminRoute } from '../route-schema.js';
import { validateInput } from '../validate-input.js';

const querySchema = z.object({
  campaign: z.string().min(1).optional(),
  lead_id: z.string().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});

const exportRoute = (summary: string) =>
  adminRoute({
    tag: 'admin',
    summary,
    querystring: querySchema,
    produces: ['application/x-ndjson', 'text/csv'],
    answers: { 200: exportAnswer },
    errors: ['VALIDATION_FAILED', 'CAMPAIGN_NOT_FOUND'],
  });
const auditSchema = exportRoute('Export the audit log (NDJSON or CSV), oldest first');
const leadsExportSchema = exportRoute('Export the leads (NDJSON or CSV)');

export function registerAdminAuditRoute(app: FastifyInstance, context: AppContext): void {
  /** Validates the query and turns the campaign alias into its id (404 when unknown). */
  async function readQuery(query: unknown) {
    const parsed = validateInput(querySchema, query);
    let campaignId: string | undefined;
    if (parsed.campaign) {
      const campaign = await findCampaignByAlias(context.database.orm, parsed.campaign);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      campaignId = campaign.id;
    }
    return { ...parsed, campaignId };
  }

  function sendStream(
    reply: FastifyReply,
    chunks: AsyncGenerator<string>,
    format: ExportFormat,
    name: string,
  ) {
    const stamp = context.clock.now().toISOString().replace(/[:.]/g, '-');
    return reply
      .header(
        'content-type',
        format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      )
      .header('content-disposition', `attachment; filename="${name}-${stamp}.${format}"`)
      .send(Readable.from(chunks));
  }

  app.get('/admin/api/audit', { schema: auditSchema }, async function exportAuditRoute(request, reply) {
    const query = await readQuery(request.query);
    const filter = { campaignId: query.campaignId, leadId: query.lead_id, from: query.from, to: query.to };
    return sendStream(
      reply,
      exportAudit(context.database.orm, filter, query.format),
      query.format,
      `audit-${query.campaign ?? 'all'}`,
    );
  });

  app.get(
    '/admin/api/leads/export',
    { schema: leadsExportSchema },
    async function exportLeadsRoute(request, reply) {
      const query = await readQuery(request.query);
      const filter = { campaignId: query.campaignId, from: query.from, to: query.to };
      return sendStream(
        reply,
        exportLeads(context.database.orm, filter, query.format),
        query.format,
        `leads-${query.campaign ?? 'all'}`,
      );
    },
  );
}
