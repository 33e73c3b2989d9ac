// Typed errors for every way a SalesRender call can fail, split into transient (retry) and permanent.

export type SalesRenderErrorCode =
  | 'SR_UNAVAILABLE' // network error, timeout, 5xx, 429: try again later
  | 'SR_BAD_RESPONSE' // 2xx we cannot read (not JSON, truncated, wrong shape): try again later
  | 'SR_AUTH_FAILED' // 401/403: the campaign's token is missing or wrong
  | 'SR_REJECTED'; // SalesRender refused this request (GraphQL error or 4xx): do not retry

/**
 * Retried later. A refused token is the operator's misconfiguration, not the lead's fault: the lead
 * waits in the queue until the token is fixed rather than being lost.
 */
const transientCodes = new Set<SalesRenderErrorCode>(['SR_UNAVAILABLE', 'SR_BAD_RESPONSE', 'SR_AUTH_FAILED']);

export class SalesRenderError extends Error {
  readonly transient: boolean;
  constructor(
    readonly code: SalesRenderErrorCode,
    message: string,
    readonly details: { httpStatus?: number; srCode?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'SalesRenderError';
    this.transient = transientCodes.has(code);
  }
}

/** GraphQL `extensions.code` values SalesRender uses for a request it will never accept as sent. */
export const permanentGraphqlCodes = new Set([
  'ERR_ORDER_STATUS_NOT_FOUND',
  'ERR_ORDER_STATUS_ARCHIVED',
  'ERR_ORDER_STATUS_MOVE_RESTRICTION',
  'ERR_ORDER_VALIDATION_FAILED',
  'ERR_ORDER_LOCKED',
]);

interface GraphqlErrorShape {
  message?: unknown;
  extensions?: { code?: unknown };
}

/** Reads `errors: [{message, extensions: {code}}]` into one typed error, or null when there is none. */
export function errorFromGraphqlErrors(errors: unknown, httpStatus: number): SalesRenderError | null {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const first = errors[0] as GraphqlErrorShape;
  const message = typeof first?.message === 'string' ? first.message : 'SalesRender returned an error';
  const srCode = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
  // An internal error on SalesRender's side is not about our input; everything else is (salesrender-api.md, Errors).
  if (srCode && /INTERNAL|UNAVAILABLE|TIMEOUT/i.test(srCode) && !permanentGraphqlCodes.has(srCode)) {
    return new SalesRenderError('SR_UNAVAILABLE', message, { httpStatus, srCode });
  }
  return new SalesRenderError('SR_REJECTED', message, { httpStatus, srCode });
}

/** Maps a non-success HTTP status (without a readable GraphQL error) to a typed error. */
export function errorFromHttpStatus(
  status: number,
  message: string,
  retryAfterMs?: number,
): SalesRenderError {
  if (status >= 500 || status === 429 || status === 408) {
    return new SalesRenderError('SR_UNAVAILABLE', message, { httpStatus: status, retryAfterMs });
  }
  if (status === 401 || status === 403)
    return new SalesRenderError('SR_AUTH_FAILED', message, { httpStatus: status });
  return new SalesRenderError('SR_REJECTED', message, { httpStatus: status });
}
