// Guards /admin/api: `Authorization: Bearer <LEADBRIDGE_ADMIN_TOKEN>`, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Returns a preHandler that refuses requests without the admin token; with no token configured, all are refused. */
export function requireAdminToken(adminToken: string | undefined) {
  const expected = adminToken ? digest(adminToken) : null;
  return async function checkAdminToken(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    // Comparing fixed-length digests keeps the time independent of where the strings differ, and of length.
    if (!expected || !match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new AppError('ADMIN_UNAUTHORIZED');
    }
  };
}
