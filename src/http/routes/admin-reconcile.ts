// POST /admin/api/reconcile {campaign?}: run one reconciliation pass now and report what changed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { reconcile } from '../../statuses/reconcile.js';
import { reconcileAnswer } from '../answers/admin-answers.js';
import { adminRoute } from '../route-schema.js';
import { validateInput } from '../validate-input.js';

const bodySchema = z.object({ campaign: z.string().min(1).optional() }).strict();

const schema = adminRoute({
  tag: 'admin',
  summary: "Re-read unsettled orders from SalesRender now (one campaign's, or every campaign's)",
  body: bodySchema,
  answers: { 200: reconcileAnswer.describe('What the pass checked and changed') },
  errors: ['VALIDATION_FAILED', 'CAMPAIGN_NOT_FOUND'],
});

export function registerAdminReconcileRoute(app: FastifyInstance, context: AppContext): void {
  app.post('/admin/api/reconcile', { schema }, async function reconcileNow(request) {
    const body = validateInput(bodySchema, request.body ?? {});
    const { settings } = context;
    const answer: z.output<typeof reconcileAnswer> = await reconcile(context.leadDeps, {
      campaign: body.campaign,
      lookbackDays: settings.RECONCILE_LOOKBACK_DAYS,
      finalDays: settings.RECONCILE_FINAL_DAYS,
      ratePerSecond: settings.RECONCILE_RATE_PER_SECOND,
    });
    return answer;
  });
}
