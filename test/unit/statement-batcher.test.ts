// The group-commit queue: when items share a statement, and what a failed statement means for each item.
import { describe, expect, it } from 'vitest';
import { StatementBatcher } from '../../src/db/statement-batcher.js';

/** A statement the test finishes by hand. */
interface Pending {
  items: string[];
  finish(): void;
  fail(error: Error): void;
}

function recordingBatcher(options: { maxBatch?: number; maxInFlight?: number; failWhen?: string } = {}) {
  const statements: Pending[] = [];
  const ones: string[] = [];
  const batchErrors: { message: string; items: number }[] = [];
  const start = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      statements.push({
        items,
        finish: () => resolve(items.map((item) => `stored ${item}`)),
        fail: reject,
      });
    });
  const batcher = new StatementBatcher<string, string>({
    maxBatch: options.maxBatch ?? 10,
    maxInFlight: options.maxInFlight ?? 1,
    conflictKeys: (item) => [item.split(':')[0] ?? item],
    onBatchError: (error, items) => batchErrors.push({ message: (error as Error).message, items }),
    runBatch: (items) => start(items),
    runOne: async (item) => {
      ones.push(item);
      if (options.failWhen && item.includes(options.failWhen)) throw new Error(`refused ${item}`);
      const [result] = await start([item]);
      return result as string;
    },
  });
  return { batcher, statements, ones, batchErrors };
}

/** Lets the event loop turn twice: a finished statement's slot is freed, then the next statement starts. */
const turn = async () => {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('a statement batcher', () => {
  it('sends items submitted in one event-loop turn together, in the order given', async () => {
    const { batcher, statements } = recordingBatcher();
    const results = ['a', 'b', 'c'].map((item) => batcher.submit(item));
    await turn();
    expect(statements.map((statement) => statement.items)).toEqual([['a', 'b', 'c']]);
    statements[0]?.finish();
    expect(await Promise.all(results)).toEqual(['stored a', 'stored b', 'stored c']);
    expect(batcher.stats).toEqual({ items: 3, statements: 1 });
  });

  it('sends a lone item on its own at once when a statement slot is free', async () => {
    const { batcher, statements, ones } = recordingBatcher();
    const result = batcher.submit('a');
    await turn();
    expect(ones).toEqual(['a']);
    statements[0]?.finish();
    expect(await result).toBe('stored a');
  });

  it('lets items wait for a free slot and sends them together then (batches grow with the load)', async () => {
    const { batcher, statements } = recordingBatcher({ maxInFlight: 1 });
    const first = batcher.submit('a');
    await turn();
    const later = ['b', 'c', 'd'].map((item) => batcher.submit(item));
    await turn();
    expect(statements).toHaveLength(1);
    statements[0]?.finish();
    await first;
    await turn();
    expect(statements.map((statement) => statement.items)).toEqual([['a'], ['b', 'c', 'd']]);
    statements[1]?.finish();
    expect(await Promise.all(later)).toEqual(['stored b', 'stored c', 'stored d']);
  });

  it('runs up to maxInFlight statements at once and caps each at maxBatch items', async () => {
    const { batcher, statements } = recordingBatcher({ maxInFlight: 2, maxBatch: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((item) => batcher.submit(item));
    await turn();
    expect(statements.map((statement) => statement.items)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    statements[0]?.finish();
    await results[0];
    await turn();
    expect(statements.map((statement) => statement.items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    for (const statement of statements.slice(1)) statement.finish();
    expect(await Promise.all(results)).toHaveLength(5);
  });

  it('never puts two items with a key in common in one statement; the later one goes next', async () => {
    const { batcher, statements } = recordingBatcher({ maxInFlight: 1 });
    const results = ['k1:a', 'k2:b', 'k1:c', 'k3:d'].map((item) => batcher.submit(item));
    await turn();
    expect(statements.map((statement) => statement.items)).toEqual([['k1:a', 'k2:b', 'k3:d']]);
    statements[0]?.finish();
    await turn();
    expect(statements.map((statement) => statement.items)).toEqual([['k1:a', 'k2:b', 'k3:d'], ['k1:c']]);
    statements[1]?.finish();
    expect(await Promise.all(results)).toEqual(['stored k1:a', 'stored k2:b', 'stored k1:c', 'stored k3:d']);
  });

  it('retries every item of a failed statement on its own, so each caller gets its own outcome', async () => {
    const { batcher, statements, ones, batchErrors } = recordingBatcher({ failWhen: 'bad' });
    const results = ['a', 'bad', 'c'].map((item) =>
      batcher.submit(item).then(
        (value) => ({ value }),
        (error: Error) => ({ error: error.message }),
      ),
    );
    await turn();
    statements[0]?.fail(new Error('unique violation'));
    await turn();
    expect(ones).toEqual(['a', 'bad', 'c']);
    // The shared statement's own error is handed on, not dropped: no caller sees it.
    expect(batchErrors).toEqual([{ message: 'unique violation', items: 3 }]);
    for (const statement of statements.slice(1)) statement.finish();
    expect(await Promise.all(results)).toEqual([
      { value: 'stored a' },
      { error: 'refused bad' },
      { value: 'stored c' },
    ]);
  });

  it('hands a database outage to every caller of the batch, with no retry and no batch report', async () => {
    const { batcher, statements, ones, batchErrors } = recordingBatcher();
    const results = ['a', 'b'].map((item) => batcher.submit(item).catch((error: Error) => error.message));
    await turn();
    statements[0]?.fail(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(await Promise.all(results)).toEqual(['connect ECONNREFUSED', 'connect ECONNREFUSED']);
    expect(ones).toEqual([]);
    expect(batchErrors).toEqual([]);
  });
});
