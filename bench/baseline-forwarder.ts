// The floor any proxy pays: parse the lead JSON, post the same GraphQL body, return the id. No validation,
// no database, no logging.
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'undici';
import { addOrderDocument } from '../src/salesrender/documents.js';

export async function startBaseline(
  salesrenderUrl: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new Agent({ connections: 256 });
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      try {
        const lead = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
        const input = {
          statusId: '1',
          projectId: '1',
          orderData: { phoneFields: [{ field: 'phone', value: lead.phone }] },
          source: { subid_1: lead.click_id },
        };
        const response = await request(`${salesrenderUrl}/companies/1/CRM`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', authorization: 'token' },
          body: JSON.stringify({ query: addOrderDocument, variables: { input } }),
        });
        const answer = (await response.body.json()) as {
          data: { orderMutation: { addOrder: { id: string } } };
        };
        outgoing
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ order_id: answer.data.orderMutation.addOrder.id }));
      } catch {
        outgoing.writeHead(502).end();
      }
    });
  });
  const url = await new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    }),
  );
  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    },
  };
}
