// What the sandbox's CRM module answers for bad input, bad documents, refused moves and locked orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import {
  addOrderDocument,
  createOrder,
  crm,
  post,
  sampleOrderInput,
  updateOrderDocument,
} from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const addOrder = (input: Record<string, unknown>) => crm(sandbox, addOrderDocument, { input });
const updateOrder = (input: Record<string, unknown>, headers?: Record<string, string>) =>
  crm(sandbox, updateOrderDocument, { input }, { headers });

describe('malformed input is not ERR_ORDER_VALIDATION_FAILED', () => {
  it('a bad phone answers an error with no extensions, naming the input path and the value', async () => {
    const answer = await addOrder(
      sampleOrderInput({ orderData: { phoneFields: [{ field: 'phone', value: '12' }] } }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].message).toBe(
      'Variable "$input" got invalid value "12" at "input.orderData.phoneFields[0].value"; not a valid phone number',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });

  it('a bad phone on updateOrder is named the same way', async () => {
    const id = await createOrder(sandbox);
    const answer = await updateOrder({
      id,
      orderData: { phoneFields: [{ field: 'phone', value: 'call me' }] },
    });
    expect(answer.body.errors[0].message).toBe(
      'Variable "$input" got invalid value "call me" at "input.orderData.phoneFields[0].value"; not a valid phone number',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });

  it('an unknown order field name answers an error with no code, naming the field', async () => {
    const answer = await addOrder(
      sampleOrderInput({ orderData: { stringFields: [{ field: 'clickid', value: 'x' }] } }),
    );
    expect(answer.body.errors[0].message).toBe(
      'Order field "clickid" not found (at "input.orderData.stringFields[0].field")',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });

  it('a field in the wrong group answers an error with no code, naming the field and its group', async () => {
    const answer = await addOrder(
      sampleOrderInput({ orderData: { stringFields: [{ field: 'phone', value: '+79123456789' }] } }),
    );
    expect(answer.body.errors[0].message).toBe(
      'Order field "phone" is a PhoneOrderField: its values go in phoneFields, not stringFields (at "input.orderData.stringFields[0].field")',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });

  it('an unknown project answers an error with no code, naming the project', async () => {
    const answer = await addOrder(sampleOrderInput({ projectId: '99' }));
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ message: 'Project "99" not found', path: ['orderMutation', 'addOrder'] }),
    ]);
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });
});

