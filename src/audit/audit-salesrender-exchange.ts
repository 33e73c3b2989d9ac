// Builds the observer that writes each SalesRender call (document, variables, full answer) to the audit log.
import type { Logger } from 'pino';
import type { Executor } from '../db/connection.js';
import type { ExchangeObserver } from '../salesrender/transport.js';
import type { AuditWriter } from './audit-writer.js';
import { redactUrl } from './redact.js';

/** Audit failures are logged, never thrown: the call's own outcome must still be recorded by the caller. */
export function auditSalesRenderExchanges(
  deps: { db: Executor; audit: AuditWriter; logger: Logger },
  context: {
    requestId: string | null;
    campaignId: string;
    leadId?: string | null;
    orderId?: string | null;
    attempt?: number;
  },
): ExchangeObserver {
  return (exchange) =>
    deps.audit
      .write(deps.db, {
        event: 'salesrender.call',
        requestId: context.requestId,
        campaignId: context.campaignId,
        leadId: context.leadId ?? null,
        orderId: context.orderId ?? null,
        actor: 'leadbridge',
        outcome: exchange.error ? 'network_error' : String(exchange.httpStatus),
        httpStatus: exchange.httpStatus,
        latencyMs: exchange.latencyMs,
        detail: {
          attempt: context.attempt ?? null,
          operation: exchange.operation,
          url: redactUrl(exchange.url),
          request: exchange.requestBody,
          response: exchange.responseBody,
          error: exchange.error ?? null,
        },
      })
      .catch((error: unknown) => deps.logger.error({ err: error }, 'could not audit a SalesRender exchange'));
}
