// Staff sign-in sessions: created with the admin token, kept in the database, ended by sign-out or expiry.
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { adminSessions } from '../db/schema.js';
import type { IdSource } from '../ids.js';

/** Twelve hours: a working day at the console, then sign in again. */
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;

export interface ConsoleSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** True when `offered` is the admin token; fixed-length digests keep the comparison's time independent of both. */
export function isAdminToken(offered: string, adminToken: string | undefined): boolean {
  if (!adminToken) return false;
  return timingSafeEqual(sha256(offered), sha256(adminToken));
}

/** Starts a session; returns the cookie value (shown to the browser only) and the session. */
export async function startSession(
  db: Executor,
  deps: { clock: Clock; ids: IdSource },
): Promise<{ cookieValue: string; session: ConsoleSession }> {
  const now = deps.clock.now();
  const cookieValue = deps.ids.secret(32);
  const session = {
    id: deps.ids.next('ses'),
    csrfToken: deps.ids.secret(24),
    expiresAt: new Date(now.getTime() + sessionLifetimeMs),
  };
  // Expired rows are of no use to anyone; each sign-in sweeps them.
  await db.delete(adminSessions).where(lt(adminSessions.expiresAt, now));
  await db.insert(adminSessions).values({
    id: session.id,
    tokenHash: sha256(cookieValue).toString('hex'),
    csrfToken: session.csrfToken,
    createdAt: now,
    expiresAt: session.expiresAt,
  });
  return { cookieValue, session };
}

/** The live session a cookie stands for, or null (unknown, expired or signed out). */
export async function findSession(
  db: Executor,
  cookieValue: string,
  now: Date,
): Promise<ConsoleSession | null> {
  const [row] = await db
    .select()
    .from(adminSessions)
    .where(
      and(
        eq(adminSessions.tokenHash, sha256(cookieValue).toString('hex')),
        isNull(adminSessions.revokedAt),
        gt(adminSessions.expiresAt, now),
      ),
    )
    .limit(1);
  return row ? { id: row.id, csrfToken: row.csrfToken, expiresAt: row.expiresAt } : null;
}

export async function endSession(db: Executor, sessionId: string, now: Date): Promise<void> {
  await db.update(adminSessions).set({ revokedAt: now }).where(eq(adminSessions.id, sessionId));
}

/** Constant-time check of a form's CSRF token against the session's. */
export function isValidCsrfToken(session: ConsoleSession, offered: unknown): boolean {
  return typeof offered === 'string' && timingSafeEqual(sha256(offered), sha256(session.csrfToken));
}
