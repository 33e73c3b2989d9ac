// The staff session cookie: its name, its options, and the session it stands for. The console sets it;
// the admin API also accepts it for reads, so both adapters read it from here.
import type {} from '@fastify/cookie'; // request.cookies types
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { type ConsoleSession, findSession } from './session-store.js';

export const sessionCookie = 'lb_console';

/** The live session behind the request's cookie, or null. */
export async function sessionOf(
  context: AppContext,
  request: FastifyRequest,
): Promise<ConsoleSession | null> {
  const value = request.cookies?.[sessionCookie];
  if (!value) return null;
  return findSession(context.database.orm, value, context.clock.now());
}

/** Cookie options: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure behind https. */
export function cookieOptions(context: AppContext, maxAgeSeconds?: number) {
  return {
    path: '/admin',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: context.settings.publicBaseUrl.startsWith('https://'),
    // Relative, so the browser's clock need not agree with ours; the server checks its own expiry anyway.
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  };
}
