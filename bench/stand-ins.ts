// Lightweight SalesRender and tracker stand-ins for benchmarks: plain node:http, no GraphQL engine, so
// they are never the bottleneck. The stand-in answers after a fixed delay, like a remote API would.
import { createServer, type Server } from 'node:http';
import { introspectionFromSchema } from 'graphql';
import { sandboxSchema } from '../sandbox/schema-variants.js';

/** The sandbox's schema, answered to introspection, so LeadBridge fits its inputs as against a real company. */
const introspection = JSON.stringify({ data: introspectionFromSchema(sandboxSchema) });

export interface StandIns {
  salesrenderUrl: string;
  trackerUrl: string;
  ordersCreated(): number;
  /** Postbacks received, by order id, with arrival time (ms, performance.now()). */
  postbacks: Map<string, number>;
  postbackCount(): number;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );

export async function startStandIns(delayMs: number): Promise<StandIns> {
  let nextOrderId = 1;
  let postbackCount = 0;
  const postbacks = new Map<string, number>();
  const salesrender = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      setTimeout(
        () => {
          let body: unknown;
          if (text.includes('__schema')) {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(introspection);
            return;
          }
          if (text.includes('addOrder')) {
            body = { data: { orderMutation: { addOrder: { id: String(nextOrderId++) } } } };
          } else if (text.includes('ordersFetcher')) {
            // Every order asked about is reported accepted, at a fixed time, so repeats dedupe.
            const ids = [...text.matchAll(/ids: \[([^\]]*)\]/g)].flatMap(
              (match) => (match[1] ?? '').match(/\d+/g) ?? [],
            );
            body = {
              data: {
                ordersFetcher: {
                  orders: ids.map((id) => ({
                    id,
                    status: { id: '3', name: 'Accepted', group: 'APPROVED' },
                    statusChangedAt: '2026-01-01T00:00:00.000Z',
                    data: { stringFields: [{ field: { name: 'comment' }, value: 'ok' }] },
                  })),
                  pageInfo: { itemsCount: ids.length, pagesCount: 1 },
                },
              },
            };
          } else {
            body = {
              errors: [
                { message: 'unsupported in the benchmark stand-in', extensions: { code: 'BAD_REQUEST' } },
              ],
            };
          }
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          // Only order creation is slow (the "create-order mutation after a delay"); reads answer at once.
        },
        text.includes('addOrder') ? delayMs : 0,
      );
    });
  });
  const tracker = createServer((request, response) => {
    const orderId = new URL(request.url ?? '/', 'http://x').searchParams.get('order') ?? '';
    postbackCount++;
    if (!postbacks.has(orderId)) postbacks.set(orderId, performance.now());
    request.resume();
    response.writeHead(200).end('OK');
  });
  const [salesrenderUrl, trackerUrl] = await Promise.all([listen(salesrender), listen(tracker)]);
  return {
    salesrenderUrl,
    trackerUrl,
    ordersCreated: () => nextOrderId - 1,
    postbacks,
    postbackCount: () => postbackCount,
    close: async () => {
      salesrender.closeAllConnections();
      tracker.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => salesrender.close(resolve)),
        new Promise((resolve) => tracker.close(resolve)),
      ]);
    },
  };
}
