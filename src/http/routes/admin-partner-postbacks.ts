// Admin API for a partner's own postback endpoints (default and per campaign) and payouts on its campaigns.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findCampaignById } from '../../campaigns/campaign-repository.js';
import { partnerPayoutsSchema, setPartnerPayouts } from '../../campaigns/partner-payouts.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { listPostbacks, sendTestPostback } from '../../postbacks/postback-admin.js';
import {
  campaignAliases,
  createPostbackEndpoint,
  deletePostbackEndpoint,
  endpointCreateSchema,
  endpointPatchSchema,
  endpointView,
  findPostbackEndpoint,
  listPartnerEndpoints,
  type PostbackEndpoint,
  partnerCampaignIds,
  updatePostbackEndpoint,
} from '../../postbacks/postback-endpoints.js';
import { postbackListAnswer, testPostbackAnswer } from '../answers/admin-answers.js';
import { endpointAnswer, endpointListAnswer, partnerPayoutsAnswer } from '../answers/partner-answers.js';
import { adminRoute } from '../route-schema.js';
import { validateInput } from '../validate-input.js';

const partnerParams = z.object({ id: z.string().meta({ example: 'ptn_9f3kQ2xv0LmA1bCd' }) });
const endpointParams = z.object({ id: z.string().meta({ example: 'pbe_9f3kQ2xv0LmA1bCd' }) });
const payoutParams = partnerParams.extend({ alias: z.string().meta({ example: 'slim-ru' }) });
const testBody = z
  .object({
    label: z.string().min(1).max(64).default('accepted'),
    campaign: z
      .string()
      .min(1)
      .optional()
      .describe("The campaign whose sample values are sent (default: the endpoint's or the partner's first)"),
  })
  .strict();

const listRoute = adminRoute({
  tag: 'admin',
  summary: "A partner's postback endpoints",
  params: partnerParams,
  answers: { 200: endpointListAnswer.describe('Defaults and per-campaign overrides') },
  errors: ['CLIENT_NOT_FOUND'],
});
const createRoute = adminRoute({
  tag: 'admin',
  summary: "Add a postback endpoint to a partner (a tracker preset with the buyer's host and key, or a URL)",
  params: partnerParams,
  body: endpointCreateSchema,
  answers: { 201: endpointAnswer.describe('Added') },
  errors: ['VALIDATION_FAILED', 'CLIENT_NOT_FOUND'],
});
const patchRoute = adminRoute({
  tag: 'admin',
  summary: 'Change a postback endpoint',
  params: endpointParams,
  body: endpointPatchSchema,
  answers: { 200: endpointAnswer.describe('As changed') },
  errors: ['VALIDATION_FAILED', 'POSTBACK_ENDPOINT_NOT_FOUND'],
});
const deleteRoute = adminRoute({
  tag: 'admin',
  summary: 'Remove a postback endpoint (its postbacks already queued are still sent)',
  params: endpointParams,
  answers: { 204: z.null().describe('Removed') },
  errors: ['POSTBACK_ENDPOINT_NOT_FOUND'],
});
const testRoute = adminRoute({
  tag: 'admin',
  summary: "Send a sample postback to the endpoint now and answer with the tracker's answer",
  params: endpointParams,
  body: testBody,
  answers: { 200: testPostbackAnswer.describe("What was sent and the tracker's answer") },
  errors: ['VALIDATION_FAILED', 'POSTBACK_ENDPOINT_NOT_FOUND', 'CAMPAIGN_NOT_FOUND'],
});
const deliveriesRoute = adminRoute({
  tag: 'admin',
  summary:
    "The endpoint's delivery log: its postbacks, newest first (attempts: /admin/api/postbacks/{id}/attempts)",
  params: endpointParams,
  answers: { 200: postbackListAnswer.describe('Newest first, at most 100') },
  errors: ['POSTBACK_ENDPOINT_NOT_FOUND'],
});
const payoutsRoute = adminRoute({
  tag: 'admin',
  summary: "Set a partner's payouts on one of its campaigns (per label, optionally per country)",
  params: payoutParams,
  body: partnerPayoutsSchema,
  answers: { 200: partnerPayoutsAnswer.describe('The payouts in force from now on') },
  errors: ['VALIDATION_FAILED', 'CLIENT_NOT_FOUND', 'CAMPAIGN_NOT_FOUND'],
});

export function registerAdminPartnerPostbackRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };
  const view = async (endpoint: PostbackEndpoint): Promise<z.output<typeof endpointAnswer>> => {
    const aliases = await campaignAliases(db);
    return endpointView(
      endpoint,
      context.cipher,
      endpoint.campaignId ? (aliases.get(endpoint.campaignId) ?? null) : null,
    );
  };
  const endpointOr404 = async (id: string) => {
    const endpoint = await findPostbackEndpoint(db, id);
    if (!endpoint) throw new AppError('POSTBACK_ENDPOINT_NOT_FOUND');
    return endpoint;
  };

  app.get<{ Params: { id: string } }>(
    '/admin/api/partners/:id/postback-endpoints',
    { schema: listRoute },
    async function listEndpointsRoute(request) {
      const aliases = await campaignAliases(db);
      const endpoints = await listPartnerEndpoints(db, request.params.id);
      return {
        endpoints: endpoints.map((endpoint) =>
          endpointView(
            endpoint,
            context.cipher,
            endpoint.campaignId ? (aliases.get(endpoint.campaignId) ?? null) : null,
          ),
        ),
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/api/partners/:id/postback-endpoints',
    { schema: createRoute },
    async function createEndpointRoute(request, reply) {
      const endpoint = await createPostbackEndpoint(db, request.params.id, request.body, deps);
      return reply.code(201).send(await view(endpoint));
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/admin/api/postback-endpoints/:id',
    { schema: patchRoute },
    async function patchEndpointRoute(request) {
      return view(await updatePostbackEndpoint(db, request.params.id, request.body, deps));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/api/postback-endpoints/:id',
    { schema: deleteRoute },
    async function deleteEndpointRoute(request, reply) {
      await deletePostbackEndpoint(db, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/api/postback-endpoints/:id/test',
    { schema: testRoute },
    async function testEndpointRoute(request) {
      const body = validateInput(testBody, request.body ?? {});
      const endpoint = await endpointOr404(request.params.id);
      const campaignId =
        (body.campaign
          ? [...(await campaignAliases(db))].find(([, alias]) => alias === body.campaign)?.[0]
          : null) ??
        endpoint.campaignId ??
        (await partnerCampaignIds(db, endpoint.partnerId))[0];
      const campaign = campaignId ? await findCampaignById(db, campaignId) : null;
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      const answer: z.output<typeof testPostbackAnswer> = await sendTestPostback(
        campaign,
        context.deliveryDeps,
        body.label,
        endpoint,
      );
      return answer;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/admin/api/postback-endpoints/:id/postbacks',
    { schema: deliveriesRoute },
    async function endpointDeliveriesRoute(request) {
      await endpointOr404(request.params.id);
      return { postbacks: await listPostbacks(db, { endpointId: request.params.id }) };
    },
  );

  app.put<{ Params: { id: string; alias: string } }>(
    '/admin/api/partners/:id/campaigns/:alias/payouts',
    { schema: payoutsRoute },
    async function setPayoutsRoute(request) {
      return setPartnerPayouts(db, request.params.id, request.params.alias, request.body);
    },
  );
}
