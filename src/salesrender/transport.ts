// One JSON POST to SalesRender over undici, timed and reported to an observer, never leaking the token.
import { request } from 'undici';
import { startDeadline } from '../deadline.js';
import { salesrenderDuration } from '../metrics.js';
import { SalesRenderError } from './errors.js';

/** What the audit log records of every call: no headers, so the token cannot slip in. */
export interface SalesRenderExchange {
  url: string;
  operation: string;
  requestBody: unknown;
  httpStatus: number | null;
  responseBody: unknown;
  latencyMs: number;
  error?: string;
}

export type ExchangeObserver = (exchange: SalesRenderExchange) => void | Promise<void>;

export interface TransportOptions {
  timeoutMs: number;
  observe?: ExchangeObserver;
  /** Largest response body read; SalesRender's answers are small, a huge one is an error. */
  maxResponseBytes?: number;
}

export interface JsonResponse {
  status: number;
  body: unknown;
  /** True when the body was not valid JSON (kept as text in `body`). */
  unreadable: boolean;
  retryAfterMs?: number;
}

/**
 * POSTs `body` as JSON with the token in the raw `Authorization` header, SalesRender's own client's
 * form (salesrender-api.md, Endpoints and auth [official]); never as `?token=`, to keep it out of URLs.
 * Network failures and timeouts throw SR_UNAVAILABLE; any HTTP answer is returned for the caller to judge.
 */
export async function postJson(
  url: string,
  token: string,
  operation: string,
  body: unknown,
  options: TransportOptions,
): Promise<JsonResponse> {
  const started = performance.now();
  const exchange: SalesRenderExchange = {
    url,
    operation,
    requestBody: body,
    httpStatus: null,
    responseBody: null,
    latencyMs: 0,
  };
  const deadline = startDeadline(options.timeoutMs);
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: token },
      body: JSON.stringify(body),
      signal: deadline.signal,
    });
    const text = await readLimited(response.body, options.maxResponseBytes ?? 5_000_000);
    exchange.httpStatus = response.statusCode;
    let parsed: unknown = text;
    let unreadable = false;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      unreadable = true;
    }
    exchange.responseBody = parsed;
    return {
      status: response.statusCode,
      body: parsed,
      unreadable,
      retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    };
  } catch (error) {
    const reason = describeNetworkError(error);
    exchange.error = reason;
    // Refused or unresolved: nothing was sent. Any other failure (a timeout, a reset) may come after
    // SalesRender received the request and acted on it.
    const notSent = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(reason);
    throw new SalesRenderError('SR_UNAVAILABLE', `SalesRender unreachable: ${reason}`, { inDoubt: !notSent });
  } finally {
    deadline.clear();
    exchange.latencyMs = Math.round(performance.now() - started);
    salesrenderDuration.observe(
      { operation, outcome: exchange.httpStatus === null ? 'network_error' : String(exchange.httpStatus) },
      exchange.latencyMs / 1000,
    );
    await options.observe?.(exchange);
  }
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw new Error(`response larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const code = (error as { code?: string }).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
