// /v1/webhooks/salesrender/:secret: SalesRender's status-change notification (POST JSON or form, or GET).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { receiveWebhook } from '../../statuses/receive-webhook.js';
import { auditIncomingRequest, incomingRequestEntry } from '../request-audit.js';

export function registerSalesRenderWebhookRoute(app: FastifyInstance, context: AppContext): void {
  const deps = {
    db: context.database.orm,
    clock: context.clock,
    ids: context.ids,
    audit: context.audit,
    worker: context.worker,
  };

  async function handleWebhook(request: FastifyRequest<{ Params: { secret: string } }>, reply: FastifyReply) {
    const campaign = await context.leadDeps.lookups.campaignByWebhookSecret(request.params.secret);
    if (!campaign) {
      await auditIncomingRequest(context, request);
      throw new AppError('WEBHOOK_NOT_FOUND');
    }
    // The raw request (secret redacted from the URL) is written in the same statement that queues the
    // re-read, so nothing acts on a webhook that is not on record; if the webhook is refused before that,
    // the error path records it.
    request.auditCampaignId = campaign.id;
    const received = incomingRequestEntry(request, { campaignId: campaign.id });
    const result = await context.inFlight.track(() =>
      receiveWebhook(deps, {
        campaign,
        body: request.body,
        query: request.query,
        requestId: request.id,
        received,
      }),
    );
    request.auditedAs = received?.event;
    return reply
      .code(result.outcome === 'queued' ? 200 : 202)
      .send({ status: result.outcome, order_id: result.orderId });
  }

  app.post('/v1/webhooks/salesrender/:secret', handleWebhook);
  app.get('/v1/webhooks/salesrender/:secret', handleWebhook);
}
