// POST /v1/leads/:alias: a buyer's lead in, SalesRender's order id out (201), or queued (202), or the original (200).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { leadBodySchema } from '../../leads/lead-input.js';
import { submitLead } from '../../leads/submit-lead.js';
import { leadsReceived } from '../../metrics.js';
import { leadAnswer } from '../answers/lead-answers.js';
import { apiKeyOf } from '../partner-auth.js';
import { receivedRequestOf } from '../request-audit.js';
import { apiKeyRoute } from '../route-schema.js';

const statusFor = { created: 201, queued: 202, duplicate: 200 } as const;
const idempotencyKeyMaxLength = 255;

const schema = apiKeyRoute({
  tag: 'leads',
  summary: 'Submit a lead',
  params: z.object({ alias: z.string().meta({ example: 'demo' }) }),
  headers: z.object({
    'Idempotency-Key': z
      .string()
      .max(idempotencyKeyMaxLength)
      .optional()
      .describe('A repeat with the same key returns the original answer (200, duplicate: true)'),
  }),
  body: leadBodySchema,
  consumes: ['application/json', 'application/x-www-form-urlencoded'],
  answers: {
    201: leadAnswer.describe('Order created in SalesRender'),
    200: leadAnswer.describe('Same click_id or Idempotency-Key seen before: the original lead'),
    202: leadAnswer.describe(
      'SalesRender unreachable, or the lead does not fit its schema (held): stored and retried; order_id is null for now',
    ),
  },
  errors: [
    'AUTH_KEY_MISSING',
    'AUTH_KEY_INVALID',
    'AUTH_CAMPAIGN_FORBIDDEN',
    'CAMPAIGN_NOT_FOUND',
    'CAMPAIGN_INACTIVE',
    'LEAD_DUPLICATE_PHONE',
    'LEAD_DUPLICATE_IP',
    'LEAD_INVALID',
    'LEAD_GEO_NOT_ALLOWED',
    'VALIDATION_FAILED',
    'SR_REJECTED',
    'CAP_REACHED',
  ],
});

export function registerLeadCreateRoute(app: FastifyInstance, context: AppContext): void {
  app.post<{ Params: { alias: string } }>(
    '/v1/leads/:alias',
    { schema },
    async function createLead(request, reply) {
      const campaign = await context.leadDeps.lookups.campaignByAlias(request.params.alias);
      // Written by the submission's first statement, or by the error path if refused before it.
      const received = receivedRequestOf(request, { campaignId: campaign?.id ?? null });
      const body = request.body ?? {};
      if (typeof body === 'string') throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      if (typeof body !== 'object' || Array.isArray(body)) {
        throw new AppError('BODY_INVALID', 'The body must be a JSON object or a form');
      }
      const fields = body as Record<string, unknown>;
      const idempotencyKey = request.headers['idempotency-key'];
      if (typeof idempotencyKey === 'string' && idempotencyKey.length > idempotencyKeyMaxLength) {
        throw new AppError('VALIDATION_FAILED', undefined, {
          fields: { 'Idempotency-Key': `must be at most ${idempotencyKeyMaxLength} characters` },
        });
      }
      const result = await context.inFlight.track(() =>
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
      );
      leadsReceived.inc({ outcome: result.outcome });
      return reply.code(statusFor[result.outcome]).send(result.answer);
    },
  );
}
