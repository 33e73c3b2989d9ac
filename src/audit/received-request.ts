// A raw incoming request's audit row on its way to the log, and whether it is on record yet.
import type { Executor } from '../db/connection.js';
import type { AuditEntry, AuditWriter } from './audit-writer.js';

/**
 * Where the raw row stands: `unwritten` (nothing has stored it yet), `on_record` (a committed statement
 * wrote it). There is no third state: a statement that fails rolls the row back with everything else.
 */
export type ReceivedRequestState = 'unwritten' | 'on_record';

/**
 * Nothing acts on a request that is not on record, and no request is on record twice. The row is written
 * by the first statement that stores anything for the request (the lead, the idempotency look-up, the
 * webhook's queued re-read), inside that statement, so a lead is never stored before its request; a
 * request refused before any such statement gets the row from its refusal (`writeAlone`). This object
 * carries the row from the route to whichever writes it first, and is the only record of whether one has.
 */
export class ReceivedRequest {
  #state: ReceivedRequestState = 'unwritten';

  constructor(readonly entry: AuditEntry & { event: string }) {}

  get state(): ReceivedRequestState {
    return this.#state;
  }

  /**
   * Runs `write`, handing it the row while it is not on record (`write` must store it in its statement,
   * or fail as a whole); the row is on record once `write` has succeeded.
   */
  async writeWith<T>(write: (unwritten: AuditEntry | null) => Promise<T>): Promise<T> {
    const unwritten = this.#state === 'unwritten' ? this.entry : null;
    const result = await write(unwritten);
    if (unwritten) this.#state = 'on_record';
    return result;
  }

  /** Writes the row on its own unless it is on record already: the refusal path, or a request that stores nothing. */
  async writeAlone(audit: AuditWriter, db: Executor): Promise<void> {
    await this.writeWith(async (unwritten) => {
      if (unwritten) await audit.write(db, unwritten);
    });
  }
}
