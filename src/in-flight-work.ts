// Tracks request handlers still working, so shutdown can wait for them even when their client went away.

/**
 * Fastify's close() waits for open connections, not for handlers: a client that disconnects mid-request
 * leaves its handler running. Those handlers still use the database, so the service waits for them here
 * before closing it.
 */
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Runs `work`, remembering it until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.running.add(promise);
    const forget = () => this.running.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when everything tracked so far has settled (successfully or not). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
