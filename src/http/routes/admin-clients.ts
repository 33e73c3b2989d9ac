// Admin API for API clients: create, list, show, rotate and revoke keys (partners; advertisers reuse the code).
import type { FastifyInstance } from 'fastify';
import {
  type ClientKind,
  createClient,
  findClientDetail,
  listClients,
  revokeClientKeys,
  rotateKey,
} from '../../campaigns/api-clients.js';
import { setPartnerCaps } from '../../campaigns/partner-caps.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';

export function registerAdminClientRoutes(app: FastifyInstance, context: AppContext, kind: ClientKind): void {
  const path = kind === 'partner' ? '/admin/api/partners' : '/admin/api/advertisers';
  const db = context.database.orm;

  app.post(path, async function createClientRoute(request, reply) {
    const created = await createClient(db, kind, request.body, { clock: context.clock, ids: context.ids });
    // The only time the key is ever shown: it is stored hashed.
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.get(path, async function listClientsRoute() {
    return { [kind === 'partner' ? 'partners' : 'advertisers']: await listClients(db, kind) };
  });

  app.get<{ Params: { id: string } }>(`${path}/:id`, async function showClientRoute(request) {
    const client = await findClientDetail(db, kind, request.params.id);
    if (!client) throw new AppError('CLIENT_NOT_FOUND');
    return client;
  });

  app.post<{ Params: { id: string } }>(
    `${path}/:id/keys/rotate`,
    async function rotateKeyRoute(request, reply) {
      const apiKey = await rotateKey(db, kind, request.params.id, { clock: context.clock, ids: context.ids });
      return reply.header('cache-control', 'no-store').send({ id: request.params.id, api_key: apiKey });
    },
  );

  if (kind === 'partner') {
    // The partner's own caps on one of its campaigns: `{daily, total}` (a key left out: no cap).
    app.put<{ Params: { id: string; alias: string } }>(
      `${path}/:id/campaigns/:alias/caps`,
      async function setPartnerCapsRoute(request) {
        return setPartnerCaps(db, request.params.id, request.params.alias, request.body);
      },
    );
  }

  app.post<{ Params: { id: string } }>(`${path}/:id/keys/revoke`, async function revokeKeysRoute(request) {
    return {
      id: request.params.id,
      revoked: await revokeClientKeys(db, kind, request.params.id, context.clock.now()),
    };
  });
}
