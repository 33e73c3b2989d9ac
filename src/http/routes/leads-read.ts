// GET /v1/leads/:lead_id and GET /v1/leads?click_id=…: a buyer reads the status of its own leads.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { findPartnerLeadsByClickId, getPartnerLead } from '../../leads/lead-status.js';
import { requireClient } from '../partner-auth.js';

export function registerLeadReadRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;

  app.get<{ Params: { leadId: string } }>('/v1/leads/:leadId', async function readLead(request) {
    const partner = await requireClient(db, request, 'partner');
    return getPartnerLead(db, partner.id, request.params.leadId);
  });

  app.get<{ Querystring: { click_id?: string } }>('/v1/leads', async function findLeadsByClickId(request) {
    const partner = await requireClient(db, request, 'partner');
    const clickId = request.query.click_id;
    if (!clickId) throw new AppError('VALIDATION_FAILED', undefined, { fields: { click_id: 'is required' } });
    return { leads: await findPartnerLeadsByClickId(db, partner.id, clickId, partner.campaignIds) };
  });
}
