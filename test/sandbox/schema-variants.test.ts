// Schema variants: the sandbox serves the other answer wherever salesrender-api.md says [assumed].
import {
  type GraphQLInputObjectType,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Sandbox,
  sandboxSchema,
  sandboxSchemaFor,
  schemaVariantNames,
  startSandbox,
} from '../../sandbox/server.js';
import { addOrderDocument, createOrder, crm, post, readOrder, sampleOrderInput } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const inputFieldsOf = (variants: string[], type: string) =>
  Object.keys((sandboxSchemaFor(variants).getType(type) as GraphQLInputObjectType).getFields());

function coerce(variants: string[], input: Record<string, unknown>) {
  const operation = parse(addOrderDocument).definitions[0] as OperationDefinitionNode;
  expect(operation.kind).toBe(Kind.OPERATION_DEFINITION);
  return (
    getVariableValues(sandboxSchemaFor(variants), operation.variableDefinitions ?? [], { input }).errors ?? []
  );
}

describe('sandboxSchemaFor', () => {
  it('lists the variants and serves the default schema for none', () => {
    expect(schemaVariantNames).toEqual([
      'nested-lead',
      'no-subid-3-10',
      'address-country',
      'no-logs',
      'logs-without-create',
    ]);
    expect(sandboxSchemaFor([])).toBe(sandboxSchema);
    expect(() => sandboxSchemaFor(['nested-leads'])).toThrow('unknown schema variant "nested-leads"');
  });

  it('under nested-lead, top-level webmasterId fails variable coercion and lead {webmasterId, offerId} passes', () => {
    const errors = coerce(['nested-lead'], sampleOrderInput({ webmasterId: '77', offerId: '10' }));
    expect(errors.map((error) => error.message).join()).toContain(
      'Field "webmasterId" is not defined by type "AddOrderInput"',
    );
    expect(coerce(['nested-lead'], sampleOrderInput({ lead: { webmasterId: '77', offerId: '10' } }))).toEqual(
      [],
    );
    expect(inputFieldsOf(['nested-lead'], 'OrderLeadInput')).toEqual([
      'webmasterId',
      'offerId',
      'externalId',
    ]);
  });

  it('under no-subid-3-10, SourceInput has subid_1 and subid_2 only', () => {
    expect(
      inputFieldsOf(['no-subid-3-10'], 'SourceInput').filter((name) => name.startsWith('subid')),
    ).toEqual(['subid_1', 'subid_2']);
    // The read side keeps subid_1..10 [official].
    const read = parse('query { ordersFetcher { orders { source { subid_10 } } } }');
    expect(validate(sandboxSchemaFor(['no-subid-3-10']), read)).toEqual([]);
  });

  it('under address-country, the address input says country instead of countryCode', () => {
    expect(inputFieldsOf([], 'AddressInput')).toContain('countryCode');
    expect(inputFieldsOf(['address-country'], 'AddressInput')).toContain('country');
    expect(inputFieldsOf(['address-country'], 'AddressInput')).not.toContain('countryCode');
  });

  it('under no-logs, a logsFetcher document does not validate', () => {
    const document = parse('query { logsFetcher { log { id } } }');
    expect(validate(sandboxSchema, document)).toEqual([]);
    expect(validate(sandboxSchemaFor(['no-logs']), document)[0]?.message).toContain(
      'Cannot query field "logsFetcher"',
    );
    expect(sandboxSchemaFor(['no-logs']).getType('LogAction')).toBeUndefined();
  });

  it('variants combine', () => {
    const schema = sandboxSchemaFor(['address-country', 'nested-lead', 'no-logs']);
    expect(Object.keys((schema.getType('AddOrderInput') as GraphQLInputObjectType).getFields())).toContain(
      'lead',
    );
    expect(schema.getQueryType()?.getFields().logsFetcher).toBeUndefined();
  });
});

describe('a company serving a variant', () => {
  it('executes nested-lead: the order gets its lead from input.lead', async () => {
    const nested = await startSandbox({ schemaVariants: ['nested-lead'] });
    try {
      const id = await createOrder(nested, {
        lead: { webmasterId: '77', offerId: '10', externalId: 'lead_9' },
      });
      expect((await readOrder(nested, id)).lead).toMatchObject({
        webmaster: { id: '77' },
        externalId: 'lead_9',
      });
      const topLevel = await crm(nested, addOrderDocument, {
        input: sampleOrderInput({ webmasterId: '77' }),
      });
      expect(topLevel.body.errors[0].message).toContain(
        'Field "webmasterId" is not defined by type "AddOrderInput"',
      );
    } finally {
      await nested.close();
    }
  });

  it('switches at run time through PUT /__sandbox/companies/:id/schema, and back', async () => {
    const address = { addressFields: [{ field: 'address', value: { city: 'Kazan', country: 'RU' } }] };
    const put = (variants: string[] | null) =>
      post(sandbox, '/__sandbox/companies/1/schema', { variants }, {}, 'PUT');
    expect((await put(['address-country'])).body).toEqual({ variants: ['address-country'] });
    const id = await createOrder(sandbox, { orderData: address });
    expect((await readOrder(sandbox, id)).data.addressFields[0].value.country).toBe('RU');
    expect((await put(null)).body).toEqual({ variants: [] });
    const refused = await crm(sandbox, addOrderDocument, { input: sampleOrderInput({ orderData: address }) });
    expect(refused.body.errors[0].message).toContain('Field "country" is not defined by type "AddressInput"');
    expect((await put(['no-such-variant'])).status).toBe(400);
  });

  it("introspection at /companies/:id/CRM returns the company's current variant schema", async () => {
    const introspect = async () =>
      (
        await crm(sandbox, '{ __type(name: "SourceInput") { inputFields { name } } }', undefined, {
          token: null,
        })
      ).body.data.__type.inputFields.map((field: { name: string }) => field.name);
    expect(await introspect()).toContain('subid_10');
    sandbox.setSchemaVariants('1', ['no-subid-3-10']);
    expect(await introspect()).not.toContain('subid_10');
    sandbox.setSchemaVariants('1', null);
    expect(await introspect()).toContain('subid_10');
  });

  it('under logs-without-create, creations are not logged and CREATE is not an action', async () => {
    sandbox.setSchemaVariants('1', ['logs-without-create']);
    try {
      const gte = new Date().toISOString();
      const id = await createOrder(sandbox);
      await crm(
        sandbox,
        'mutation ($id: ID!) { orderMutation { updateOrder(input: {id: $id, statusId: "2"}) { id } } }',
        { id },
      );
      const answer = await crm(
        sandbox,
        'query ($gte: DateTime) { logsFetcher(filters: {include: {createdAt: {gte: $gte}}}) { log { action new { ... on Order { id } } } } }',
        { gte },
      );
      expect(answer.body.data.logsFetcher.log).toEqual([{ action: 'UPDATE', new: { id } }]);
      const create = await crm(
        sandbox,
        'query { logsFetcher(filters: {include: {action: CREATE}}) { log { id } } }',
      );
      expect(create.body.errors[0].message).toContain('Value "CREATE" does not exist in "LogAction" enum');
    } finally {
      sandbox.setSchemaVariants('1', null);
    }
  });
});
