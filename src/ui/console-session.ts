// Console authentication: the guard on every console page, CSRF and origin checks on forms.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { sessionOf } from '../staff-sessions/session-cookie.js';
import { type ConsoleSession, isValidCsrfToken } from '../staff-sessions/session-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession: ConsoleSession | null;
  }
}

/**
 * Guards console pages: no session -> the sign-in page (pages) or 401 (scripts asking for JSON). On any
 * state-changing request, the form's CSRF token must match the session's, and a browser's Origin (when
 * sent) must be this server: SameSite=Strict already stops other sites, this is the second lock.
 */
export function requireConsoleSession(context: AppContext) {
  return async function checkConsoleSession(request: FastifyRequest, reply: FastifyReply) {
    const session = await sessionOf(context, request);
    if (!session) {
      if (request.method === 'GET' && !request.headers.accept?.includes('application/json')) {
        return reply.redirect(`/admin/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new AppError('ADMIN_UNAUTHORIZED');
    }
    request.consoleSession = session;
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    if (origin && origin !== 'null' && new URL(origin).host !== request.headers.host) {
      throw new AppError('CONSOLE_CSRF_INVALID');
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    const offered = body._csrf ?? request.headers['x-csrf-token'];
    if (!isValidCsrfToken(session, offered)) throw new AppError('CONSOLE_CSRF_INVALID');
  };
}
