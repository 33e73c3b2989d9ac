// POST /admin/api/reconcile {campaign?}: run one reconciliation pass now and report what changed.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError, fieldsFromIssues } from '../../errors.js';
import { reconcile } from '../../statuses/reconcile.js';

const bodySchema = z.object({ campaign: z.string().min(1).optional() }).strict();

export function registerAdminReconcileRoute(app: FastifyInstance, context: AppContext): void {
  app.post('/admin/api/reconcile', async function reconcileNow(request) {
    const parsed = bodySchema.safeParse(request.body ?? {});
    if (!parsed.success)
      throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
    const { settings } = context;
    return reconcile(context.refreshDeps, {
      campaign: parsed.data.campaign,
      lookbackDays: settings.RECONCILE_LOOKBACK_DAYS,
      finalDays: settings.RECONCILE_FINAL_DAYS,
      ratePerSecond: settings.RECONCILE_RATE_PER_SECOND,
    });
  });
}
