// POST /v1/orders/:order_id/status and POST /v1/orders/status (bulk, JSON or CSV): advertisers set statuses by label.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { readBulkItems, updateOrderStatuses } from '../../statuses/advertiser-bulk.js';
import { updateOrderStatus } from '../../statuses/advertiser-update.js';
import { requireClient } from '../partner-auth.js';
import { auditIncomingRequest } from '../request-audit.js';

export function registerOrderStatusRoutes(app: FastifyInstance, context: AppContext): void {
  const deps = context.advertiserDeps;

  app.post('/v1/orders/status', async function updateStatusesInBulk(request) {
    await auditIncomingRequest(context, request);
    const advertiser = await requireClient(deps.db, request, 'advertiser');
    const items = readBulkItems(request.body);
    const results = await context.inFlight.track(() =>
      updateOrderStatuses(deps, advertiser, items, request.id),
    );
    return {
      total: results.length,
      succeeded: results.filter((result) => result.ok).length,
      failed: results.filter((result) => !result.ok).length,
      results,
    };
  });

  app.post<{ Params: { orderId: string } }>(
    '/v1/orders/:orderId/status',
    async function updateStatus(request, reply) {
      await auditIncomingRequest(context, request);
      const advertiser = await requireClient(deps.db, request, 'advertiser');
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new AppError('VALIDATION_FAILED', undefined, { fields: { status: 'is required' } });
      }
      const { status, comment } = body as Record<string, unknown>;
      const answer = await context.inFlight.track(() =>
        updateOrderStatus(deps, advertiser, { orderId: request.params.orderId, status, comment }, request.id),
      );
      return reply.code(answer.state === 'applied' ? 200 : 202).send(answer);
    },
  );
}
