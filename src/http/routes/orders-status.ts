// POST /v1/orders/:order_id/status and POST /v1/orders/status (bulk, JSON or CSV): advertisers set statuses by label.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, type ErrorCode } from '../../errors.js';
import {
  bulkStatusRequestSchema,
  readBulkItems,
  updateOrderStatuses,
} from '../../statuses/advertiser-bulk.js';
import { statusRequestSchema, updateOrderStatus } from '../../statuses/advertiser-update.js';
import { bulkStatusAnswer, orderStatusAnswer } from '../answers/service-answers.js';
import { requireClient } from '../partner-auth.js';
import { auditIncomingRequest } from '../request-audit.js';
import { apiKeyRoute } from '../route-schema.js';

const advertiserKeyErrors: ErrorCode[] = ['AUTH_KEY_MISSING', 'AUTH_KEY_INVALID', 'AUTH_KEY_WRONG_KIND'];

const bulkSchema = apiKeyRoute({
  tag: 'orders',
  summary: 'Set the statuses of many orders (JSON items or CSV), one result per item',
  body: bulkStatusRequestSchema,
  consumes: ['application/json', 'text/csv'],
  answers: { 200: bulkStatusAnswer.describe('Each item as a single update would have answered it') },
  errors: [...advertiserKeyErrors, 'VALIDATION_FAILED'],
});

const singleSchema = apiKeyRoute({
  tag: 'orders',
  summary: "Set one order's status by label",
  params: z.object({ orderId: z.string().meta({ example: '1042' }) }),
  body: statusRequestSchema,
  consumes: ['application/json', 'application/x-www-form-urlencoded'],
  answers: {
    200: orderStatusAnswer.describe('Applied in SalesRender'),
    202: orderStatusAnswer.describe('SalesRender unreachable: queued and retried'),
  },
  errors: [
    ...advertiserKeyErrors,
    'ORDER_NOT_FOUND',
    'VALIDATION_FAILED',
    'SR_REJECTED',
    'SR_AUTH_FAILED',
    'SR_SCHEMA_FAULT',
    'SR_BAD_RESPONSE',
    'SR_ORDER_LOCKED',
  ],
});

export function registerOrderStatusRoutes(app: FastifyInstance, context: AppContext): void {
  const deps = context.leadDeps;

  app.post('/v1/orders/status', { schema: bulkSchema }, async function updateStatusesInBulk(request) {
    await auditIncomingRequest(context, request);
    const advertiser = await requireClient(deps.db, request, 'advertiser');
    const items = readBulkItems(request.body);
    const results = await context.inFlight.track(() =>
      updateOrderStatuses(deps, advertiser, items, request.id),
    );
    const answer: z.output<typeof bulkStatusAnswer> = {
      total: results.length,
      succeeded: results.filter((result) => result.ok).length,
      failed: results.filter((result) => !result.ok).length,
      results,
    };
    return answer;
  });

  app.post<{ Params: { orderId: string } }>(
    '/v1/orders/:orderId/status',
    { schema: singleSchema },
    async function updateStatus(request, reply) {
      await auditIncomingRequest(context, request);
      const advertiser = await requireClient(deps.db, request, 'advertiser');
      const body = request.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new AppError('VALIDATION_FAILED', undefined, { fields: { status: 'is required' } });
      }
      const { status, comment } = body as Record<string, unknown>;
      const answer: z.output<typeof orderStatusAnswer> = await context.inFlight.track(() =>
        updateOrderStatus(deps, advertiser, { orderId: request.params.orderId, status, comment }, request.id),
      );
      return reply.code(answer.state === 'applied' ? 200 : 202).send(answer);
    },
  );
}
