// Typed errors for every way a SalesRender call can fail, and which of them are the lead's own fault.

export type SalesRenderErrorCode =
  | 'SR_UNAVAILABLE' // network error, timeout, 5xx, 429: try again later
  | 'SR_BAD_RESPONSE' // 2xx we cannot read (not JSON, truncated, wrong shape): try again later
  | 'SR_AUTH_FAILED' // 401/403: the campaign's token is missing or wrong
  | 'SR_ORDER_LOCKED' // someone else holds the order's lock: try again once it times out
  | 'SR_SCHEMA_FAULT' // what we sent does not fit the live schema or the company's setup: the operator fixes it
  | 'SR_REJECTED'; // SalesRender refused this request because of its data: do not retry

/**
 * Retried later. A refused token and a schema fault are the operator's to fix, not the lead's fault:
 * the lead waits in the queue until they are fixed rather than being lost.
 */
const transientCodes = new Set<SalesRenderErrorCode>([
  'SR_UNAVAILABLE',
  'SR_BAD_RESPONSE',
  'SR_AUTH_FAILED',
  'SR_ORDER_LOCKED',
  'SR_SCHEMA_FAULT',
]);

export class SalesRenderError extends Error {
  readonly transient: boolean;
  constructor(
    readonly code: SalesRenderErrorCode,
    message: string,
    readonly details: {
      httpStatus?: number;
      srCode?: string;
      retryAfterMs?: number;
      /** True when the request may have been carried out although its answer was lost (in-doubt). */
      inDoubt?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'SalesRenderError';
    this.transient = transientCodes.has(code);
  }
}

/**
 * `extensions.code` values SalesRender uses for a request it will never accept as sent [official]:
 * permanent for that request. `ERR_ORDER_NOT_FOUND` is our sandbox's word for an unknown order [assumed].
 */
export const permanentGraphqlCodes = new Set([
  'ERR_ORDER_STATUS_NOT_FOUND',
  'ERR_ORDER_STATUS_ARCHIVED',
  'ERR_ORDER_STATUS_MOVE_RESTRICTION',
  'ERR_ORDER_VALIDATION_FAILED',
  'ERR_ORDER_NOT_FOUND',
]);

/** Another user's lock on the order, which has a timeout [field]: retried. */
export const lockedGraphqlCode = 'ERR_ORDER_LOCKED';

/** A value LeadBridge took from the lead, and where it sits in what was sent (`orderData.phoneFields[0].value`). */
export interface LeadValue {
  path: string;
  value: string;
}

interface GraphqlErrorShape {
  message?: unknown;
  extensions?: { code?: unknown };
}

/** Messages about the shape of a document or input, never about a value's content (graphql-js wording). */
const shapeMessage =
  /is not defined by type|Cannot query field|Unknown (type|argument|field)|must have a selection|of required type|was not provided|Did you mean/i;

/**
 * True when an error's message points at one of the lead's values: a coercion error `at "input.<path>"`
 * of a value that came from the lead, a REST message naming such a path, or the value itself quoted.
 * Only then is a refusal without a known code the lead's own (salesrender-api.md, Errors [assumed]).
 */
export function namesLeadValue(message: string, leadValues: readonly LeadValue[]): boolean {
  if (leadValues.length === 0 || shapeMessage.test(message)) return false;
  const at = /at "(?:input\.)?([^"]+)"/.exec(message)?.[1];
  if (at) return leadValues.some((lead) => lead.path === at);
  return leadValues.some(
    (lead) =>
      new RegExp(`(^|[^\\w.])${escapeRegExp(lead.path)}($|[^\\w.\\[])`).test(message) ||
      (lead.value.length >= 3 && message.includes(JSON.stringify(lead.value))),
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads `errors: [{message, extensions: {code}}]` into one typed error, or null when there is none.
 * A known permanent code, or a message naming one of `leadValues`, is the lead's own refusal; a lock is
 * retried; an internal error is an outage; every other error (a parse or validation error, an input key
 * the live schema lacks, a code we do not know) is a configuration fault (salesrender-api.md, Errors).
 */
export function errorFromGraphqlErrors(
  errors: unknown,
  httpStatus: number,
  leadValues: readonly LeadValue[] = [],
): SalesRenderError | null {
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const first = errors[0] as GraphqlErrorShape;
  const message = typeof first?.message === 'string' ? first.message : 'SalesRender returned an error';
  const srCode = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
  const details = { httpStatus, ...(srCode ? { srCode } : {}) };
  if (srCode === lockedGraphqlCode) return new SalesRenderError('SR_ORDER_LOCKED', message, details);
  if (srCode && permanentGraphqlCodes.has(srCode))
    return new SalesRenderError('SR_REJECTED', message, details);
  if (srCode && /INTERNAL|UNAVAILABLE|TIMEOUT/i.test(srCode)) {
    return new SalesRenderError('SR_UNAVAILABLE', message, details);
  }
  const ownMessage = errors.find(
    (error: GraphqlErrorShape) =>
      typeof error?.message === 'string' && namesLeadValue(error.message, leadValues),
  ) as GraphqlErrorShape | undefined;
  if (ownMessage) return new SalesRenderError('SR_REJECTED', String(ownMessage.message), details);
  return new SalesRenderError('SR_SCHEMA_FAULT', message, details);
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
