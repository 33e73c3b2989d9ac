import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDeadline } from '../../src/deadline.js';
import { postJson } from '../../src/salesrender/transport.js';

describe('an outbound request deadline', () => {
  it('aborts with a TimeoutError when the time is up', async () => {
    const deadline = startDeadline(20);
    const reason = await new Promise<unknown>((resolve) =>
      deadline.signal.addEventListener('abort', () => resolve(deadline.signal.reason)),
    );
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
  });

  it('lets go of its timer when cleared', () => {
    vi.useFakeTimers();
    try {
      const deadline = startDeadline(15_000);
      expect(vi.getTimerCount()).toBe(1);
      deadline.clear();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never aborts once cleared', async () => {
    const deadline = startDeadline(20);
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deadline.signal.aborted).toBe(false);
  });
});

describe('a SalesRender call', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Reads the request and never answers.
    server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('that gets no answer fails as SR_UNAVAILABLE, timed out and in doubt, after its timeout', async () => {
    const started = performance.now();
    const failure = await postJson(url, 'token', 'addOrder', { query: '{ x }' }, { timeoutMs: 150 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 'SR_UNAVAILABLE', message: 'SalesRender unreachable: timed out' });
    expect((failure as { details: { inDoubt?: boolean } }).details.inDoubt).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
