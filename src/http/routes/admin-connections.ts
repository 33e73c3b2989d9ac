// Admin API for SalesRender connections: POST/GET/PATCH/DELETE /admin/api/connections[/:id], and its check.
import type { FastifyInstance } from 'fastify';
import { checkConnection } from '../../connections/check-connection.js';
import {
  connectionView,
  createConnection,
  deleteConnection,
  findConnectionById,
  listConnectionCampaigns,
  listConnections,
  updateConnection,
} from '../../connections/connection-repository.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';

export function registerAdminConnectionRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const base = context.settings.publicBaseUrl;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };

  const view = async (id: string) => {
    const connection = await findConnectionById(db, id);
    if (!connection) throw new AppError('CONNECTION_NOT_FOUND');
    return connectionView(connection, base, await listConnectionCampaigns(db, id));
  };

  app.post('/admin/api/connections', async function createConnectionRoute(request, reply) {
    const connection = await createConnection(db, request.body, deps);
    return reply.code(201).send(await view(connection.id));
  });

  app.get('/admin/api/connections', async function listConnectionsRoute() {
    const connections = await listConnections(db);
    return {
      connections: await Promise.all(
        connections.map(async (connection) =>
          connectionView(connection, base, await listConnectionCampaigns(db, connection.id)),
        ),
      ),
    };
  });

  app.get<{ Params: { id: string } }>(
    '/admin/api/connections/:id',
    async function showConnectionRoute(request) {
      return view(request.params.id);
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/admin/api/connections/:id',
    async function patchConnectionRoute(request) {
      const connection = await updateConnection(db, request.params.id, request.body, deps);
      return view(connection.id);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/api/connections/:id',
    async function deleteConnectionRoute(request, reply) {
      await deleteConnection(db, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/api/connections/:id/check',
    async function checkConnectionRoute(request) {
      const connection = await findConnectionById(db, request.params.id);
      if (!connection) throw new AppError('CONNECTION_NOT_FOUND');
      return checkConnection(context.schemaCheckDeps, connection);
    },
  );
}
