// Admin API for campaigns: POST/GET/PATCH /admin/api/campaigns[/:alias].
import type { FastifyInstance } from 'fastify';
import {
  campaignView,
  createCampaign,
  findCampaignByAlias,
  listCampaigns,
  updateCampaign,
} from '../../campaigns/campaign-repository.js';
import { runCampaignCheck } from '../../campaigns/run-campaign-check.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';

export function registerAdminCampaignRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const base = context.settings.publicBaseUrl;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };

  app.post('/admin/api/campaigns', async function createCampaignRoute(request, reply) {
    const campaign = await createCampaign(db, request.body, deps);
    return reply.code(201).send(campaignView(campaign, base, context.cipher));
  });

  app.get('/admin/api/campaigns', async function listCampaignsRoute() {
    return {
      campaigns: (await listCampaigns(db)).map((campaign) => campaignView(campaign, base, context.cipher)),
    };
  });

  app.get<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias',
    async function showCampaignRoute(request) {
      const campaign = await findCampaignByAlias(db, request.params.alias);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      return campaignView(campaign, base, context.cipher);
    },
  );

  app.patch<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias',
    async function patchCampaignRoute(request) {
      const campaign = await updateCampaign(db, request.params.alias, request.body, deps);
      return campaignView(campaign, base, context.cipher);
    },
  );

  app.post<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias/check',
    async function checkCampaignRoute(request) {
      const campaign = await findCampaignByAlias(db, request.params.alias);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      const report = await runCampaignCheck(context.schemaCheckDeps, campaign);
      const { alias: _alias, ...answer } = report;
      return answer;
    },
  );
}
