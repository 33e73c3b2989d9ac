// GET /admin/api/audit: streams the audit log for a campaign, period or lead as NDJSON or CSV.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { exportAudit } from '../../audit/audit-export.js';
import { exportLeads } from '../../audit/lead-export.js';
import { findCampaignByAlias } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError, fieldsFromIssues } from '../../errors.js';

const querySchema = z.object({
  campaign: z.string().min(1).optional(),
  lead_id: z.string().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});

export function registerAdminAuditRoute(app: FastifyInstance, context: AppContext): void {
  app.get('/admin/api/leads/export', async function exportLeadsRoute(request, reply) {
    const parsed = querySchema.omit({ lead_id: true }).safeParse(request.query);
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
    const query = parsed.data;
    let campaignId: string | undefined;
    if (query.campaign) {
      const campaign = await findCampaignByAlias(context.database.orm, query.campaign);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      campaignId = campaign.id;
    }
    const stream = Readable.from(
      exportLeads(context.database.orm, { campaignId, from: query.from, to: query.to }, query.format),
    );
    return reply
      .header(
        'content-type',
        query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      )
      .header(
        'content-disposition',
        `attachment; filename="leads-${query.campaign ?? 'all'}.${query.format}"`,
      )
      .send(stream);
  });

  app.get('/admin/api/audit', async function exportAuditRoute(request, reply) {
    const parsed = querySchema.safeParse(request.query);
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
    const query = parsed.data;
    let campaignId: string | undefined;
    if (query.campaign) {
      const campaign = await findCampaignByAlias(context.database.orm, query.campaign);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      campaignId = campaign.id;
    }
    const stream = Readable.from(
      exportAudit(
        context.database.orm,
        { campaignId, leadId: query.lead_id, from: query.from, to: query.to },
        query.format,
      ),
    );
    const stamp = context.clock.now().toISOString().replace(/[:.]/g, '-');
    return reply
      .header(
        'content-type',
        query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      )
      .header(
        'content-disposition',
        `attachment; filename="audit-${query.campaign ?? 'all'}-${stamp}.${query.format}"`,
      )
      .send(stream);
  });
}
