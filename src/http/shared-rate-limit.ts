// Per-minute request budgets shared by every instance on one database: each instance claims tokens from
// the database in batches and spends them in memory, so most requests cost no database round trip.
import type { Logger } from 'pino';
import type { ReportBackgroundError } from '../background-errors.js';
import type { Clock } from '../clock.js';
import type { Orm } from '../db/connection.js';
import { claimRateLimitTokens, grantOf } from '../db/sql/claim-rate-limit-tokens.js';
import { executeSql } from '../db/sql/statement.js';
import { sweepRateLimitWindows } from '../db/sql/sweep-rate-limit-windows.js';
import { LogThrottle } from '../log-throttle.js';
import { rateLimitClaims } from '../metrics.js';

const windowMs = 60_000;
/**
 * The largest claim, as a share of the limit. Tokens an instance has claimed are not seen by the others:
 * if its share of a key's requests stops mid-minute, at most this much of the budget goes unused.
 */
const maxClaimShare = 0.05;
/** Claims also stay under a quarter of what the minute had left, so the last tokens are handed out finely. */
const remainderShare = 0.25;
/** After a failed claim, the key's requests are admitted unchecked for this long before trying again. */
const failOpenMs = 1_000;
/** Keys kept in memory; past it the least recently renewed is dropped (it claims again when it returns). */
const maxLeases = 10_000;

/** One key's tokens for one minute, as this instance holds them. */
interface Lease {
  windowStart: number;
  /** Claimed from the database and not yet spent. */
  tokens: number;
  /** The database has granted the whole budget: refuse without asking it again until the minute ends. */
  spent: boolean;
  /** The budget left after the last claim (limit − used), as that claim saw it. */
  remaining: number;
  /** The next claim's size before the caps: doubles with every claim, carried into the next minute. */
  nextClaim: number;
  /** Until when (ms) requests are admitted without a claim, after one failed. */
  openUntil: number;
  /** The claim in flight; requests arriving meanwhile wait for it rather than send their own. */
  claiming: Promise<void> | null;
}

/** Seconds from `now` to the end of the minute that started at `windowStart` (at least 1): Retry-After. */
const secondsLeft = (now: number, windowStart: number) =>
  Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));

/**
 * Fixed, aligned one-minute windows: a key may make `limit` requests from hh:mm:00 to hh:mm:59, counted
 * across every instance on the database. The database never grants more than the limit, so together the
 * instances never admit more; tokens one instance claimed and did not spend before the minute ended are
 * lost to the others (at most 5 % of the limit per instance, see `maxClaimShare`).
 */
export class SharedRateLimit {
  private readonly leases = new Map<string, Lease>();
  /** One line per ten seconds at most: during an outage every key's claim fails. */
  private readonly failureLog = new LogThrottle({ now: Date.now });

  constructor(
    private readonly options: {
      db: Orm;
      clock: Clock;
      logger: Logger;
      /** The keyed digest stored for a key or address (TokenCipher.fingerprint): never the raw value. */
      fingerprint: (value: string) => string;
      /** While the database is not known to be up, requests are admitted without a claim (no waiting on it). */
      availability: { readonly state: 'up' | 'checking' | 'down' };
    },
  ) {}

  /**
   * Takes one token of `key`'s budget of `limit` a minute in `scope` (limits of different scopes never
   * share tokens). Answers 0 when the request may go on, else the seconds until the budget renews.
   * Synchronous while this instance holds tokens; a promise when it has to claim some first.
   * If the database cannot be reached the request is admitted (fail open, logged and counted).
   */
  take(scope: string, key: string, limit: number): number | Promise<number> {
    const now = this.options.clock.now().getTime();
    const windowStart = now - (now % windowMs);
    const id = `${scope}\n${key}`;
    let lease = this.leases.get(id);
    if (lease === undefined || lease.windowStart !== windowStart) lease = this.open(id, windowStart, lease);
    if (lease.tokens > 0) {
      lease.tokens--;
      return 0;
    }
    if (lease.spent) return secondsLeft(now, windowStart);
    if (lease.openUntil > now || this.options.availability.state !== 'up') return 0;
    return this.claimThenTake(id, lease, limit);
  }

  private open(id: string, windowStart: number, previous: Lease | undefined): Lease {
    const lease: Lease = {
      windowStart,
      tokens: 0,
      spent: false,
      remaining: Number.POSITIVE_INFINITY,
      nextClaim: previous?.nextClaim ?? 1,
      openUntil: 0,
      claiming: null,
    };
    // Deleted and set again so that the map's order is least recently renewed first.
    this.leases.delete(id);
    if (this.leases.size >= maxLeases) {
      const oldest = this.leases.keys().next().value;
      if (oldest !== undefined) this.leases.delete(oldest);
    }
    this.leases.set(id, lease);
    return lease;
  }

  private async claimThenTake(id: string, lease: Lease, limit: number): Promise<number> {
    // Requests that waited on one claim share its tokens; those left without one claim again (a larger batch).
    for (;;) {
      lease.claiming ??= this.claim(id, lease, limit);
      await lease.claiming;
      const now = this.options.clock.now().getTime();
      if (lease.tokens > 0) {
        lease.tokens--;
        return 0;
      }
      if (lease.spent) return secondsLeft(now, lease.windowStart);
      if (lease.openUntil > now) return 0;
    }
  }

  private async claim(id: string, lease: Lease, limit: number): Promise<void> {
    const maxClaim = Math.max(1, Math.floor(limit * maxClaimShare));
    const wanted = Math.max(
      1,
      Math.min(lease.nextClaim, maxClaim, Math.floor(lease.remaining * remainderShare)),
    );
    try {
      const input = {
        keyDigest: this.options.fingerprint(id),
        windowStart: new Date(lease.windowStart),
        wanted,
        limit,
      };
      const [row] = await executeSql(this.options.db, claimRateLimitTokens, input);
      const { granted, used } = grantOf(row, input);
      lease.tokens += granted;
      lease.remaining = limit - used;
      lease.spent = used >= limit;
      lease.nextClaim = Math.min(lease.nextClaim * 2, maxClaim);
      rateLimitClaims.inc({ outcome: granted > 0 ? 'granted' : 'spent' });
    } catch (error) {
      // The limiter must not turn a database fault into refused requests: the intake answers for
      // the database itself (503 while it is down).
      lease.openUntil = this.options.clock.now().getTime() + failOpenMs;
      rateLimitClaims.inc({ outcome: 'failed' });
      this.logFailure(error);
    } finally {
      lease.claiming = null;
    }
  }

  private logFailure(error: unknown): void {
    const failedClaims = this.failureLog.take();
    if (failedClaims === null) return;
    this.options.logger.warn(
      { err: error, failedClaims },
      'rate limits: could not claim tokens from the database; admitting requests unchecked',
    );
  }
}

/**
 * A worker sweep (see JobWorker `sweeps`) deleting the budgets of minutes that ended more than a minute
 * ago, at most once a minute. Returns 0: it recovers no work. A failure is reported (logged and counted,
 * `rate_limit_sweep`) and tried again a minute later.
 */
export function rateLimitWindowSweep(
  db: Orm,
  reportError: ReportBackgroundError,
): (now: Date) => Promise<number> {
  let last = 0;
  return async function sweepRateLimitBudgets(now) {
    if (now.getTime() - last < windowMs) return 0;
    last = now.getTime();
    try {
      await executeSql(db, sweepRateLimitWindows, {
        before: new Date(now.getTime() - (now.getTime() % windowMs) - windowMs),
      });
    } catch (error) {
      reportError('rate_limit_sweep', error);
    }
    return 0;
  };
}
