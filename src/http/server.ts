// Builds the Fastify app: body parsers that keep the raw text, request ids, routes, docs and the error renderer.

import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { adminWriteEntry, auditOperatorWrite } from '../audit/admin-write-audit.js';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { httpDuration, httpRequests } from '../metrics.js';
import { requireAdmin } from './admin-auth.js';
import { cleanInput } from './clean-input.js';
import { refuseWhileDatabaseDown } from './database-guard.js';
import { createErrorHandler, errorBody } from './error-renderer.js';
import { openApiOptions } from './openapi.js';
import { limitRequestRates } from './rate-limit-hook.js';
import { registerAdminAuditRoute } from './routes/admin-audit.js';
import { registerAdminCampaignRoutes } from './routes/admin-campaigns.js';
import { registerAdminClientRoutes } from './routes/admin-clients.js';
import { registerAdminConnectionRoutes } from './routes/admin-connections.js';
import { registerAdminPartnerPostbackRoutes } from './routes/admin-partner-postbacks.js';
import { registerAdminPostbackRoutes } from './routes/admin-postbacks.js';
import { registerAdminReconcileRoute } from './routes/admin-reconcile.js';
import { registerAdminSalesRenderSchemaRoute } from './routes/admin-salesrender-schema.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerLeadCreateRoute } from './routes/leads-create.js';
import { registerLeadReadRoutes } from './routes/leads-read.js';
import { registerOrderStatusRoutes } from './routes/orders-status.js';
import { registerSalesRenderWebhookRoute } from './routes/webhooks-salesrender.js';
import { describeOnlyWithSchemas } from './schema-compilers.js';
import { SharedRateLimit } from './shared-rate-limit.js';

function bodyError(message: string): Error {
  return Object.assign(new Error(message), { code: 'LB_BODY_INVALID', statusCode: 400 });
}

export async function buildHttpServer(context: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: context.logger as FastifyBaseLogger,
    bodyLimit: context.settings.BODY_LIMIT_BYTES,
    genReqId: () => context.ids.next('req'),
    requestIdHeader: false,
    trustProxy: true,
  });
  app.addHook('onSend', async function setRequestIdHeader(request, reply) {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async function countRequest(request, reply) {
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });

  // Parse bodies ourselves so the exact text received can go to the audit log.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    function parseJson(request, body, done) {
      const text = body as string;
      request.rawBody = text;
      if (text.trim() === '') return done(null, {});
      try {
        done(null, cleanInput(JSON.parse(text)));
      } catch (error) {
        done(bodyError(`Body is not valid JSON: ${(error as Error).message}`), undefined);
      }
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    function parseForm(request, body, done) {
      const text = body as string;
      request.rawBody = text;
      done(null, cleanInput(Object.fromEntries(new URLSearchParams(text))));
    },
  );
  // Anything else (text/csv uploads, odd webhook content types) arrives as text; routes decide what they accept.
  app.addContentTypeParser('*', { parseAs: 'string' }, function parseText(request, body, done) {
    const text = body as string;
    request.rawBody = text;
    try {
      done(null, cleanInput(text.trim().startsWith('{') ? JSON.parse(text) : text));
    } catch {
      // Text that only looks like JSON stays text, as any other body here: the route decides.
      done(null, text);
    }
  });

  app.setErrorHandler(createErrorHandler(context));
  app.addHook('onRequest', refuseWhileDatabaseDown(context.database));
  app.setNotFoundHandler(async function notFound(request, reply) {
    return reply.code(404).send(errorBody(new AppError('ROUTE_NOT_FOUND'), request.id));
  });

  // Per API key (per address when none is sent) and console sign-ins per address, counted across every
  // instance on the database: see rate-limit-hook.ts. 0 turns limiting off.
  if (context.settings.RATE_LIMIT_PER_MINUTE > 0) {
    const limiter = new SharedRateLimit({
      db: context.database.orm,
      clock: context.clock,
      logger: context.logger,
      fingerprint: context.cipher.fingerprint,
      availability: context.database.availability,
    });
    app.addHook('onRequest', limitRequestRates(limiter, context.settings.RATE_LIMIT_PER_MINUTE));
  }

  await app.register(cookie);
  describeOnlyWithSchemas(app);
  await app.register(swagger, openApiOptions);
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerHealthRoutes(app, context);
  registerLeadCreateRoute(app, context);
  registerLeadReadRoutes(app, context);
  registerSalesRenderWebhookRoute(app, context);
  registerOrderStatusRoutes(app, context);
  await app.register(async function adminApi(admin) {
    admin.addHook('preHandler', requireAdmin(context));
    // Admin writes are audited (method, path, status; not the body, which may carry a SalesRender token).
    admin.addHook('onSend', async function auditAdminWrite(request, reply, payload) {
      if (request.method === 'GET' || request.method === 'HEAD') return payload;
      await auditOperatorWrite(
        context.database.availability,
        context.reportBackgroundError,
        adminWriteEntry('admin.request', request, reply.statusCode),
        (entry) => context.audit.write(context.database.orm, entry),
      );
      return payload;
    });
    // Any admin write may change a campaign, client or key: drop the intake's cached reads.
    // Before and after, so no lead request can re-cache the old value in between.
    const invalidateLookups = async (request: { method: string }) => {
      if (request.method !== 'GET') context.leadDeps.lookups.invalidate();
    };
    admin.addHook('preHandler', invalidateLookups);
    admin.addHook('onSend', invalidateLookups);
    registerAdminConnectionRoutes(admin, context);
    registerAdminCampaignRoutes(admin, context);
    registerAdminClientRoutes(admin, context, 'partner');
    registerAdminClientRoutes(admin, context, 'advertiser');
    registerAdminPartnerPostbackRoutes(admin, context);
    registerAdminAuditRoute(admin, context);
    registerAdminPostbackRoutes(admin, context);
    registerAdminReconcileRoute(admin, context);
    registerAdminSalesRenderSchemaRoute(admin, context);
  });
  return app;
}
