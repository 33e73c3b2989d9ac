// Injected failures for the sandbox's SalesRender endpoints, so tests can show LeadBridge survives them.

export type FaultMode =
  | 'http500' // 500 with a JSON error body
  | 'http503' // 503 with Retry-After
  | 'timeout' // hold the request without answering, then drop it
  | 'reset' // destroy the socket at once
  | 'nonjson' // 200 with an HTML page
  | 'truncated' // 200 with half a JSON document
  | 'graphql_internal' // 200 with an INTERNAL_SERVER_ERROR GraphQL error
  | 'reject' // 200 with ERR_ORDER_VALIDATION_FAILED
  // The modes below run the operation first, then cut the answer: an in-doubt create (the order exists).
  | 'truncated_after' // the operation's status with the first half of its JSON answer
  | 'reset_after' // destroy the socket instead of answering
  | 'timeout_after'; // hold the answer for holdMs, then destroy the socket

/** Modes that let the operation run before they cut its answer. */
export const afterModes: ReadonlySet<FaultMode> = new Set([
  'truncated_after',
  'reset_after',
  'timeout_after',
]);

export interface Fault {
  mode: FaultMode;
  /** How many requests it applies to; null means until cleared. */
  remaining: number | null;
  /** For `timeout` and `timeout_after`: how long to hold the request. */
  holdMs: number;
}

export class FaultPlan {
  private current: Fault | null = null;
  /** Added latency on every SalesRender call (for benchmarks), in ms. */
  latencyMs = 0;

  set(mode: FaultMode, count: number | null = null, holdMs = 30_000): void {
    this.current = { mode, remaining: count, holdMs };
  }

  clear(): void {
    this.current = null;
  }

  /** The fault for this request, if any, counting it down. */
  take(): Fault | null {
    const fault = this.current;
    if (!fault) return null;
    if (fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.current = null;
    }
    return fault;
  }
}
