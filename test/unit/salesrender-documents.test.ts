// Every GraphQL document LeadBridge sends, and every input it builds, fits the sandbox's schemas: the
// default one and each variant the fact sheet allows, as LeadBridge fits them to the live schema.
import { type GraphQLSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type SchemaVariant, sandboxSchemaFor, schemaVariantNames } from '../../sandbox/schema-variants.js';
import { allDocuments, orderCreationsDocument, ordersByIdDocument } from '../../src/salesrender/documents.js';
import { coercionProblems, fitAddOrderInput, fitUpdateOrderInput } from '../../src/salesrender/fit-input.js';
import { logCreationAction, mutationInputType } from '../../src/salesrender/live-schema.js';
import {
  buildAddOrderInput,
  defaultCrmFields,
  type LeadForOrder,
} from '../../src/salesrender/order-input.js';

const lead: LeadForOrder = {
  id: 'lead_1',
  phone: '+79123456789',
  name: 'Ivan Petrov',
  country: 'RU',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0',
  clickId: 'click-1',
  comment: 'call after 6pm',
  subs: { sub1: 'a', sub2: 'b', sub3: 'c', sub4: 'd', sub5: 'e' },
  utm: { utm_source: 'fb' },
};
const built = buildAddOrderInput(lead, {
  projectId: '1',
  statusId: '1',
  offerId: '10',
  webmasterId: '77',
  cart: [{ item_id: '5', variation: 1, quantity: 2, price: 1990 }],
  fields: {
    ...defaultCrmFields,
    user_agent: 'user_agent',
    country: 'country',
    address: 'address',
    lead_id: 'source.subid_10',
  },
});

const schemas: [string, GraphQLSchema][] = [
  ['default', sandboxSchemaFor([])],
  ...schemaVariantNames.map((variant): [string, GraphQLSchema] => [
    variant,
    sandboxSchemaFor([variant as SchemaVariant]),
  ]),
];

const errorsOf = (schema: GraphQLSchema, document: string) =>
  validate(schema, parse(document)).map((error) => error.message);

describe.each(schemas)('against the %s schema', (_name, schema) => {
  it.each(Object.entries(allDocuments()))('the %s document is valid', (_document, document) => {
    expect(errorsOf(schema, document)).toEqual([]);
  });

  it('the order re-read selects only what LeadBridge reads', () => {
    const document = ordersByIdDocument(['1'], { withComment: true });
    expect(document).toContain(
      'orders { id status { id name group } statusChangedAt data { stringFields { field { name } value } } }',
    );
    expect(errorsOf(schema, ordersByIdDocument(['1'], { withComment: false }))).toEqual([]);
  });

  it('the fitted AddOrderInput and UpdateOrderInput coerce against the live input types', () => {
    const added = fitAddOrderInput(schema, built);
    expect(added.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    const addType = mutationInputType(schema, 'orderMutation', 'addOrder');
    expect(addType).not.toBeNull();
    expect(coercionProblems(added.input, addType!, 'AddOrderInput')).toEqual([]);
    const updated = fitUpdateOrderInput(schema, {
      id: '1',
      statusId: '3',
      orderData: { stringFields: [{ field: 'comment', value: 'ok' }] },
    });
    expect(updated.problems).toEqual([]);
  });

  it('the change-log lookup fits wherever the schema can return creations', () => {
    const action = logCreationAction(schema);
    if (!action) return;
    for (const referenceTarget of ['source.subid_10', 'lead_ref']) {
      const document = orderCreationsDocument({
        creationAction: action,
        referenceTarget,
        from: new Date(0),
        to: new Date(),
      });
      expect(errorsOf(schema, document)).toEqual([]);
    }
  });
});

describe('fitting to the variants', () => {
  it('places attribution in the nested lead object when the input has no top-level keys', () => {
    const fitted = fitAddOrderInput(sandboxSchemaFor(['nested-lead']), built);
    expect(fitted.input).toMatchObject({ lead: { webmasterId: '77', offerId: '10' } });
    expect(fitted.input).not.toHaveProperty('webmasterId');
    expect(fitted.leftOut).toEqual([]);
  });

  it('leaves out and names the source keys the live SourceInput lacks', () => {
    const fitted = fitAddOrderInput(sandboxSchemaFor(['no-subid-3-10']), built);
    expect(fitted.leftOut.sort()).toEqual(
      ['source.subid_3', 'source.subid_4', 'source.subid_5', 'source.subid_6', 'source.subid_10'].sort(),
    );
    expect(fitted.input.source).toEqual({
      utm_source: 'fb',
      subid_1: 'click-1',
      subid_2: 'a',
      ip: '203.0.113.7',
    });
  });

  it('sends the address country under the key the live input has', () => {
    const fitted = fitAddOrderInput(sandboxSchemaFor(['address-country']), built);
    expect((fitted.input.orderData as Record<string, unknown>).addressFields).toEqual([
      { field: 'address', value: { country: 'RU' } },
    ]);
  });

  it('finds no creation action without logs, or with logs that cannot return creations', () => {
    expect(logCreationAction(sandboxSchemaFor([]))).toBe('CREATE');
    expect(logCreationAction(sandboxSchemaFor(['no-logs']))).toBeNull();
    expect(logCreationAction(sandboxSchemaFor(['logs-without-create']))).toBeNull();
  });

  it('sends the input as built when no schema is known (the fact sheet shapes)', () => {
    expect(fitAddOrderInput(null, built)).toEqual({ input: built, leftOut: [], problems: [] });
  });

  it('escapes order ids inlined into ordersFetcher', () => {
    expect(errorsOf(sandboxSchemaFor([]), ordersByIdDocument(['1"} evil', '2']))).toEqual([]);
  });
});
