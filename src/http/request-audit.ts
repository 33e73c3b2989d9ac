// The raw incoming request as an audit row (method, redacted URL and headers, body as received), made once per request.
import type { FastifyRequest } from 'fastify';
import { ReceivedRequest } from '../audit/received-request.js';
import { redactHeaders, redactUrl } from '../audit/redact.js';
import type { AppContext } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received (text), kept for the audit log. */
    rawBody?: string;
    /** The raw request's audit row and whether it is on record (src/audit/received-request.ts). */
    received?: ReceivedRequest;
  }
}

/** The event name under which a path's raw requests are audited, or null for paths that are not audited. */
export function auditEventFor(url: string): string | null {
  if (url.startsWith('/v1/leads')) return 'lead.received';
  if (url.startsWith('/v1/webhooks')) return 'webhook.received';
  if (url.startsWith('/v1/orders')) return 'advertiser.received';
  return null;
}

/**
 * The request's raw row, made on first call and kept on the request (null for paths not audited). The
 * route passes what it has learnt by then (the campaign; for a connection's webhook, the connection), so
 * the row and a refusal's row name them; a call after the first answers the row already made.
 */
export function receivedRequestOf(
  request: FastifyRequest,
  known: { campaignId?: string | null; connectionId?: string | null } = {},
): ReceivedRequest | null {
  if (request.received) return request.received;
  const event = auditEventFor(request.url);
  if (!event) return null;
  let body: unknown = request.body ?? null;
  if (request.rawBody !== undefined && (body === null || typeof body !== 'object')) body = request.rawBody;
  request.received = new ReceivedRequest({
    event,
    requestId: request.id,
    campaignId: known.campaignId ?? null,
    actor: 'client',
    outcome: 'received',
    detail: {
      method: request.method,
      url: redactUrl(request.url),
      headers: redactHeaders(request.headers),
      remote_ip: request.ip,
      body,
      raw_body:
        request.rawBody !== undefined && typeof request.body === 'object' ? undefined : request.rawBody,
      ...(known.connectionId ? { connection_id: known.connectionId } : {}),
    },
  });
  return request.received;
}

/** Records the raw request on its own, unless it is on record already (a route that stores nothing with it). */
export async function auditIncomingRequest(context: AppContext, request: FastifyRequest): Promise<void> {
  await receivedRequestOf(request)?.writeAlone(context.audit, context.database.orm);
}
