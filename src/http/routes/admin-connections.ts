// Admin API for SalesRender connections: POST/GET/PATCH/DELETE /admin/api/connections[/:id], and its check.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkConnection } from '../../connections/check-connection.js';
import { connectionCreateSchema, connectionPatchSchema } from '../../connections/connection-input.js';
import {
  campaignsByConnection,
  connectionView,
  createConnection,
  deleteConnection,
  findConnectionById,
  listConnectionCampaigns,
  listConnections,
  updateConnection,
} from '../../connections/connection-repository.js';
import { type AppContext, schemaCheckDepsOf } from '../../context.js';
import { AppError } from '../../errors.js';
import {
  connectionAnswer,
  connectionCheckAnswer,
  connectionListAnswer,
} from '../answers/connection-answers.js';
import { adminRoute } from '../route-schema.js';

type ConnectionAnswer = z.output<typeof connectionAnswer>;
const idParams = z.object({ id: z.string().meta({ example: 'con_9f3kQ2xv0LmA1bCd' }) });

const createSchema = adminRoute({
  tag: 'admin',
  summary: 'Connect a SalesRender company (once: its campaigns share it)',
  body: connectionCreateSchema,
  answers: { 201: connectionAnswer.describe('Connected; register webhook_url in SalesRender') },
  errors: ['VALIDATION_FAILED', 'CONNECTION_EXISTS'],
});
const listSchema = adminRoute({
  tag: 'admin',
  summary: 'List SalesRender connections',
  answers: { 200: connectionListAnswer.describe('Every connection, with its campaigns') },
  errors: [],
});
const showSchema = adminRoute({
  tag: 'admin',
  summary: 'Show a SalesRender connection',
  params: idParams,
  answers: { 200: connectionAnswer.describe('The connection') },
  errors: ['CONNECTION_NOT_FOUND'],
});
const patchSchema = adminRoute({
  tag: 'admin',
  summary: 'Change a connection (name, token; a new base URL or company id moves its campaigns along)',
  params: idParams,
  body: connectionPatchSchema,
  answers: { 200: connectionAnswer.describe('The connection as changed') },
  errors: ['VALIDATION_FAILED', 'CONNECTION_NOT_FOUND', 'CONNECTION_EXISTS'],
});
const deleteSchema = adminRoute({
  tag: 'admin',
  summary: 'Remove a connection no campaign uses',
  params: idParams,
  answers: { 204: z.null().describe('Removed') },
  errors: ['CONNECTION_NOT_FOUND', 'CONNECTION_IN_USE'],
});
const checkSchema = adminRoute({
  tag: 'admin',
  summary:
    "Introspect the company with the connection's token, check its CRM campaigns, read statuses and fields",
  params: idParams,
  answers: { 200: connectionCheckAnswer.describe('What was checked and every problem found') },
  errors: ['CONNECTION_NOT_FOUND'],
});

export function registerAdminConnectionRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const base = context.settings.publicBaseUrl;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };

  const view = async (id: string): Promise<ConnectionAnswer> => {
    const connection = await findConnectionById(db, id);
    if (!connection) throw new AppError('CONNECTION_NOT_FOUND');
    return connectionView(connection, base, await listConnectionCampaigns(db, id));
  };

  app.post(
    '/admin/api/connections',
    { schema: createSchema },
    async function createConnectionRoute(request, reply) {
      const connection = await createConnection(db, request.body, deps);
      return reply.code(201).send(await view(connection.id));
    },
  );

  app.get('/admin/api/connections', { schema: listSchema }, async function listConnectionsRoute() {
    const [connections, byConnection] = await Promise.all([listConnections(db), campaignsByConnection(db)]);
    const answer: z.output<typeof connectionListAnswer> = {
      connections: connections.map((connection) =>
        connectionView(connection, base, byConnection.get(connection.id) ?? []),
      ),
    };
    return answer;
  });

  app.get<{ Params: { id: string } }>(
    '/admin/api/connections/:id',
    { schema: showSchema },
    async function showConnectionRoute(request) {
      return view(request.params.id);
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/admin/api/connections/:id',
    { schema: patchSchema },
    async function patchConnectionRoute(request) {
      const connection = await updateConnection(db, request.params.id, request.body, deps);
      return view(connection.id);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/admin/api/connections/:id',
    { schema: deleteSchema },
    async function deleteConnectionRoute(request, reply) {
      await deleteConnection(db, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/api/connections/:id/check',
    { schema: checkSchema },
    async function checkConnectionRoute(request) {
      const connection = await findConnectionById(db, request.params.id);
      if (!connection) throw new AppError('CONNECTION_NOT_FOUND');
      const answer: z.output<typeof connectionCheckAnswer> = await checkConnection(
        schemaCheckDepsOf(context),
        connection,
        { requestId: request.id },
      );
      return answer;
    },
  );
}
