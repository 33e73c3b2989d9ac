// A time limit for one outbound request that lets go of its timer the moment the request settles.

export interface Deadline {
  /** Aborted with a `TimeoutError` (as `AbortSignal.timeout` would) when the time is up. */
  readonly signal: AbortSignal;
  /** The request settled: the timer goes now, not when the time would have been up. */
  clear(): void;
}

/**
 * `AbortSignal.timeout` keeps its timer, and a weak reference V8 only clears in a full collection, until
 * the time is up, whatever becomes of the request: under load, one live timer per call made in the last
 * SALESRENDER_TIMEOUT_MS, each surviving into the old generation, whose growth sets the service's memory
 * peak. This one is cleared with the request.
 */
export function startDeadline(ms: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  return {
    signal: controller.signal,
    clear: () => clearTimeout(timer),
  };
}
