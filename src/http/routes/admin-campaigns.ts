// Admin API for campaigns: POST/GET/PATCH /admin/api/campaigns[/:alias].
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { campaignCreateSchema, campaignPatchSchema } from '../../campaigns/campaign-input.js';
import {
  createCampaign,
  findCampaignByAlias,
  listCampaigns,
  updateCampaign,
} from '../../campaigns/campaign-repository.js';
import { campaignView } from '../../campaigns/campaign-view.js';
import { runCampaignCheck } from '../../campaigns/run-campaign-check.js';
import { type AppContext, schemaCheckDepsOf } from '../../context.js';
import { AppError } from '../../errors.js';
import { campaignAnswer, campaignCheckAnswer, campaignListAnswer } from '../answers/admin-answers.js';
import { adminRoute } from '../route-schema.js';

type CampaignAnswer = z.output<typeof campaignAnswer>;
const aliasParams = z.object({ alias: z.string().meta({ example: 'slim-ru' }) });

const createSchema = adminRoute({
  tag: 'admin',
  summary: 'Create a campaign',
  body: campaignCreateSchema,
  answers: { 201: campaignAnswer.describe('Created; webhook_url is what SalesRender must call') },
  errors: ['VALIDATION_FAILED', 'CAMPAIGN_ALIAS_TAKEN'],
});
const listSchema = adminRoute({
  tag: 'admin',
  summary: 'List campaigns',
  answers: { 200: campaignListAnswer.describe('Every campaign') },
  errors: [],
});
const showSchema = adminRoute({
  tag: 'admin',
  summary: 'Show a campaign',
  params: aliasParams,
  answers: { 200: campaignAnswer.describe('The campaign') },
  errors: ['CAMPAIGN_NOT_FOUND'],
});
const patchSchema = adminRoute({
  tag: 'admin',
  summary: "Change any subset of a campaign's settings (salesrender and its fields merge key by key)",
  params: aliasParams,
  body: campaignPatchSchema,
  answers: { 200: campaignAnswer.describe('The campaign as changed') },
  errors: ['VALIDATION_FAILED', 'CAMPAIGN_NOT_FOUND'],
});
const checkSchema = adminRoute({
  tag: 'admin',
  summary: 'Check a campaign against its live SalesRender company',
  params: aliasParams,
  answers: { 200: campaignCheckAnswer.describe('What was checked and every problem found') },
  errors: ['CAMPAIGN_NOT_FOUND'],
});

export function registerAdminCampaignRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const base = context.settings.publicBaseUrl;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };
  const view = (campaign: Parameters<typeof campaignView>[0]): CampaignAnswer =>
    campaignView(campaign, base, context.cipher);

  app.post(
    '/admin/api/campaigns',
    { schema: createSchema },
    async function createCampaignRoute(request, reply) {
      const campaign = await createCampaign(db, request.body, deps);
      return reply.code(201).send(view(campaign));
    },
  );

  app.get('/admin/api/campaigns', { schema: listSchema }, async function listCampaignsRoute() {
    const answer: z.output<typeof campaignListAnswer> = { campaigns: (await listCampaigns(db)).map(view) };
    return answer;
  });

  app.get<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias',
    { schema: showSchema },
    async function showCampaignRoute(request) {
      const campaign = await findCampaignByAlias(db, request.params.alias);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      return view(campaign);
    },
  );

  app.patch<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias',
    { schema: patchSchema },
    async function patchCampaignRoute(request) {
      const campaign = await updateCampaign(db, request.params.alias, request.body, deps);
      return view(campaign);
    },
  );

  app.post<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias/check',
    { schema: checkSchema },
    async function checkCampaignRoute(request) {
      const campaign = await findCampaignByAlias(db, request.params.alias);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      const report = await runCampaignCheck(schemaCheckDepsOf(context), campaign, {
        requester: { requestId: request.id },
      });
      const { alias: _alias, ...answer } = report;
      const checked: z.output<typeof campaignCheckAnswer> = answer;
      return checked;
    },
  );
}
