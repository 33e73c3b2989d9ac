// Reads and checks a partner's API key for the read endpoints (intake checks its own, per campaign).
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedClient, authenticateKey, type ClientKind } from '../campaigns/api-clients.js';
import type { Executor } from '../db/connection.js';
import { AppError } from '../errors.js';

/** The key from `X-Api-Key`, else `api_key` in the query or body (for trackers that cannot set headers). */
export function apiKeyOf(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.api_key;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  const body = request.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && typeof body.api_key === 'string' && body.api_key.length > 0
    ? body.api_key
    : null;
}

export async function requireClient(
  db: Executor,
  request: FastifyRequest,
  kind: ClientKind,
): Promise<AuthenticatedClient> {
  const key = apiKeyOf(request);
  if (!key) throw new AppError('AUTH_KEY_MISSING');
  const client = await authenticateKey(db, key);
  if (!client) throw new AppError('AUTH_KEY_INVALID');
  if (client.kind !== kind)
    throw new AppError(
      'AUTH_KEY_WRONG_KIND',
      `This endpoint takes a${kind === 'partner' ? ' partner' : 'n advertiser'} key`,
    );
  return client;
}
