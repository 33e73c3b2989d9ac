// The one place console errors become output: an HTML page naming the code and request id, JSON for the
// console's own scripts, and the sign-in page for a missing session.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { errorForLog } from '../error-for-log.js';
import { AppError, asAppError } from '../errors.js';
import { html } from './html.js';
import { sendPage } from './send-page.js';

/** Fastify's own 4xx (a bad body) keep their status; anything unknown is INTERNAL. */
function toConsoleError(error: unknown): AppError {
  const status = (error as { statusCode?: number }).statusCode;
  if (!(error instanceof AppError) && status === 413) return new AppError('BODY_TOO_LARGE');
  if (!(error instanceof AppError) && status && status >= 400 && status < 500)
    return new AppError('BODY_INVALID', (error as Error).message);
  return asAppError(error);
}

/** The console pages' error handler: logs server faults, notes a lost database, renders the answer. */
export function createConsoleErrorHandler(context: AppContext) {
  return async function renderConsoleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const appError = toConsoleError(error);
    if (appError.code === 'INTERNAL') request.log.error({ err: errorForLog(error) }, 'console error');
    const retryAfter = appError.extra.details?.retry_after_seconds;
    if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    if (appError.code === 'DATABASE_UNAVAILABLE') context.database.availability.notice(error);
    if (request.headers.accept?.includes('application/json')) {
      return reply.code(appError.status).send({ error: { code: appError.code, message: appError.message } });
    }
    if (appError.code === 'ADMIN_UNAUTHORIZED') return reply.redirect('/admin/sign-in', 303);
    return sendPage(request, reply, {
      title: appError.status === 404 ? 'Not found' : 'Something went wrong',
      section: 'dashboard',
      status: appError.status,
      body: html`<div class="card"><p class="errors" role="alert">${appError.message}</p>
        <p class="muted">Code <code>${appError.code}</code>, request <code>${request.id}</code>.</p>
        <p><a href="/admin">Back to the dashboard</a></p></div>`,
    });
  };
}
