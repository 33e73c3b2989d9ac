// The closed catalogue of error codes LeadBridge emits, each with its HTTP status and whether it is
// transient, the codes that never make an HTTP answer, and the one error type.
import type { SettingsError } from './config/settings.js';
import { isDatabaseUnavailable } from './db/database-availability.js';
import type { PgliteImportRefusalCode } from './db/pglite-import/import-pglite-data.js';
import type { ForbiddenTargetError } from './postbacks/outbound-guard.js';
import { SalesRenderError } from './salesrender/errors.js';

/**
 * Every code an HTTP answer (API or console) can carry. `transient`: not the request's fault, so the same
 * request may succeed later without being changed (the service, SalesRender or a cap opens again; a
 * Retry-After says when, where known). A unit test holds it to the status: 429 and 5xx are transient.
 */
export const errorCatalogue = {
  BODY_INVALID: { status: 400, transient: false, message: 'The request body could not be parsed' },
  ADMIN_UNAUTHORIZED: { status: 401, transient: false, message: 'A valid admin token is required' },
  AUTH_KEY_MISSING: {
    status: 401,
    transient: false,
    message: 'An API key is required (X-Api-Key header or api_key parameter)',
  },
  AUTH_KEY_INVALID: { status: 401, transient: false, message: 'The API key is not valid' },
  METRICS_UNAUTHORIZED: {
    status: 401,
    transient: false,
    message: 'The metrics token is required (Authorization: Bearer)',
  },
  AUTH_CAMPAIGN_FORBIDDEN: {
    status: 403,
    transient: false,
    message: 'This API key is not allowed for this campaign',
  },
  AUTH_KEY_WRONG_KIND: {
    status: 403,
    transient: false,
    message: 'This API key is for another kind of client (partner or advertiser)',
  },
  CAMPAIGN_NOT_FOUND: { status: 404, transient: false, message: 'No campaign has this alias' },
  CONNECTION_NOT_FOUND: { status: 404, transient: false, message: 'No SalesRender connection has this id' },
  LEAD_NOT_FOUND: { status: 404, transient: false, message: 'No such lead' },
  POSTBACK_NOT_FOUND: { status: 404, transient: false, message: 'No such postback' },
  POSTBACK_ENDPOINT_NOT_FOUND: { status: 404, transient: false, message: 'No such postback endpoint' },
  ORDER_NOT_FOUND: { status: 404, transient: false, message: 'No such order in your campaigns' },
  WEBHOOK_NOT_FOUND: {
    status: 404,
    transient: false,
    message: 'No campaign or connection has this webhook URL',
  },
  ROUTE_NOT_FOUND: { status: 404, transient: false, message: 'No such endpoint' },
  CLIENT_NOT_FOUND: { status: 404, transient: false, message: 'No such partner or advertiser' },
  CONSOLE_CSRF_INVALID: {
    status: 403,
    transient: false,
    message: 'The form has expired or did not come from this console; reload it',
  },
  POSTBACK_NOT_RETRIABLE: {
    status: 409,
    transient: false,
    message: 'This postback was skipped or superseded by a newer one and is not sent again',
  },
  CAMPAIGN_ALIAS_TAKEN: {
    status: 409,
    transient: false,
    message: 'A campaign with this alias already exists',
  },
  CONNECTION_EXISTS: {
    status: 409,
    transient: false,
    message: 'This SalesRender company (base URL and company id) is already connected',
  },
  CONNECTION_IN_USE: {
    status: 409,
    transient: false,
    message: 'Campaigns still use this connection; move them first',
  },
  CAMPAIGN_INACTIVE: { status: 409, transient: false, message: 'This campaign is paused and takes no leads' },
  LEAD_DUPLICATE_PHONE: {
    status: 409,
    transient: false,
    message: 'A lead with this phone was already sent to this campaign recently',
  },
  LEAD_DUPLICATE_IP: {
    status: 409,
    transient: false,
    message: 'A lead from this IP address was already sent to this campaign recently',
  },
  BODY_TOO_LARGE: { status: 413, transient: false, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, transient: false, message: 'Send JSON or form-urlencoded' },
  VALIDATION_FAILED: { status: 422, transient: false, message: 'Some fields are invalid' },
  LEAD_INVALID: { status: 422, transient: false, message: 'The lead is invalid' },
  LEAD_GEO_NOT_ALLOWED: {
    status: 422,
    transient: false,
    message: "The lead's country is not one this campaign takes",
  },
  WEBHOOK_INVALID: { status: 422, transient: false, message: 'The webhook names no order' },
  POSTBACK_NOT_CONFIGURED: {
    status: 422,
    transient: false,
    message: 'This campaign has no postback configured',
  },
  SR_REJECTED: { status: 422, transient: false, message: 'SalesRender rejected the request' },
  RATE_LIMITED: { status: 429, transient: true, message: 'Too many requests' },
  CAP_REACHED: {
    status: 429,
    transient: true,
    message: 'A cap on this campaign is reached; the lead was not sent',
  },
  INTERNAL: { status: 500, transient: true, message: 'Something went wrong on our side; it has been logged' },
  SR_AUTH_FAILED: { status: 502, transient: true, message: "SalesRender refused the campaign's token" },
  SR_SCHEMA_FAULT: {
    status: 502,
    transient: true,
    message:
      "What LeadBridge sends does not fit the SalesRender company's schema; the request is held until it is fixed",
  },
  SR_ORDER_LOCKED: {
    status: 503,
    transient: true,
    message: 'The order is locked in SalesRender; try again shortly',
  },
  SR_BAD_RESPONSE: {
    status: 502,
    transient: true,
    message: 'SalesRender answered with something we could not read',
  },
  SR_UNAVAILABLE: { status: 503, transient: true, message: 'SalesRender is unavailable' },
  DATABASE_UNAVAILABLE: {
    status: 503,
    transient: true,
    message: 'LeadBridge cannot reach its database; nothing was stored, send the request again shortly',
  },
} as const satisfies Record<string, { status: number; transient: boolean; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/**
 * The codes LeadBridge emits elsewhere than in an HTTP error answer: at start-up (on stderr, by the CLI),
 * and in a postback's recorded error (`last_error`, the console, a test send's answer).
 */
export const otherErrorCodes = {
  CONFIG_INVALID: { transient: false, where: 'start-up: a setting is missing or invalid' },
  PGLITE_IMPORT_TARGET_NOT_EMPTY: {
    transient: false,
    where: "start-up: the earlier release's PGlite data would be imported into a database that holds data",
  },
  PGLITE_IMPORT_IN_USE: {
    transient: false,
    where: 'start-up: a process of the earlier release still runs on DATA_DIR/pglite',
  },
  POSTBACK_TARGET_FORBIDDEN: {
    transient: false,
    where: "a postback's error: its URL is not http(s) or names a private address",
  },
} as const satisfies Record<
  SettingsError['code'] | PgliteImportRefusalCode | ForbiddenTargetError['code'],
  { transient: boolean; where: string }
>;

/** A failure the caller should see: a stable code, a human message, and per-field reasons when input was bad. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: { fields?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(message ?? errorCatalogue[code].message);
    this.name = 'AppError';
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  /** Whether the same request may succeed later, unchanged (see errorCatalogue). */
  get transient(): boolean {
    return errorCatalogue[this.code].transient;
  }
}

/** Turns zod issues into `{ "field.path": "reason" }`, the shape every 422 carries. */
export function fieldsFromIssues(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '(body)';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** `body` parsed by a zod schema, or VALIDATION_FAILED naming every field that failed and why. */
export function parseInput<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  body: unknown,
): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
  return parsed.data;
}

/** Seconds a client is asked to wait (Retry-After) before sending again while the database is away. */
export const databaseRetryAfterSeconds = 5;

/**
 * AppError as is, SalesRender failures by their own code, a database that cannot be reached as
 * DATABASE_UNAVAILABLE (transient: the client sends again), anything else as INTERNAL (its details stay
 * in the log).
 */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof SalesRenderError) {
    return new AppError(
      error.code,
      error.message,
      error.details.srCode ? { details: { salesrender_code: error.details.srCode } } : {},
    );
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError('DATABASE_UNAVAILABLE', undefined, {
      details: { retry_after_seconds: databaseRetryAfterSeconds },
    });
  }
  return new AppError('INTERNAL');
}
