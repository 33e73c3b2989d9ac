// Admin API for postbacks: list by state, retry one, replay many, fire a test postback for a campaign.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findCampaignByAlias } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError, fieldsFromIssues } from '../../errors.js';
import {
  listDeliveryAttempts,
  listPostbacks,
  replayPostbacks,
  retryPostback,
  sendTestPostback,
} from '../../postbacks/postback-admin.js';
import { trackerPresets } from '../../postbacks/tracker-presets.js';

const filterSchema = z.object({
  campaign: z.string().min(1).optional(),
  state: z.enum(['pending', 'delivered', 'failed', 'skipped', 'superseded']).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
  return parsed.data;
}

export function registerAdminPostbackRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const campaignIdOf = async (alias: string | undefined) => {
    if (!alias) return undefined;
    const campaign = await findCampaignByAlias(db, alias);
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    return campaign.id;
  };

  app.get('/admin/api/postback-presets', async function listPostbackPresetsRoute() {
    return { presets: trackerPresets };
  });

  app.get('/admin/api/postbacks', async function listPostbacksRoute(request) {
    const query = parse(filterSchema, request.query);
    const campaignId = await campaignIdOf(query.campaign);
    return { postbacks: await listPostbacks(db, { ...query, campaignId }, query.limit) };
  });

  app.get<{ Params: { id: string } }>(
    '/admin/api/postbacks/:id/attempts',
    async function listAttemptsRoute(request) {
      return { attempts: await listDeliveryAttempts(db, request.params.id) };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/api/postbacks/:id/retry',
    async function retryPostbackRoute(request) {
      const view = await retryPostback(db, request.params.id, context.clock.now());
      context.worker.wake();
      return view;
    },
  );

  app.post('/admin/api/postbacks/replay', async function replayPostbacksRoute(request) {
    const body = parse(filterSchema.omit({ limit: true }), request.body);
    const campaignId = await campaignIdOf(body.campaign);
    const replayed = await replayPostbacks(db, { ...body, campaignId }, context.clock.now());
    context.worker.wake();
    return { replayed };
  });

  app.post<{ Params: { alias: string } }>(
    '/admin/api/campaigns/:alias/test-postback',
    async function testPostbackRoute(request) {
      const campaign = await findCampaignByAlias(db, request.params.alias);
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      const { label } = parse(
        z.object({ label: z.string().min(1).max(64).default('accepted') }),
        request.body,
      );
      return sendTestPostback(campaign, context.deliveryDeps, label);
    },
  );
}
