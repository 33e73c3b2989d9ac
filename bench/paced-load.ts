// Open-loop load at a steady rate: request n is due at start + n / rate, whatever the answers do.
//
// Why not autocannon's `overallRate`: it gives each connection a per-second quota that it spends
// back-to-back at the start of every second (a burst of the whole second's requests, then silence), and
// its latency histogram "corrects" for coordinated omission with a 1 ms expected interval, adding
// synthetic samples below the real ones (the baseline showed p50 29 ms behind a 50 ms SalesRender). Here,
// as in wrk2, each latency is measured from the request's intended send time, so a stall on either side
// (server or generator) is counted, not hidden.
import { Pool } from 'undici';

/** What every load phase reports (latencies in ms). */
export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  ok: number;
  errors: number;
  /**
   * Closed-loop phases only: requests still in flight when the phase's time ran out. The generator stops
   * reading them, but the server finishes them: their leads are stored without being counted in `ok`.
   */
  cutOff?: number;
}

export interface PacedResult extends LoadResult {
  /** What was asked for. `requestsPerSecond`: answers over the whole phase, the last ones' drain included. */
  offeredPerSecond: number;
  /** The generator's own worst lateness sending a request (ms): large values mean the figures are not trustworthy. */
  maxSendLagMs: number;
}

const percentile = (sorted: number[], p: number): number =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) : 0;

const round = (value: number) => Math.round(value * 10) / 10;

export async function pacedLoad(options: {
  url: string;
  rate: number;
  /** Requests to send; the phase lasts amount / rate seconds. */
  amount: number;
  headers?: Record<string, string>;
  /** The request body; `intended` is its due time (performance.now() scale), for end-to-end timing. */
  body: (intended: number) => string;
  /** Upper bound on open connections (an open-loop generator needs rate × latency of them). Default 512. */
  connections?: number;
}): Promise<PacedResult> {
  const target = new URL(options.url);
  const pool = new Pool(target.origin, { connections: options.connections ?? 512, pipelining: 1 });
  const headers = { 'content-type': 'application/json', ...options.headers };
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let maxSendLagMs = 0;
  const start = performance.now();

  const send = (intended: number) => {
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - intended);
    pending.push(
      pool
        .request({
          path: target.pathname + target.search,
          method: 'POST',
          headers,
          body: options.body(intended),
        })
        .then(async (response) => {
          await response.body.dump();
          latencies.push(performance.now() - intended);
          if (response.statusCode < 300) ok++;
          else errors++;
        })
        .catch(() => {
          errors++;
        }),
    );
  };

  await new Promise<void>((resolve) => {
    // A 1 ms timer is late by a millisecond or so; every tick sends all requests that are due by now,
    // each timed from its own due time.
    const tick = () => {
      const due = Math.min(
        options.amount,
        Math.floor(((performance.now() - start) * options.rate) / 1000) + 1,
      );
      while (sent < due) {
        send(start + (sent * 1000) / options.rate);
        sent++;
      }
      if (sent >= options.amount) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(pending);
  const elapsedSeconds = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSecond: options.rate,
    requestsPerSecond: Math.round(latencies.length / elapsedSeconds),
    p50: round(percentile(latencies, 50)),
    p95: round(percentile(latencies, 95)),
    p99: round(percentile(latencies, 99)),
    ok,
    errors,
    maxSendLagMs: round(maxSendLagMs),
  };
}
