// /v1/webhooks/salesrender/:secret: SalesRender's status-change notification (POST JSON or form, or GET), to a
// connection's URL (every order of the company) or a campaign's own.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { receiveWebhook, type WebhookScope } from '../../statuses/receive-webhook.js';
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
    const target = await context.leadDeps.lookups.webhookTarget(request.params.secret);
    if (!target) {
      await auditIncomingRequest(context, request);
      throw new AppError('WEBHOOK_NOT_FOUND');
    }
    const scope: WebhookScope =
      target.kind === 'campaign'
        ? { campaignId: target.campaign.id, connectionId: null }
        : { campaignId: null, connectionId: target.connection.id };
    // The raw request (secret redacted from the URL) is written in the same statement that queues the
    // re-read, so nothing acts on a webhook that is not on record; if the webhook is refused before that,
    // the error path records it.
    request.auditCampaignId = scope.campaignId;
    const entry = incomingRequestEntry(request, { campaignId: scope.campaignId });
    const received =
      entry && scope.connectionId
        ? { ...entry, detail: { ...entry.detail, connection_id: scope.connectionId } }
        : entry;
    const result = await context.inFlight.track(() =>
      receiveWebhook(deps, {
        scope,
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
