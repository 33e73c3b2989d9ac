// /v1/webhooks/salesrender/:secret: SalesRender's status-change notification (POST JSON or form, or GET).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { receiveWebhook } from '../../statuses/receive-webhook.js';
import { auditIncomingRequest } from '../request-audit.js';

export function registerSalesRenderWebhookRoute(app: FastifyInstance, context: AppContext): void {
  const deps = { db: context.database.orm, clock: context.clock, ids: context.ids, audit: context.audit };

  async function handleWebhook(request: FastifyRequest<{ Params: { secret: string } }>, reply: FastifyReply) {
    const campaign = await context.leadDeps.lookups.campaignByWebhookSecret(request.params.secret);
    // The raw request is on record before anything acts on it (the secret is redacted from the URL).
    await auditIncomingRequest(context, request, { campaignId: campaign?.id ?? null });
    if (!campaign) throw new AppError('WEBHOOK_NOT_FOUND');
    const result = await context.inFlight.track(() =>
      receiveWebhook(deps, { campaign, body: request.body, query: request.query, requestId: request.id }),
    );
    return reply
      .code(result.outcome === 'queued' ? 200 : 202)
      .send({ status: result.outcome, order_id: result.orderId });
  }

  app.post('/v1/webhooks/salesrender/:secret', handleWebhook);
  app.get('/v1/webhooks/salesrender/:secret', handleWebhook);
}
