// Admin API for postbacks: list by state, retry one, replay many, fire a test postback for a campaign.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findCampaignByAlias } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import {
  listDeliveryAttempts,
  listPostbacks,
  postbackStates,
  replayPostbacks,
  retryPostback,
  sendTestPostback,
} from '../../postbacks/postback-admin.js';
import { trackerPresets } from '../../postbacks/tracker-presets.js';
import {
  deliveryAttemptsAnswer,
  postbackAnswer,
  postbackListAnswer,
  replayAnswer,
  testPostbackAnswer,
  trackerPresetsAnswer,
} from '../answers/admin-answers.js';
import { adminRoute } from '../route-schema.js';
import { validateInput } from '../validate-input.js';

const filterSchema = z.object({
  campaign: z.string().min(1).optional(),
  state: z.enum(postbackStates).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const replaySchema = filterSchema.omit({ limit: true });
const testPostbackBody = z.object({ label: z.string().min(1).max(64).default('accepted') });
const idParams = z.object({ id: z.string().meta({ example: 'pb_9f3kQ2xv0LmA1bCd' }) });

const presetsRoute = adminRoute({
  tag: 'admin',
  summary: 'Tracker presets: postback settings for common trackers',
  answers: { 200: trackerPresetsAnswer.describe('Every preset') },
  errors: [],
});
const listRoute = adminRoute({
  tag: 'admin',
  summary: 'List postbacks, newest first',
  querystring: filterSchema,
  answers: { 200: postbackListAnswer.describe('The postbacks') },
  errors: ['VALIDATION_FAILED', 'CAMPAIGN_NOT_FOUND'],
});
const attemptsRoute = adminRoute({
  tag: 'admin',
  summary: "A postback's delivery attempts with the tracker's answers",
  params: idParams,
  answers: { 200: deliveryAttemptsAnswer.describe('Oldest first') },
  errors: [],
});
const retryRoute = adminRoute({
  tag: 'admin',
  summary: 'Send a postback again now',
  params: idParams,
  answers: { 200: postbackAnswer.describe('Queued again') },
  errors: ['POSTBACK_NOT_FOUND', 'POSTBACK_NOT_RETRIABLE'],
});
const replayRoute = adminRoute({
  tag: 'admin',
  summary: "Queue again every postback matching the filter (default: failed ones; each lead's newest)",
  body: replaySchema,
  answers: { 200: replayAnswer.describe('How many were queued') },
  errors: ['VALIDATION_FAILED', 'CAMPAIGN_NOT_FOUND'],
});
const testRoute = adminRoute({
  tag: 'admin',
  summary: "Send a sample postback for the campaign's template now and show the tracker's answer",
  params: z.object({ alias: z.string() }),
  body: testPostbackBody,
  answers: { 200: testPostbackAnswer.describe("What was sent and the tracker's answer") },
  errors: ['CAMPAIGN_NOT_FOUND', 'POSTBACK_NOT_CONFIGURED', 'VALIDATION_FAILED'],
});

export function registerAdminPostbackRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const campaignIdOf = async (alias: string | undefined) => {
    if (!alias) return undefined;
    const campaign = await findCampaignByAlias(db, alias);
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    return campaign.id;
  };

  app.get('/admin/api/postback-presets', { schema: presetsRoute }, async function listPostbackPresetsRoute() {
    const answer: z.output<typeof trackerPresetsAnswer> = { presets: [...trackerPresets] };
    return answer;
  });

  app.get('/admin/api/postbacks', { schema: listRoute }, async function listPostbacksRoute(request) {
    const query = validateInput(filterSchema, request.query ?? {});
    const campaignId = await campaignIdOf(query.campaign);
    const answer: z.output<typeof postbackListAnswer> = {
      postbacks: await listPostbacks(db, { ...query, campaignId }, query.limit),
    };
    return answer;
  });

  app.get<{ Params: { id: string } }>(
    '/admin/api/postbacks/:id/attempts',
    { schema: attemptsRoute },
    async function listAttemptsRoute(request) {
      const answer: z.output<typeof deliveryAttemptsAnswer> = {
        attempts: await listDeliveryAttempts(db, request.params.id),
      };
      return answer;
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/api/postbacks/:id/retry',
    { schema: retryRoute },
    async function retryPostbackRoute(request) {
      const view: z.output<typeof postbackAnswer> = await retryPostback(
        db,
        request.params.id,
        context.clock.now(),
      );
      context.worker.wake();
      return view;
    },
  );

  app.post(
    '/admin/api/postbacks/replay',
    { schema: replayRoute },
    async function replayPostbacksRoute(request) {
      const body = validateInput(replaySchema, request.body ?? {});
      const campaignId = await campaignIdOf(body.campaign);
      const replayed = await replayPostbacks(db, { ...body, campaignId }, context.clock.now());
      context.worker.wake();
      const answer: z.output<typeof replayAnswer> = { replayed };
      return answer;
    },
  );

  app.post<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias/test-postback',
    { schema: testRoute },
    async function testPostbackRoute(request) {
      const campaign = await findCampaignByAlias(db, request.params.alias);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      const { label } = validateInput(testPostbackBody, request.body ?? {});
      const answer: z.output<typeof testPostbackAnswer> = await sendTestPostback(
        campaign,
        context.deliveryDeps,
        label,
      );
      return answer;
    },
  );
}
