// Which errors mean "the database is away", and how the availability check moves between up, checking and down.
import { describe, expect, it } from 'vitest';
import {
  DatabaseAvailability,
  DatabaseUnavailableError,
  isDatabaseUnavailable,
} from '../../src/db/database-availability.js';
import { asAppError } from '../../src/errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a refused or broken connection, also when wrapped or aggregated', () => {
    expect(isDatabaseUnavailable(withCode('ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(
      isDatabaseUnavailable(new Error('Failed query: select 1', { cause: withCode('ECONNRESET') })),
    ).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')], ''))).toBe(true);
    expect(isDatabaseUnavailable(new DatabaseUnavailableError())).toBe(true);
  });

  it('recognises a server shutting down, crashing, starting up or out of room (57P01-57P03, classes 08 and 53)', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', '53300', '53100', '53200']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('leaves statements the database refused alone', () => {
    for (const code of ['23505', '42P01', '40001', '22P02']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it('becomes a 503 DATABASE_UNAVAILABLE with a retry delay', () => {
    const error = asAppError(new Error('Failed query', { cause: withCode('57P01') }));
    expect(error.code).toBe('DATABASE_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.extra.details?.retry_after_seconds).toBeGreaterThan(0);
  });
});

describe('DatabaseAvailability', () => {
  it('stays up when the probe after a dropped connection succeeds', async () => {
    let probes = 0;
    const availability = new DatabaseAvailability({
      probe: async () => {
        probes++;
      },
      waitMs: 1_000,
    });
    const states: string[] = [];
    availability.onChange((state) => states.push(state));
    availability.notice(withCode('ECONNRESET'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(states).toEqual(['checking', 'up']);
    expect(availability.isDown).toBe(false);
    expect(probes).toBe(1);
  });

  it('is down while probes fail or hang, and up again when one answers', async () => {
    let answering = false;
    const availability = new DatabaseAvailability({
      probe: () => (answering ? Promise.resolve() : new Promise<void>(() => {})), // hangs: no answer
      waitMs: 30,
      retryMs: 20,
    });
    availability.notice(withCode('ECONNREFUSED'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(availability.isDown).toBe(true);
    expect(String((availability.lastError as Error).message)).toMatch(/did not answer within 30 ms/);
    answering = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(availability.state).toBe('up');
    availability.stop();
  });

  it('ignores errors that say nothing about reachability', async () => {
    let probes = 0;
    const availability = new DatabaseAvailability({
      probe: async () => {
        probes++;
      },
      waitMs: 100,
    });
    availability.notice(withCode('23505'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(probes).toBe(0);
    expect(availability.state).toBe('up');
  });
});

describe('isDatabaseUnavailable leaves what is not the database alone', () => {
  it('an outbound HTTP failure, a client that cut its body off, a wrapper quoting a client value', () => {
    expect(isDatabaseUnavailable(new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(withCode('UND_ERR_SOCKET'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(withCode('ECONNRESET', 'aborted'), { statusCode: 400 }))).toBe(
      false,
    );
    const wrapper = new Error('Failed query: insert … params: Connection terminated unexpectedly', {
      cause: withCode('23505'),
    });
    expect(isDatabaseUnavailable(wrapper)).toBe(false);
  });
});
