// What every part of `npm run bench` shares: its settings, the leads it sends and the closed-loop generator.
import autocannon from 'autocannon';
import type { LoadResult } from './paced-load.js';

export const quick = process.argv.includes('--quick');
export const seconds = quick ? 5 : 20;
export const delayMs = Number(process.env.BENCH_SALESRENDER_DELAY_MS ?? 50);
export const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
export const postgresUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? null;

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * A closed-loop phase ends with requests still in flight (autocannon stops sending, LeadBridge is still
 * answering): the next phase waits this long, and for an empty job queue, so it measures itself.
 */
export const settleMs = 2_000;

let phone = 0;
/** Fresh leads: unique phones and click ids (the campaign's dedupe window is 0). */
export const leadBody = () => {
  phone++;
  return JSON.stringify({
    name: 'Bench Lead',
    phone: `+7913${String(phone % 10_000_000).padStart(7, '0')}`,
    click_id: `b${phone}-${Date.now()}`,
  });
};

export async function load(options: {
  url: string;
  connections: number;
  headers?: Record<string, string>;
  body: () => string;
  /** Seconds; the phase length by default. */
  duration?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.duration ?? seconds,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: options.body() }) }],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p95: result.latency.p97_5 ?? result.latency.p90,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
    cutOff: Math.max(
      0,
      result.requests.sent - result['2xx'] - result.non2xx - result.errors - result.timeouts,
    ),
  };
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)
    : 0;
};