describe('documents and variables that do not fit the schema', () => {
  it('a validation error carries graphql-js wording and no extensions.code', async () => {
    const answer = await crm(sandbox, 'query { ordersFetcher { orders { idd } } }');
    expect(answer.status).toBe(200);
    expect(answer.body.errors[0].message).toBe(
      'Cannot query field "idd" on type "Order". Did you mean "id"?',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });

  it('an input key the schema lacks fails variable coercion, with no extensions.code', async () => {
    const answer = await addOrder(sampleOrderInput({ comment: 'not an AddOrderInput key' }));
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors[0].message).toContain(
      'Field "comment" is not defined by type "AddOrderInput".',
    );
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });

  it('with validationErrorCode set, both carry that code', async () => {
    const coded = await startSandbox({ validationErrorCode: 'GRAPHQL_VALIDATION_FAILED' });
    try {
      const invalid = await crm(coded, 'query { ordersFetcher { orders { idd } } }');
      const uncoercible = await crm(coded, addOrderDocument, { input: sampleOrderInput({ bogus: 1 }) });
      const syntax = await crm(coded, 'query { ordersFetcher { ');
      for (const answer of [invalid, uncoercible, syntax])
        expect(answer.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
      coded.validationErrorCode = null;
      expect((await crm(coded, 'query { nope }')).body.errors[0].extensions).toBeUndefined();
    } finally {
      await coded.close();
    }
  });
});

describe('codes SalesRender is known to answer', () => {
  it.each([
    ['99', 'ERR_ORDER_STATUS_NOT_FOUND'],
    ['8', 'ERR_ORDER_STATUS_ARCHIVED'],
  ])('creating into status %s answers %s', async (statusId, code) => {
    const answer = await addOrder(sampleOrderInput({ statusId }));
    expect(answer.body.errors[0].extensions).toEqual({ code });
  });

  it('updating an unknown order answers ERR_ORDER_NOT_FOUND', async () => {
    const answer = await updateOrder({ id: '1', statusId: '3' });
    expect(answer.body.errors[0].extensions).toEqual({ code: 'ERR_ORDER_NOT_FOUND' });
  });

  it('ERR_ORDER_VALIDATION_FAILED comes only from a validator configured on the transition', async () => {
    const company = sandbox.companies.get('1')!;
    company.config.statuses.find((status) => status.id === '7')!.requireFields = ['address'];
    const id = await createOrder(sandbox);
    const refused = await updateOrder({ id, statusId: '7' });
    expect(refused.body.errors[0]).toMatchObject({ extensions: { code: 'ERR_ORDER_VALIDATION_FAILED' } });
    expect(refused.body.errors[0].message).toContain('"address"');
    expect(company.orders.get(id)!.statusId).toBe('1');
    // The same update may fill the field and move the order.
    const moved = await updateOrder({
      id,
      statusId: '7',
      orderData: { addressFields: [{ field: 'address', value: { city: 'Kazan', countryCode: 'RU' } }] },
    });
    expect(moved.body.data.orderMutation.updateOrder.status.id).toBe('7');
  });
});

describe('order locks', () => {
  it('a locked order answers ERR_ORDER_LOCKED until the lock times out', async () => {
    const id = await createOrder(sandbox);
    sandbox.lockOrder('1', id, 300);
    const locked = await updateOrder({ id, statusId: '3' });
    expect(locked.status).toBe(200);
    expect(locked.body.errors[0]).toMatchObject({ extensions: { code: 'ERR_ORDER_LOCKED' } });
    expect(typeof locked.body.errors[0].message).toBe('string');
    await new Promise((resolve) => setTimeout(resolve, 350));
    const after = await updateOrder({ id, statusId: '3' });
    expect(after.body.data.orderMutation.updateOrder.status.id).toBe('3');
  });

  it('the control route locks an order for timeoutMs', async () => {
    const id = await createOrder(sandbox);
    const lock = await post(
      sandbox,
      `/__sandbox/companies/1/orders/${id}/lock`,
      { timeoutMs: 60_000 },
      {},
      'PUT',
    );
    expect(lock.status).toBe(200);
    expect((await updateOrder({ id, statusId: '3' })).body.errors[0].extensions.code).toBe(
      'ERR_ORDER_LOCKED',
    );
    await post(sandbox, `/__sandbox/companies/1/orders/${id}/lock`, undefined, {}, 'DELETE');
    expect((await updateOrder({ id, statusId: '3' })).body.errors).toBeUndefined();
  });

  it('lockMutation.lockEntity answers a lock id whose holder may update via X-LOCK-ID', async () => {
    const id = await createOrder(sandbox);
    const locked = await crm(
      sandbox,
      'mutation ($id: ID!) { lockMutation { lockEntity(input: {entity: {entity: Order, id: $id}, timeout: 60}) } }',
      { id },
    );
    const lockId = locked.body.data.lockMutation.lockEntity;
    expect((await updateOrder({ id, statusId: '2' })).body.errors[0].extensions.code).toBe(
      'ERR_ORDER_LOCKED',
    );
    expect((await updateOrder({ id, statusId: '2' }, { 'x-lock-id': lockId })).body.errors).toBeUndefined();
    const unlocked = await crm(
      sandbox,
      'mutation ($id: ID!) { lockMutation { unlockEntity(input: {entity: {entity: Order, id: $id}}) } }',
      { id },
      { headers: { 'x-lock-id': lockId } },
    );
    expect(unlocked.body.data.lockMutation.unlockEntity).toBe(true);
    expect((await updateOrder({ id, statusId: '3' })).body.errors).toBeUndefined();
  });

  it('the call centre is not held back by a lock (the operator holds it)', async () => {
    const id = await createOrder(sandbox);
    sandbox.lockOrder('1', id, 60_000);
    sandbox.changeStatus('1', id, '4', 'No answer');
    expect(sandbox.companies.get('1')!.orders.get(id)!.statusId).toBe('4');
  });
});
