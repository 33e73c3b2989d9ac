// A company's order fields change in SalesRender's settings while LeadBridge runs: the sandbox can do that too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { addOrderDocument, crm, post, sampleOrderInput } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const fieldNames = async () =>
  (await crm(sandbox, 'query { fields { orderFieldsFetcher { fields { name __typename } } } }')).body.data
    .fields.orderFieldsFetcher.fields;

describe('order fields at run time', () => {
  it('a renamed field refuses orders sent to its old name, naming it', async () => {
    const fields = sandbox.companies
      .get('1')!
      .config.fields.map((field) => (field.name === 'comment' ? { ...field, name: 'operator_note' } : field));
    const put = await post(sandbox, '/__sandbox/companies/1/fields', fields, {}, 'PUT');
    expect(put.status).toBe(200);
    expect(await fieldNames()).toContainEqual({ name: 'operator_note', __typename: 'StringOrderField' });
    const answer = await crm(sandbox, addOrderDocument, { input: sampleOrderInput() });
    expect(answer.body.errors[0].message).toBe(
      'Order field "comment" not found (at "input.orderData.stringFields[0].field")',
    );
  });

  it('setOrderFields replaces the list in process, and refuses an unknown field type', async () => {
    sandbox.setOrderFields('1', [
      { name: 'phone', label: 'Phone', type: 'PhoneOrderField' },
      { name: 'name', label: 'Name', type: 'HumanNameOrderField' },
      { name: 'comment', label: 'Comment', type: 'StringOrderField' },
    ]);
    expect((await fieldNames()).map((field: { name: string }) => field.name)).toEqual([
      'phone',
      'name',
      'comment',
    ]);
    expect((await crm(sandbox, addOrderDocument, { input: sampleOrderInput() })).body.errors).toBeUndefined();
    const bad = await post(
      sandbox,
      '/__sandbox/companies/1/fields',
      { fields: [{ name: 'x', type: 'Nope' }] },
      {},
      'PUT',
    );
    expect(bad.status).toBe(400);
  });
});
