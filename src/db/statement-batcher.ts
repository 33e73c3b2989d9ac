// Group commit: concurrent writes of the same kind share one statement (one round trip, one commit) under load.
import { isDatabaseUnavailable } from './database-availability.js';

export interface StatementBatcherOptions<Item, Result> {
  /** Writes several items in one statement; answers one result per item, in the order given. */
  runBatch(items: Item[]): Promise<Result[]>;
  /** Writes one item on its own: a batch of one, and each item again when its batch failed. */
  runOne(item: Item): Promise<Result>;
  /** At most this many items per statement (bounds the statement's size). */
  maxBatch: number;
  /**
   * At most this many statements in flight. Items that arrive while all are busy wait for the next
   * free one and go together: batches grow with the load and stay single when it is light.
   */
  maxInFlight: number;
  /**
   * Items with a key in common must not share a statement (they would not see each other, e.g. two leads
   * with the same phone): the later one waits for a following statement.
   */
  conflictKeys?(item: Item): readonly string[];
  /**
   * Hears why a shared statement failed before its items are retried one by one. The callers hear only
   * their own item's outcome, so without this a fault of the shared statement itself (one the items do
   * not hit alone) would go unseen. Not called when the database is away: every caller gets that error.
   */
  onBatchError?(error: unknown, items: number): void;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Queues writes and sends them in batches. Nothing is held back when a connection is free: an item
 * waits at most for the current event-loop turn (so the requests of one turn share a statement) and,
 * under load, for a statement in flight to finish. A batch that fails is retried item by item with
 * `runOne`, so one bad row (a unique violation, say) fails only its own caller, with its own error.
 */
export class StatementBatcher<Item, Result> {
  private readonly queue: Waiting<Item, Result>[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Items written and statements run, for the metrics and the benchmark's notes. */
  readonly stats = { items: 0, statements: 0 };

  constructor(private readonly options: StatementBatcherOptions<Item, Result>) {}

  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /** Takes up to maxBatch items from the head of the queue, leaving those that conflict for later. */
  private takeBatch(): Waiting<Item, Result>[] {
    const { maxBatch, conflictKeys } = this.options;
    if (!conflictKeys) return this.queue.splice(0, maxBatch);
    const batch: Waiting<Item, Result>[] = [];
    const left: Waiting<Item, Result>[] = [];
    const keys = new Set<string>();
    for (const waiting of this.queue) {
      if (batch.length >= maxBatch) {
        left.push(waiting);
        continue;
      }
      const itemKeys = conflictKeys(waiting.item);
      if (itemKeys.some((key) => keys.has(key))) {
        left.push(waiting);
        continue;
      }
      for (const key of itemKeys) keys.add(key);
      batch.push(waiting);
    }
    this.queue.length = 0;
    this.queue.push(...left);
    return batch;
  }

  private async run(batch: Waiting<Item, Result>[]): Promise<void> {
    this.stats.statements++;
    this.stats.items += batch.length;
    if (batch.length === 1) {
      const [only] = batch as [Waiting<Item, Result>];
      await this.options.runOne(only.item).then(only.resolve, only.reject);
      return;
    }
    let results: Result[];
    try {
      results = await this.options.runBatch(batch.map((waiting) => waiting.item));
    } catch (error) {
      // The database is away: every item would fail again (and wait again), so all share the error.
      if (isDatabaseUnavailable(error)) {
        for (const waiting of batch) waiting.reject(error);
        return;
      }
      // The statement rolled back as a whole; each item again on its own answers for itself.
      this.options.onBatchError?.(error, batch.length);
      this.stats.statements += batch.length;
      await Promise.all(
        batch.map((waiting) => this.options.runOne(waiting.item).then(waiting.resolve, waiting.reject)),
      );
      return;
    }
    for (const [index, waiting] of batch.entries()) waiting.resolve(results[index] as Result);
  }
}
