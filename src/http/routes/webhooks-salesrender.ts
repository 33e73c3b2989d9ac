// /v1/webhooks/salesrender/:secret: SalesRender's status-change notification (POST JSON or form, or GET), to a
// connection's URL (every order of the company) or a campaign's own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { receiveWebhook, type WebhookScope } from '../../statuses/receive-webhook.js';
import { webhookAnswer } from '../answers/service-answers.js';
import { receivedRequestOf } from '../request-audit.js';
import { openRoute, type RouteContract } from '../route-schema.js';

// The order is found in any body shape receivers see (receive-webhook.ts), or in the query string.
const webhook: RouteContract = {
  tag: 'webhooks',
  summary:
    "SalesRender's status-change notification for the connection (every order of its company) or campaign whose webhook URL this is",
  params: z.object({
    secret: z.string().describe("The connection's or campaign's webhook secret (its webhook_url)"),
  }),
  querystring: z.object({
    order_id: z.string().optional().describe('The order, when the body does not name it (also `id`)'),
    status_id: z.string().optional(),
  }),
  answers: {
    200: webhookAnswer.describe('Queued: the order is re-read from SalesRender and its status applied'),
    202: webhookAnswer.describe('No lead has this order: recorded, nothing to do'),
  },
  errors: ['WEBHOOK_NOT_FOUND', 'WEBHOOK_INVALID'],
};
const postSchema = openRoute({
  ...webhook,
  body: z
    .record(z.string(), z.unknown())
    .describe(
      'The order as SalesRender sends it: a bare order, data.ordersFetcher.orders[0], {data: order}, or id/order_id',
    ),
  consumes: ['application/json', 'application/x-www-form-urlencoded'],
});
const getSchema = openRoute(webhook);

export function registerSalesRenderWebhookRoute(app: FastifyInstance, context: AppContext): void {
  const deps = {
    db: context.database.orm,
    clock: context.clock,
    ids: context.ids,
    audit: context.audit,
    worker: context.worker,
  };

  async function handleWebhook(request: FastifyRequest<{ Params: { secret: string } }>, reply: FastifyReply) {
    const target = await context.leadDeps.lookups.webhookTarget(request.params.secret);
    // Refused, and recorded by the error path.
    if (!target) throw new AppError('WEBHOOK_NOT_FOUND');
    const scope: WebhookScope =
      target.kind === 'campaign'
        ? { campaignId: target.campaign.id, connectionId: null }
        : { campaignId: null, connectionId: target.connection.id };
    // The raw request (secret redacted from the URL) is written in the same statement that queues the
    // re-read, so nothing acts on a webhook that is not on record; if the webhook is refused before that,
    // the error path records it.
    const received = receivedRequestOf(request, scope);
    const result = await context.inFlight.track(() =>
      receiveWebhook(deps, {
        scope,
        body: request.body,
        query: request.query,
        requestId: request.id,
        received,
      }),
    );
    const answer: z.output<typeof webhookAnswer> = { status: result.outcome, order_id: result.orderId };
    return reply.code(result.outcome === 'queued' ? 200 : 202).send(answer);
  }

  app.post('/v1/webhooks/salesrender/:secret', { schema: postSchema }, handleWebhook);
  app.get('/v1/webhooks/salesrender/:secret', { schema: getSchema }, handleWebhook);
}
