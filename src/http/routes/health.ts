// /healthz (the process answers) and /readyz (database reachable, migrations applied, worker running).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { pendingMigrations } from '../../db/migrate.js';
import { pingDatabase } from '../../db/sql/ping-database.js';
import { executeSql } from '../../db/sql/statement.js';
import { AppError } from '../../errors.js';
import { metricsRegistry } from '../../metrics.js';
import { healthAnswer, readinessAnswer } from '../answers/service-answers.js';
import { openRoute } from '../route-schema.js';

const healthzSchema = openRoute({
  tag: 'health',
  summary: 'The process answers',
  answers: { 200: healthAnswer.describe('Alive') },
  errors: [],
});

const readyzSchema = openRoute({
  tag: 'health',
  summary: 'Ready for traffic: database reachable, migrations applied, worker running',
  errors: [],
  answers: {
    200: readinessAnswer.describe('Ready'),
    503: readinessAnswer.describe('Not ready: checks says what is wrong'),
  },
});

export function registerHealthRoutes(app: FastifyInstance, context: AppContext): void {
  app.get('/healthz', { schema: healthzSchema }, async function healthz() {
    const answer: z.output<typeof healthAnswer> = { status: 'ok' };
    return answer;
  });

  // Digest of the configured token, so the comparison takes the same time whatever is offered.
  const metricsToken = context.settings.METRICS_TOKEN;
  const expected = metricsToken ? createHash('sha256').update(metricsToken).digest() : null;
  app.get('/metrics', async function metrics(request, reply) {
    if (expected) {
      const offered = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(offered).digest(), expected)) {
        throw new AppError('METRICS_UNAUTHORIZED');
      }
    }
    return reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });

  app.get('/readyz', { schema: readyzSchema }, async function readyz(_request, reply) {
    const checks: Record<string, string> = {};
    const { availability } = context.database;
    if (availability.isDown) {
      // Known to be down: answer at once, from the last probe, instead of waiting for a connection.
      checks.database = `unreachable: ${(availability.lastError as Error | null)?.message ?? 'probing'}`;
    } else {
      try {
        await executeSql(context.database.orm, pingDatabase, {});
        checks.database = 'ok';
        const pending = await pendingMigrations(context.database);
        checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
      } catch (error) {
        availability.notice(error);
        checks.database = `unreachable: ${(error as Error).message}`;
      }
    }
    checks.worker = context.worker.isRunning ? 'ok' : 'stopped';
    const ready = Object.values(checks).every((value) => value === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
