// Keeps a log line that could flood (one per refused request, per failed claim, per failing connection) to one per interval.

/**
 * Says when a line is due: at most one per `intervalMs` (default 10 s); the calls in between are only
 * counted, and the next line carries their number. Time comes from `now` (milliseconds).
 */
export class LogThrottle {
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private sinceLine = 0;

  constructor(private readonly options: { now: () => number; intervalMs?: number }) {}

  /**
   * Counts one occurrence. Answers how many occurred since the last line (this one included) when a line
   * is due now, or null when this one is only counted.
   */
  take(): number | null {
    this.sinceLine++;
    const now = this.options.now();
    if (now - this.lastLineAt < (this.options.intervalMs ?? 10_000)) return null;
    const count = this.sinceLine;
    this.lastLineAt = now;
    this.sinceLine = 0;
    return count;
  }
}
