// The one place errors become HTTP answers: `{error: {code, message, request_id, fields?}}`, secrets never included.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { describeDatabaseError } from '../db/database-availability.js';
import { errorForLog } from '../error-for-log.js';
import { AppError, asAppError, errorCatalogue } from '../errors.js';
import { LogThrottle } from '../log-throttle.js';
import { urlForLog } from '../logger.js';
import { SalesRenderError } from '../salesrender/errors.js';
import { auditEventFor, receivedRequestOf } from './request-audit.js';

/**
 * Maps anything thrown in a handler or by Fastify itself to an AppError: Fastify's body and validation
 * errors by their code or status, everything else as asAppError does (unknown errors become INTERNAL).
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError || error instanceof SalesRenderError) return asAppError(error);
  const fastifyError = error as FastifyError;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BODY_INVALID', fastifyError.message);
    case 'LB_BODY_INVALID':
      return new AppError('BODY_INVALID', fastifyError.message);
  }
  if (fastifyError?.validation) return new AppError('VALIDATION_FAILED', fastifyError.message);
  if (fastifyError?.statusCode === 413) return new AppError('BODY_TOO_LARGE');
  if (fastifyError?.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (fastifyError?.statusCode === 400) return new AppError('BODY_INVALID', fastifyError.message);
  return asAppError(error);
}

export function errorBody(error: AppError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      request_id: requestId,
      ...(error.extra.fields ? { fields: error.extra.fields } : {}),
      ...(error.extra.details ?? {}),
    },
  };
}

/** Fastify error handler: audits refused requests on audited paths, logs server faults, renders the body. */
export function createErrorHandler(context: AppContext) {
  // Every request is refused while the database is away: one log line per 10 s says how many.
  const refusals = new LogThrottle({ now: Date.now });
  return async function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') request.log.error({ err: errorForLog(error) }, 'unhandled error');
    const event = auditEventFor(request.url);
    if (appError.code === 'DATABASE_UNAVAILABLE') {
      // The audit log is in the database that cannot be reached, and trying it would hold the answer
      // past DATABASE_UNAVAILABLE_WAIT_MS: the refusal goes to the process log instead (without the body,
      // which holds personal data), and the client, told to retry, sends it again to be audited then.
      context.database.availability.notice(error);
      const refused = refusals.take();
      if (refused !== null) {
        request.log.warn(
          {
            cause: describeDatabaseError(error),
            method: request.method,
            url: urlForLog(request.url),
            event,
            refused,
          },
          'refused requests: the database cannot be reached',
        );
      }
    } else if (event) {
      const received = receivedRequestOf(request);
      try {
        await received?.writeAlone(context.audit, context.database.orm);
        await context.audit.write(context.database.orm, {
          event: event.replace('.received', '.refused'),
          requestId: request.id,
          campaignId: received?.entry.campaignId ?? null,
          actor: 'client',
          outcome: appError.code,
          httpStatus: errorCatalogue[appError.code].status,
          detail: { code: appError.code, message: appError.message, fields: appError.extra.fields ?? null },
        });
      } catch (auditError) {
        // The refusal is answered all the same; the request id finds it in the process log.
        context.reportBackgroundError('audit_write', auditError, { event, requestId: request.id });
      }
    }
    const body = errorBody(appError, request.id);
    // A 409 duplicate also carries the existing ids at the top level, like a 200 duplicate does.
    const details = appError.extra.details ?? {};
    const topLevel =
      appError.code === 'LEAD_DUPLICATE_PHONE' || appError.code === 'LEAD_DUPLICATE_IP'
        ? { lead_id: details.lead_id, order_id: details.order_id, duplicate: true }
        : {};
    if (typeof details.retry_after_seconds === 'number') {
      reply.header('retry-after', String(details.retry_after_seconds));
    }
    return reply.code(appError.status).send({ ...body, ...topLevel });
  };
}
