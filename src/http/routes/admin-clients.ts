// Admin API for API clients: POST/GET /admin/api/partners (advertisers reuse the same code).
import type { FastifyInstance } from 'fastify';
import { type ClientKind, createClient, listClients } from '../../campaigns/api-clients.js';
import type { AppContext } from '../../context.js';

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
}
