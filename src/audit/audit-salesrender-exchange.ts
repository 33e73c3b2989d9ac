// Turns each SalesRender call (document, variables, full answer) into an audit row: written at once, or
// collected so the caller writes them in the same statement as the call's outcome.
import type { ReportBackgroundError } from '../background-errors.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import type { ExchangeObserver, SalesRenderExchange } from '../salesrender/transport.js';
import type { AuditEntry, AuditWriter } from './audit-writer.js';
import { redactUrl } from './redact.js';

export interface ExchangeContext {
  requestId: string | null;
  /** Null for a call made for a company rather than a campaign (its schema, a connection check). */
  campaignId: string | null;
  leadId?: string | null;
  orderId?: string | null;
  attempt?: number;
  /** Why a call that is not part of a lead or order was made, for whoever reads the log. */
  purpose?: 'schema' | 'campaign_check' | 'connection_check' | 'status_list';
  connectionId?: string | null;
}

export function exchangeAuditEntry(context: ExchangeContext, exchange: SalesRenderExchange): AuditEntry {
  return {
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
      ...(context.purpose ? { purpose: context.purpose } : {}),
      ...(context.connectionId ? { connection_id: context.connectionId } : {}),
      attempt: context.attempt ?? null,
      operation: exchange.operation,
      url: redactUrl(exchange.url),
      request: exchange.requestBody,
      response: exchange.responseBody,
      error: exchange.error ?? null,
    },
  };
}

/** Who asked for a call made for no lead: the HTTP request (by its id), the connection being checked. */
export interface CallRequester {
  requestId?: string | null;
  connectionId?: string | null;
}

export interface ExchangeAuditDeps {
  db: Executor;
  audit: AuditWriter;
  reportBackgroundError: ReportBackgroundError;
}

/**
 * Audit failures are reported (`audit_write`), never thrown: the call's own outcome must still be
 * recorded by the caller.
 */
export function auditSalesRenderExchanges(
  deps: ExchangeAuditDeps,
  context: ExchangeContext,
): ExchangeObserver {
  return (exchange) =>
    deps.audit.write(deps.db, exchangeAuditEntry(context, exchange)).catch((error: unknown) =>
      deps.reportBackgroundError('audit_write', error, {
        event: 'salesrender.call',
        requestId: context.requestId,
        operation: exchange.operation,
      }),
    );
}

/**
 * Collects the audit rows of a call's exchanges (stamped when they happen) for the caller to write with
 * the outcome: one statement instead of one more round trip per call.
 */
export function collectSalesRenderExchanges(clock: Clock, context: ExchangeContext) {
  const pending: AuditEntry[] = [];
  const observe: ExchangeObserver = (exchange) => {
    pending.push({ ...exchangeAuditEntry(context, exchange), at: clock.now() });
  };
  return {
    observe,
    /** Takes the collected entries (each once). */
    take: () => pending.splice(0, pending.length),
  };
}
