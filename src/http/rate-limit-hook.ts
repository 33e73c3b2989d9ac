// Which requests are rate limited, by what key and how much; over the limit: 429 RATE_LIMITED with Retry-After.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppError } from '../errors.js';
import { apiKeyOf } from './partner-auth.js';
import type { SharedRateLimit } from './shared-rate-limit.js';

/** Console sign-ins a minute per address: slows guessing of the admin token. */
export const signInsPerMinute = 10;

function refusal(message: string, retryAfterSeconds: number): AppError {
  // The error renderer sets Retry-After from `retry_after_seconds`.
  return new AppError('RATE_LIMITED', message, { details: { retry_after_seconds: retryAfterSeconds } });
}

/**
 * An onRequest hook limiting, across every instance on the database (see SharedRateLimit):
 * - the partner and advertiser API (`/v1/leads…`, `/v1/orders…`) to `perMinute` requests a minute per
 *   API key, or per address for requests without one;
 * - console sign-ins (`POST /admin/sign-in`) to `signInsPerMinute` a minute per address, whatever key the
 *   request carries, so that a made-up key cannot buy a fresh budget.
 * Webhooks are exempt: SalesRender bursts, and its secret URL is its authentication. Runs before the body
 * is read, so an API key sent only in the body counts as none (the address is the key).
 */
export function limitRequestRates(limiter: SharedRateLimit, perMinute: number) {
  const apiMessage = `Too many requests: at most ${perMinute} a minute per key`;
  const signInMessage = `Too many sign-ins: at most ${signInsPerMinute} a minute per address`;
  return function limitRequestRate(
    request: FastifyRequest,
    _reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    const route = request.routeOptions.url;
    let wait: number | Promise<number>;
    let message: string;
    if (route?.startsWith('/v1/leads') || route?.startsWith('/v1/orders')) {
      wait = limiter.take('api', apiKeyOf(request) ?? request.ip, perMinute);
      message = apiMessage;
    } else if (request.method === 'POST' && route === '/admin/sign-in') {
      wait = limiter.take('sign-in', request.ip, signInsPerMinute);
      message = signInMessage;
    } else {
      done();
      return;
    }
    const answer = (seconds: number) => {
      if (seconds === 0) done();
      else done(refusal(message, seconds));
    };
    if (typeof wait === 'number') answer(wait);
    else wait.then(answer, (error: unknown) => done(error as Error));
  };
}
