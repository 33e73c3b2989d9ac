// GET /v1/leads/:lead_id and GET /v1/leads?click_id=…: a buyer reads the status of its own leads.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { findPartnerLeadsByClickId, getPartnerLead } from '../../leads/lead-status.js';
import { leadStatusAnswer, leadsByClickIdAnswer } from '../answers/lead-answers.js';
import { requireClient } from '../partner-auth.js';
import { apiKeyRoute } from '../route-schema.js';
import { validateInput } from '../validate-input.js';

const partnerKeyErrors = ['AUTH_KEY_MISSING', 'AUTH_KEY_INVALID', 'AUTH_KEY_WRONG_KIND'] as const;

const readLeadSchema = apiKeyRoute({
  tag: 'leads',
  summary: 'One of your leads: its order, status, history and postbacks',
  params: z.object({ leadId: z.string().meta({ example: 'lead_9f3kQ2xv0LmA1bCd' }) }),
  answers: { 200: leadStatusAnswer.describe('The lead') },
  errors: [...partnerKeyErrors, 'LEAD_NOT_FOUND'],
});

const clickIdQuery = z.object({
  click_id: z.string({ error: 'is required' }).min(1, 'is required'),
});

const findLeadsSchema = apiKeyRoute({
  tag: 'leads',
  summary: 'Your leads with this click id (one per campaign at most), newest first',
  querystring: clickIdQuery,
  answers: { 200: leadsByClickIdAnswer.describe('The leads') },
  errors: [...partnerKeyErrors, 'VALIDATION_FAILED'],
});

export function registerLeadReadRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;

  app.get<{ Params: { leadId: string } }>(
    '/v1/leads/:leadId',
    { schema: readLeadSchema },
    async function readLead(request) {
      const partner = await requireClient(db, request, 'partner');
      const answer: z.output<typeof leadStatusAnswer> = await getPartnerLead(
        db,
        partner.id,
        request.params.leadId,
      );
      return answer;
    },
  );

  app.get('/v1/leads', { schema: findLeadsSchema }, async function findLeadsByClickId(request) {
    const partner = await requireClient(db, request, 'partner');
    const query = validateInput(clickIdQuery, request.query);
    const answer: z.output<typeof leadsByClickIdAnswer> = {
      leads: await findPartnerLeadsByClickId(db, partner.id, query.click_id, partner.campaignIds),
    };
    return answer;
  });
}
