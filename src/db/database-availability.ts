// Knows whether the database can be reached, so requests are refused at once (503) while it cannot.

/**
 * Node socket codes that mean the server could not be reached or the connection broke. `pg` passes
 * them through (for `localhost` an AggregateError holds one per address tried).
 */
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going away, not yet taking connections or out of room: class 08
 * (connection exception), 57P01 admin_shutdown (an immediate stop ends every session with it), 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up, in recovery), and class 53 (insufficient
 * resources: disk full, out of memory, too many connections), which is how the embedded database fails
 * too when its disk fills. All pass when the operator or the server acts; none is the request's fault.
 */
const unavailableStates = new Set(['57P01', '57P02', '57P03']);
const unavailableClasses = ['08', '53'];

/**
 * What `pg` and `pg-pool` throw when a connection ends or cannot be had in time (they set no code).
 */
const unavailableMessages =
  /connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|not queryable|connection ended unexpectedly|cannot use a pool after calling end/i;

/** The error a request gets while the database is known to be down, without trying it again. */
export class DatabaseUnavailableError extends Error {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(message = 'the database cannot be reached') {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * True when `error` (or one of its causes: drizzle wraps driver errors in `cause`) says the database
 * could not be reached or the connection broke, as opposed to a statement the database refused.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 6) return false;
  if (error instanceof DatabaseUnavailableError) return true;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  // An outbound HTTP call's failure (undici's "fetch failed" around a socket error) and an HTTP client's
  // own fault (a request body cut off: ECONNRESET with a 4xx status) are not the database's.
  if (isOutboundHttpError(error) || isClientFault(error)) return false;
  if (typeof code === 'string') {
    if (socketCodes.has(code) || unavailableStates.has(code)) return true;
    if (code.length === 5 && unavailableClasses.includes(code.slice(0, 2))) return true;
  }
  // Only an error of its own, not a wrapper: drizzle's wrapper quotes the statement's parameters (text
  // a client sent) in its message.
  if (cause === undefined && typeof message === 'string' && unavailableMessages.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** The part of a connection error worth logging (`pg` errors can carry the whole client with them). */
export function describeDatabaseError(error: unknown): { message: string; code?: string } {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown }).code;
  const inner = (error as { errors?: unknown }).errors;
  const message =
    error.message || (Array.isArray(inner) ? inner.map((each) => String(each?.message)).join('; ') : '');
  return typeof code === 'string' ? { message, code } : { message };
}

function isOutboundHttpError(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    (typeof code === 'string' && code.startsWith('UND_ERR')) ||
    (error instanceof TypeError && message === 'fetch failed')
  );
}

function isClientFault(error: object): boolean {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export type AvailabilityState = 'up' | 'checking' | 'down';

export interface DatabaseAvailabilityOptions {
  /** One cheap round trip (`select 1`); must reject when the database cannot answer. */
  probe(): Promise<void>;
  /** A probe slower than this counts as failed (DATABASE_UNAVAILABLE_WAIT_MS). */
  waitMs: number;
  /** While down, how often the database is probed again. */
  retryMs?: number;
}

/**
 * The database's reachability as this process last saw it. A connection error does not condemn the
 * database by itself (a single dropped connection is replaced by the pool): it triggers one probe at
 * once, and only a failed probe marks it down. While down, callers refuse work without touching the
 * database, and a probe runs every `retryMs` until one succeeds. Listeners hear every change (the log
 * and the `leadbridge_database_up` gauge).
 */
export class DatabaseAvailability {
  private current: AvailabilityState = 'up';
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly listeners: ((state: AvailabilityState, error: unknown) => void)[] = [];
  /** The last probe's failure, for /readyz. */
  lastError: unknown = null;

  constructor(private readonly options: DatabaseAvailabilityOptions) {}

  get state(): AvailabilityState {
    return this.current;
  }

  /** True only after a probe failed: requests should be answered 503 without trying the database. */
  get isDown(): boolean {
    return this.current === 'down';
  }

  onChange(listener: (state: AvailabilityState, error: unknown) => void): void {
    this.listeners.push(listener);
  }

  /** Hands over any error a database call threw; a connection error starts a check. Others are ignored. */
  notice(error: unknown): void {
    if (this.stopped || this.current !== 'up' || !isDatabaseUnavailable(error)) return;
    this.set('checking', error);
    void this.check();
  }

  /** Stops probing (the database is being closed). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async check(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    try {
      await this.probeWithin(this.options.waitMs).catch((error: unknown) => {
        // The probe's own extra connection refused because the server is full: it is up and answering
        // (this instance's pooled connections still work), so that is no outage.
        if ((error as { code?: unknown })?.code !== '53300') throw error;
      });
      this.lastError = null;
      this.set('up', null);
    } catch (error) {
      this.lastError = error;
      this.set('down', error);
      if (!this.stopped) this.timer = setTimeout(() => void this.check(), this.options.retryMs ?? 500);
    }
  }

  private probeWithin(waitMs: number): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    return Promise.race([
      this.options.probe(),
      new Promise<never>((_, reject) => {
        timeout = setTimeout(
          () => reject(new DatabaseUnavailableError(`the database did not answer within ${waitMs} ms`)),
          waitMs,
        );
      }),
    ]).finally(() => clearTimeout(timeout));
  }

  private set(state: AvailabilityState, error: unknown): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener(state, error);
  }
}
