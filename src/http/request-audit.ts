// Writes the raw incoming request to the audit log before anything else is done with it.
import type { FastifyRequest } from 'fastify';
import type { AuditEntry } from '../audit/audit-writer.js';
import { redactHeaders, redactUrl } from '../audit/redact.js';
import type { AppContext } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received (text), kept for the audit log. */
    rawBody?: string;
    /** Set once the raw request is in the audit log, so the error path does not write it twice. */
    auditedAs?: string;
    /** The campaign the request concerns, once known, so refusals are exported with it. */
    auditCampaignId?: string | null;
  }
}

/** The event name under which a path's raw requests are audited, or null for paths that are not audited. */
export function auditEventFor(url: string): string | null {
  if (url.startsWith('/v1/leads')) return 'lead.received';
  if (url.startsWith('/v1/webhooks')) return 'webhook.received';
  if (url.startsWith('/v1/orders')) return 'advertiser.received';
  return null;
}

/** The audit row of the raw request (method, redacted URL and headers, body as received), or null when the path is not audited. */
export function incomingRequestEntry(
  request: FastifyRequest,
  extra: { campaignId?: string | null } = {},
): (AuditEntry & { event: string }) | null {
  const event = auditEventFor(request.url);
  if (!event) return null;
  let body: unknown = request.body ?? null;
  if (request.rawBody !== undefined && (body === null || typeof body !== 'object')) body = request.rawBody;
  return {
    event,
    requestId: request.id,
    campaignId: extra.campaignId ?? request.auditCampaignId ?? null,
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
    },
  };
}

/** Records the raw request. Idempotent per request. */
export async function auditIncomingRequest(
  context: AppContext,
  request: FastifyRequest,
  extra: { campaignId?: string | null } = {},
): Promise<void> {
  if (request.auditedAs) return;
  if (extra.campaignId) request.auditCampaignId = extra.campaignId;
  const entry = incomingRequestEntry(request, extra);
  if (!entry) return;
  request.auditedAs = entry.event;
  await context.audit.write(context.database.orm, entry);
}
