// Refuses requests at once (503) while the database is known to be down, instead of letting each wait for it.
import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/connection.js';
import { DatabaseUnavailableError } from '../db/database-availability.js';

/**
 * An onRequest hook: while a probe has found the database unreachable, every request but the health
 * and metrics routes is answered 503 DATABASE_UNAVAILABLE with Retry-After, without a connection attempt
 * (the error renderer turns the error into the answer). The first requests after an outage begins still
 * try the database; they are refused after at most DATABASE_UNAVAILABLE_WAIT_MS.
 */
export function refuseWhileDatabaseDown(database: Database) {
  return async function refuseWhileDatabaseDownHook(request: FastifyRequest) {
    if (!database.availability.isDown) return;
    const path = request.url;
    if (path.startsWith('/healthz') || path.startsWith('/readyz') || path.startsWith('/metrics')) return;
    if (path.startsWith('/docs') || path.startsWith('/admin/assets')) return;
    throw new DatabaseUnavailableError();
  };
}
