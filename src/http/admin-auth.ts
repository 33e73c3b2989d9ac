// Guards /admin/api: `Authorization: Bearer <LEADBRIDGE_ADMIN_TOKEN>` compared in constant time, or, for
// reads only, the console's session cookie (so the console's export links stream from the same endpoints).
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { sessionOf } from '../staff-sessions/session-cookie.js';
import { isAdminToken } from '../staff-sessions/session-store.js';

/** Returns a preHandler that refuses requests without admin rights; with no token configured, all are refused. */
export function requireAdmin(context: AppContext) {
  const adminToken = context.settings.LEADBRIDGE_ADMIN_TOKEN;
  return async function checkAdmin(request: FastifyRequest): Promise<void> {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '');
    if (match?.[1]) {
      if (isAdminToken(match[1].trim(), adminToken)) return;
      throw new AppError('ADMIN_UNAUTHORIZED');
    }
    // A cookie is sent by the browser on its own, so it may only read: writes need the token (or a console form
    // with its CSRF token). SameSite=Strict keeps other sites from even reading.
    const safe = request.method === 'GET' || request.method === 'HEAD';
    if (adminToken && safe && (await sessionOf(context, request))) return;
    throw new AppError('ADMIN_UNAUTHORIZED');
  };
}
