// Webhook bodies in each shape receivers see in the field (salesrender-api.md, Webhooks [field]).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import type { WebhookShape } from '../../sandbox/webhook-sender.js';
import { createOrder, post } from './support.js';

let sandbox: Sandbox;
let receiver: TestTracker;
beforeAll(async () => {
  receiver = await startTestTracker();
  sandbox = await startSandbox({ webhookUrl: `${receiver.url}/hook/secret` });
});
beforeEach(() => {
  receiver.received.length = 0;
  sandbox.webhooks.shape = 'data.ordersFetcher';
  sandbox.webhooks.fireOnCreate = false;
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

async function webhookFor(shape: WebhookShape): Promise<{ id: string; body: string; contentType: unknown }> {
  sandbox.webhooks.shape = shape;
  const id = await createOrder(sandbox);
  sandbox.changeStatus('1', id, '3', 'Confirmed');
  await sandbox.webhooks.settle();
  const [received] = await receiver.waitFor(1);
  return { id, body: received!.body, contentType: received!.headers['content-type'] };
}

describe('webhook shapes', () => {
  it.each([
    ['order', (body: any) => body],
    ['data.ordersFetcher', (body: any) => body.data.ordersFetcher.orders[0]],
    ['ordersFetcher', (body: any) => body.data.ordersFetcher.orders[0]],
    ['root.ordersFetcher', (body: any) => body.ordersFetcher.orders[0]],
    ['data.orders', (body: any) => body.data.orders[0]],
    ['orders', (body: any) => body.data.orders[0]],
    ['root.orders', (body: any) => body.orders[0]],
    ['data', (body: any) => body.data],
  ] as const)('%s carries the order where its name says', async (shape, orderOf) => {
    const { id, body } = await webhookFor(shape);
    const parsed = JSON.parse(body);
    expect(orderOf(parsed)).toMatchObject({ id, status: { id: '3', name: 'Accepted' } });
    expect(orderOf(parsed).data.stringFields).toContainEqual({
      field: { name: 'comment', label: 'Comment' },
      value: 'Confirmed',
    });
    // Every shape but the bare order wraps it in exactly one key.
    if (shape !== 'order') expect(Object.keys(parsed)).toHaveLength(1);
  });

  it('the root shapes are distinct from the data shapes', async () => {
    expect(Object.keys(JSON.parse((await webhookFor('root.ordersFetcher')).body))).toEqual(['ordersFetcher']);
    receiver.received.length = 0;
    expect(Object.keys(JSON.parse((await webhookFor('root.orders')).body))).toEqual(['orders']);
  });

  it('form posts the order and status ids', async () => {
    const { id, body, contentType } = await webhookFor('form');
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ id, status_id: '3' });
  });

  it('the control route sets the shape and refuses an unknown one', async () => {
    const set = await post(sandbox, '/__sandbox/webhook', { shape: 'root.orders' }, {}, 'PUT');
    expect(set.body).toMatchObject({ shape: 'root.orders', enabled: true });
    expect((await post(sandbox, '/__sandbox/webhook', { shape: 'orders[0]' }, {}, 'PUT')).status).toBe(400);
  });
});

describe('when webhooks fire', () => {
  it('on a status change only, unless fireOnCreate is set', async () => {
    await createOrder(sandbox);
    await sandbox.webhooks.settle();
    expect(receiver.received).toHaveLength(0);
    sandbox.webhooks.fireOnCreate = true;
    const id = await createOrder(sandbox);
    await sandbox.webhooks.settle();
    expect(JSON.parse(receiver.received[0]!.body).data.ordersFetcher.orders[0].id).toBe(id);
  });
});
