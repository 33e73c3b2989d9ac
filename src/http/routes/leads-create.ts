// POST /v1/leads/:alias: a buyer's lead in, SalesRender's order id out (201), or queued (202), or the original (200).
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { submitLead } from '../../leads/submit-lead.js';
import { leadsReceived } from '../../metrics.js';
import { apiKeyOf } from '../partner-auth.js';
import { incomingRequestEntry } from '../request-audit.js';

const statusFor = { created: 201, queued: 202, duplicate: 200 } as const;

export function registerLeadCreateRoute(app: FastifyInstance, context: AppContext): void {
  app.post<{ Params: { alias: string } }>('/v1/leads/:alias', async function createLead(request, reply) {
    const campaign = await context.leadDeps.lookups.campaignByAlias(request.params.alias);
    // The raw request is written by the first statement the submission runs, before anything is stored;
    // a request refused before that is recorded by the error path (error-renderer.ts).
    request.auditCampaignId = campaign?.id ?? null;
    const entry = incomingRequestEntry(request, { campaignId: campaign?.id ?? null });
    const received = entry ? { entry, written: false } : null;
    const body = request.body ?? {};
    if (typeof body === 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw new AppError('BODY_INVALID', 'The body must be a JSON object or a form');
    }
    const fields = body as Record<string, unknown>;
    const idempotencyKey = request.headers['idempotency-key'];
    if (typeof idempotencyKey === 'string' && idempotencyKey.length > 255) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: { 'Idempotency-Key': 'must be at most 255 characters' },
      });
    }
    const result = await context.inFlight
      .track(() =>
        submitLead(context.leadDeps, {
          alias: request.params.alias,
          campaign,
          apiKey: apiKeyOf(request),
          body: fields,
          idempotencyKey:
            typeof idempotencyKey === 'string' && idempotencyKey.length > 0 ? idempotencyKey : null,
          requestId: request.id,
          received,
        }),
      )
      .finally(() => {
        if (received?.written) request.auditedAs = received.entry.event;
      });
    leadsReceived.inc({ outcome: result.outcome });
    return reply.code(statusFor[result.outcome]).send(result.answer);
  });
}
