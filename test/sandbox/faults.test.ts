// Injected faults: answers cut after the work is done (an in-doubt create), and fault counts kept exact.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { addOrderDocument, cpa, crm, post, sampleOrderInput } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterEach(() => sandbox.faults.clear());
afterAll(async () => {
  await sandbox.close();
});

const orderCount = () => sandbox.companies.get('1')!.orders.size;
const addOrder = () => crm(sandbox, addOrderDocument, { input: sampleOrderInput() });

describe('faults after the work', () => {
  it('truncated_after creates the order but cuts the answer', async () => {
    const before = orderCount();
    sandbox.faults.set('truncated_after', 1);
    const answer = await addOrder();
    expect(answer.status).toBe(200);
    expect(answer.body).toBeNull();
    expect(() => JSON.parse(answer.text)).toThrow();
    expect(answer.text.startsWith('{"data":')).toBe(true);
    expect(orderCount()).toBe(before + 1);
  });

  it('reset_after creates the order, then drops the connection', async () => {
    const before = orderCount();
    sandbox.faults.set('reset_after', 1);
    await expect(addOrder()).rejects.toThrow();
    expect(orderCount()).toBe(before + 1);
  });

  it('timeout_after creates the order, holds the answer for holdMs, then drops the connection', async () => {
    const before = orderCount();
    sandbox.faults.set('timeout_after', 1, 200);
    const started = Date.now();
    await expect(addOrder()).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(orderCount()).toBe(before + 1);
  });

  it('applies to CPA lead/add too: the lead exists, its 201 is cut', async () => {
    const before = orderCount();
    sandbox.faults.set('truncated_after', 1);
    const answer = await cpa(sandbox, '/lead/add', { offerId: '10', data: { phone_1: '+79123456789' } });
    expect(answer.status).toBe(201);
    expect(answer.body).toBeNull();
    expect(orderCount()).toBe(before + 1);
  });
});

describe('faults before the work', () => {
  it.each(['http500', 'reject', 'truncated', 'nonjson'] as const)('%s creates no order', async (mode) => {
    const before = orderCount();
    sandbox.faults.set(mode, 1);
    const answer = await addOrder();
    if (mode === 'reject') {
      expect(answer.status).toBe(200);
      expect(answer.body.errors[0].extensions).toEqual({ code: 'ERR_ORDER_VALIDATION_FAILED' });
    }
    expect(orderCount()).toBe(before);
    expect((await addOrder()).body.data.orderMutation.addOrder.id).toBeTruthy();
  });

  it('a fault set through the control route counts down like one set in process', async () => {
    await post(sandbox, '/__sandbox/faults', { mode: 'http503', count: 2 }, {}, 'PUT');
    expect((await addOrder()).status).toBe(503);
    expect((await addOrder()).status).toBe(503);
    expect((await addOrder()).status).toBe(200);
  });
});

describe('fault counts', () => {
  it('introspection does not consume a fault meant for the create that follows', async () => {
    const before = orderCount();
    sandbox.faults.set('http500', 1);
    const schema = await crm(sandbox, 'query { __schema { types { name } } }', undefined, { token: null });
    expect(schema.status).toBe(200);
    expect((await addOrder()).status).toBe(500);
    expect(orderCount()).toBe(before);
    expect((await addOrder()).status).toBe(200);
  });

  it('a request refused for its token does not consume a fault either', async () => {
    sandbox.faults.set('http500', 1);
    expect(
      (await crm(sandbox, addOrderDocument, { input: sampleOrderInput() }, { token: 'wrong' })).status,
    ).toBe(403);
    expect((await addOrder()).status).toBe(500);
  });
});
