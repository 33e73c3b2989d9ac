// Admin API for API clients: create, list, show, rotate and revoke keys (partners; advertisers reuse the code).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type ClientKind,
  clientCreateSchema,
  createClient,
  findClientDetail,
  listClients,
  revokeClientKeys,
  rotateKey,
} from '../../campaigns/api-clients.js';
import { partnerCapsInput, setPartnerCaps } from '../../campaigns/partner-caps.js';
import { partnerCpaTokenInput, setPartnerCpaToken } from '../../campaigns/partner-cpa-token.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import {
  advertiserListAnswer,
  clientAnswer,
  createdClientAnswer,
  partnerCapsAnswer,
  partnerCpaTokenAnswer,
  partnerListAnswer,
  revokedKeysAnswer,
  rotatedKeyAnswer,
} from '../answers/admin-answers.js';
import { adminRoute } from '../route-schema.js';

const idParams = z.object({ id: z.string().meta({ example: 'ptn_9f3kQ2xv0LmA1bCd' }) });

/** A partner's own caps on one of its campaigns. */
const partnerCapsRoute = adminRoute({
  tag: 'admin',
  summary: "Set a partner's own caps on one of its campaigns",
  description:
    'Both caps at once: a key left out is no cap. Daily counts the day in the campaign time zone. ' +
    "The campaign's counts are taken again from its leads for the next lead.",
  params: z.object({
    id: z.string().meta({ example: 'ptn_9f3kQ2xv0LmA1bCd' }),
    alias: z.string().meta({ example: 'slim-ru' }),
  }),
  body: partnerCapsInput,
  answers: { 200: partnerCapsAnswer.describe("The partner's caps on the campaign as stored") },
  errors: ['VALIDATION_FAILED', 'CLIENT_NOT_FOUND', 'CAMPAIGN_NOT_FOUND'],
});

/** A webmaster submitting as themself: the partner's own token in the company's CPA module. */
const partnerCpaTokenRoute = adminRoute({
  tag: 'admin',
  summary: "Set a partner's own CPA webmaster token on one of its CPA campaigns",
  description:
    "Its leads there are sent to SalesRender's CPA module with this token, so SalesRender counts them as " +
    "that webmaster's; null sends them with the campaign's token again. Write-only: never shown.",
  params: z.object({
    id: z.string().meta({ example: 'ptn_9f3kQ2xv0LmA1bCd' }),
    alias: z.string().meta({ example: 'slim-ru-cpa' }),
  }),
  body: partnerCpaTokenInput,
  answers: { 200: partnerCpaTokenAnswer.describe('Whether the partner now sends with its own token') },
  errors: ['VALIDATION_FAILED', 'CLIENT_NOT_FOUND', 'CAMPAIGN_NOT_FOUND'],
});

function schemasFor(kind: ClientKind) {
  const one = kind === 'partner' ? 'partner' : 'advertiser';
  return {
    create: adminRoute({
      tag: 'admin',
      summary: `Create ${kind === 'partner' ? 'a' : 'an'} ${one} and its first API key`,
      body: clientCreateSchema,
      answers: { 201: createdClientAnswer.describe('Created; the key is shown this once') },
      errors: ['VALIDATION_FAILED'],
    }),
    list: adminRoute({
      tag: 'admin',
      summary: `List ${one}s`,
      answers: {
        200: (kind === 'partner' ? partnerListAnswer : advertiserListAnswer).describe(`Every ${one}`),
      },
      errors: [],
    }),
    show: adminRoute({
      tag: 'admin',
      summary: `Show ${kind === 'partner' ? 'a' : 'an'} ${one}: campaigns and key prefixes`,
      params: idParams,
      answers: { 200: clientAnswer.describe(`The ${one}`) },
      errors: ['CLIENT_NOT_FOUND'],
    }),
    rotate: adminRoute({
      tag: 'admin',
      summary: `Replace every live key of ${kind === 'partner' ? 'a' : 'an'} ${one} by a new one`,
      params: idParams,
      answers: { 200: rotatedKeyAnswer.describe('The new key, shown this once; the old keys are dead') },
      errors: ['CLIENT_NOT_FOUND'],
    }),
    revoke: adminRoute({
      tag: 'admin',
      summary: `Revoke every live key of ${kind === 'partner' ? 'a' : 'an'} ${one}`,
      params: idParams,
      answers: { 200: revokedKeysAnswer.describe('How many keys were revoked') },
      errors: ['CLIENT_NOT_FOUND'],
    }),
  };
}

export function registerAdminClientRoutes(app: FastifyInstance, context: AppContext, kind: ClientKind): void {
  const path = kind === 'partner' ? '/admin/api/partners' : '/admin/api/advertisers';
  const db = context.database.orm;
  const schemas = schemasFor(kind);

  app.post(path, { schema: schemas.create }, async function createClientRoute(request, reply) {
    const created: z.output<typeof createdClientAnswer> = await createClient(db, kind, request.body, {
      clock: context.clock,
      ids: context.ids,
    });
    // The only time the key is ever shown: it is stored hashed.
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.get(path, { schema: schemas.list }, async function listClientsRoute() {
    return { [kind === 'partner' ? 'partners' : 'advertisers']: await listClients(db, kind) };
  });

  app.get<{ Params: { id: string } }>(
    `${path}/:id`,
    { schema: schemas.show },
    async function showClientRoute(request) {
      const client: z.output<typeof clientAnswer> | null = await findClientDetail(
        db,
        kind,
        request.params.id,
      );
      if (!client) throw new AppError('CLIENT_NOT_FOUND');
      return client;
    },
  );

  if (kind === 'partner') {
    app.put<{ Params: { id: string; alias: string } }>(
      `${path}/:id/campaigns/:alias/caps`,
      { schema: partnerCapsRoute },
      async function setPartnerCapsRoute(request) {
        const answer: z.output<typeof partnerCapsAnswer> = await setPartnerCaps(
          db,
          request.params.id,
          request.params.alias,
          request.body,
        );
        return answer;
      },
    );
    app.put<{ Params: { id: string; alias: string } }>(
      `${path}/:id/campaigns/:alias/cpa-token`,
      { schema: partnerCpaTokenRoute },
      async function setPartnerCpaTokenRoute(request) {
        const answer: z.output<typeof partnerCpaTokenAnswer> = await setPartnerCpaToken(
          db,
          context.cipher,
          request.params.id,
          request.params.alias,
          request.body,
        );
        return answer;
      },
    );
  }

  app.post<{ Params: { id: string } }>(
    `${path}/:id/keys/rotate`,
    { schema: schemas.rotate },
    async function rotateKeyRoute(request, reply) {
      const apiKey = await rotateKey(db, kind, request.params.id, { clock: context.clock, ids: context.ids });
      const answer: z.output<typeof rotatedKeyAnswer> = { id: request.params.id, api_key: apiKey };
      return reply.header('cache-control', 'no-store').send(answer);
    },
  );

  app.post<{ Params: { id: string } }>(
    `${path}/:id/keys/revoke`,
    { schema: schemas.revoke },
    async function revokeKeysRoute(request) {
      const answer: z.output<typeof revokedKeysAnswer> = {
        id: request.params.id,
        revoked: await revokeClientKeys(db, kind, request.params.id, context.clock.now()),
      };
      return answer;
    },
  );
}
