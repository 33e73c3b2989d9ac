// A tracker stand-in: records every postback it receives (GET or POST) and prints it; tests and the demo use it.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface ReceivedPostback {
  at: string;
  method: string;
  url: string;
  query: Record<string, string>;
  headers: Record<string, unknown>;
  body: string;
}

export interface TestTracker {
  url: string;
  received: ReceivedPostback[];
  /**
   * Answers the next requests with these statuses (then 200), e.g. [503, 503] for a tracker that is down;
   * `'reset'` closes the connection without any answer.
   */
  failNext(statuses: (number | 'reset' | PlannedAnswer)[]): void;
  /** Resolves once `count` postbacks have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedPostback[]>;
  close(): Promise<void>;
}

interface PlannedAnswer {
  status: number;
  /** The answer's body; `OK` for a 2xx and `FAIL` otherwise when not given. */
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  reset?: boolean;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTestTracker(
  options: { port?: number; print?: boolean } = {},
): Promise<TestTracker> {
  const received: ReceivedPostback[] = [];
  const failures: PlannedAnswer[] = [];
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://tracker.local');
    const postback: ReceivedPostback = {
      at: new Date().toISOString(),
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      body,
    };
    received.push(postback);
    if (options.print) console.log(`[tracker] ${postback.method} ${postback.url}${body ? ` ${body}` : ''}`);
    const planned = failures.shift() ?? { status: 200 };
    if (planned.delayMs) await new Promise((resolve) => setTimeout(resolve, planned.delayMs));
    if (planned.reset) {
      request.socket.destroy();
      return;
    }
    response
      .writeHead(planned.status, { 'content-type': 'text/plain', ...planned.headers })
      .end(planned.body ?? (planned.status < 300 ? 'OK' : 'FAIL'));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (statuses) =>
      failures.push(
        ...statuses.map((entry) =>
          entry === 'reset'
            ? { status: 0, reset: true }
            : typeof entry === 'number'
              ? { status: entry }
              : entry,
        ),
      ),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline)
          throw new Error(`tracker got ${received.length} postbacks, expected ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
