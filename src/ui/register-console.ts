// Mounts the operator console at /admin: assets, sign-in and sign-out, and the guarded pages.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { adminWriteEntry, auditOperatorWrite } from '../audit/admin-write-audit.js';
import type { AppContext } from '../context.js';
import { cookieOptions, sessionCookie, sessionOf } from '../staff-sessions/session-cookie.js';
import { endSession, isAdminToken, startSession } from '../staff-sessions/session-store.js';
import { createConsoleErrorHandler } from './console-error-renderer.js';
import { requireConsoleSession } from './console-session.js';
import { signInPage } from './layout.js';
import { registerAuditPages } from './pages/audit-pages.js';
import { registerCampaignPages } from './pages/campaign-pages.js';
import { registerClientPages } from './pages/client-pages.js';
import { registerConnectionPages } from './pages/connection-pages.js';
import { registerDashboardPage } from './pages/dashboard-page.js';
import { registerLeadPages } from './pages/lead-pages.js';
import { registerPartnerCapsPages } from './pages/partner-caps-pages.js';
import { registerPartnerPostbackPages } from './pages/partner-postback-pages.js';
import { registerPostbackPages } from './pages/postback-pages.js';

const assetsDir = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const assets: Record<string, { type: string; text: string }> = {
  'console.css': {
    type: 'text/css; charset=utf-8',
    text: readFileSync(join(assetsDir, 'console.css'), 'utf8'),
  },
  'console.js': {
    type: 'text/javascript; charset=utf-8',
    text: readFileSync(join(assetsDir, 'console.js'), 'utf8'),
  },
};

/** Only same-site paths may follow a sign-in (no open redirect). */
const safeNext = (next: unknown) =>
  typeof next === 'string' && next.startsWith('/admin') && !next.startsWith('//') ? next : '/admin';

export async function registerConsole(app: FastifyInstance, context: AppContext): Promise<void> {
  const db = context.database.orm;

  app.addHook('onSend', async function consoleSecurityHeaders(request, reply) {
    if (!request.url.startsWith('/admin') || request.url.startsWith('/admin/api')) return;
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header(
      'content-security-policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    );
  });

  app.get<{ Params: { name: string } }>('/admin/assets/:name', async function consoleAsset(request, reply) {
    const asset = assets[request.params.name];
    if (!asset) return reply.code(404).type('text/plain').send('not found');
    return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.text);
  });

  app.get<{ Querystring: { next?: string } }>('/admin/sign-in', async function signInForm(request, reply) {
    if (await sessionOf(context, request)) return reply.redirect(safeNext(request.query.next), 303);
    return reply.type('text/html; charset=utf-8').send(signInPage({ next: safeNext(request.query.next) }));
  });

  // Guessing the admin token is slowed to ten tries a minute per address, across instances, when rate
  // limiting is on (src/http/rate-limit-hook.ts).
  app.post('/admin/sign-in', async function signIn(request, reply) {
    const body = (request.body ?? {}) as { token?: unknown; next?: unknown };
    const ok =
      typeof body.token === 'string' &&
      isAdminToken(body.token.trim(), context.settings.LEADBRIDGE_ADMIN_TOKEN);
    await context.audit.write(db, {
      event: 'console.sign_in',
      requestId: request.id,
      actor: 'admin',
      outcome: ok ? 'ok' : 'refused',
      detail: { remote_ip: request.ip, user_agent: request.headers['user-agent'] ?? null },
    });
    if (!ok) {
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(signInPage({ error: 'That is not the admin token.', next: safeNext(body.next) }));
    }
    const { cookieValue, session } = await startSession(db, { clock: context.clock, ids: context.ids });
    reply.setCookie(
      sessionCookie,
      cookieValue,
      cookieOptions(
        context,
        Math.floor((session.expiresAt.getTime() - context.clock.now().getTime()) / 1000),
      ),
    );
    return reply.redirect(safeNext(body.next), 303);
  });

  await app.register(async function consolePages(pages) {
    pages.decorateRequest('consoleSession', null);
    pages.setErrorHandler(createConsoleErrorHandler(context));
    pages.addHook('preHandler', requireConsoleSession(context));
    // Console writes are audited like every other request (the form body is not: it may hold a token).
    pages.addHook('onSend', async function auditConsoleAction(request, reply, payload) {
      if (request.method === 'GET' || request.method === 'HEAD') return payload;
      await auditOperatorWrite(
        context.database.availability,
        context.reportBackgroundError,
        adminWriteEntry('console.action', request, reply.statusCode),
        (entry) => context.audit.write(db, entry),
      );
      return payload;
    });
    // Any console write may change a campaign, client or key: drop the intake's cached reads, before and
    // after (as the admin API does), so no lead request can re-cache the old value in between.
    const invalidateLookups = async (request: { method: string }) => {
      if (request.method !== 'GET') context.leadDeps.lookups.invalidate();
    };
    pages.addHook('preHandler', invalidateLookups);
    pages.addHook('onSend', invalidateLookups);

    pages.post('/admin/sign-out', async function signOut(request, reply) {
      if (request.consoleSession) await endSession(db, request.consoleSession.id, context.clock.now());
      reply.clearCookie(sessionCookie, cookieOptions(context));
      return reply.redirect('/admin/sign-in', 303);
    });

    registerDashboardPage(pages, context);
    registerConnectionPages(pages, context);
    registerCampaignPages(pages, context);
    registerClientPages(pages, context, 'partner');
    registerPartnerPostbackPages(pages, context);
    registerPartnerCapsPages(pages, context);
    registerClientPages(pages, context, 'advertiser');
    registerLeadPages(pages, context);
    registerPostbackPages(pages, context);
    registerAuditPages(pages, context);
  });
}
