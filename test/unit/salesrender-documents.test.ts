import { getVariableValues, Kind, type OperationDefinitionNode, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { sandboxSchema } from '../../sandbox/graphql-endpoint.js';
import { allDocuments, ordersByIdDocument } from '../../src/salesrender/documents.js';
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
  subs: { sub1: 'a', sub5: 'e' },
  utm: { utm_source: 'fb' },
};

describe('the GraphQL documents LeadBridge sends', () => {
  it.each(Object.entries(allDocuments()))(
    '%s is valid against the SalesRender schema fragment',
    (_name, document) => {
      expect(validate(sandboxSchema, parse(document)).map((error) => error.message)).toEqual([]);
    },
  );

  it('escapes order ids inlined into ordersFetcher', () => {
    const document = ordersByIdDocument(['1"} evil', '2']);
    expect(validate(sandboxSchema, parse(document))).toEqual([]);
  });

  it('builds an AddOrderInput that the schema accepts as the $input variable', () => {
    const input = buildAddOrderInput(lead, {
      projectId: '1',
      statusId: '1',
      offerId: '10',
      webmasterId: '77',
      cart: [{ item_id: '5', variation: 1, quantity: 2, price: 1990 }],
      fields: { ...defaultCrmFields, user_agent: 'user_agent', country: 'country' },
    });
    const operation = parse(allDocuments().addOrder!).definitions[0] as OperationDefinitionNode;
    expect(operation.kind).toBe(Kind.OPERATION_DEFINITION);
    const coerced = getVariableValues(sandboxSchema, operation.variableDefinitions ?? [], { input });
    expect(coerced.errors ?? []).toEqual([]);
    expect(input).toMatchObject({
      statusId: '1',
      projectId: '1',
      offerId: '10',
      webmasterId: '77',
      orderData: {
        phoneFields: [{ field: 'phone', value: '+79123456789' }],
        humanNameFields: [{ field: 'name', value: { firstName: 'Ivan', lastName: 'Petrov' } }],
        stringFields: [
          { field: 'comment', value: 'call after 6pm' },
          { field: 'country', value: 'RU' },
          { field: 'user_agent', value: 'Mozilla/5.0' },
        ],
      },
      source: { utm_source: 'fb', subid_1: 'click-1', subid_2: 'a', subid_6: 'e', ip: '203.0.113.7' },
      cart: { items: [{ itemId: '5', variation: 1, quantity: 2, price: 1990 }] },
    });
  });
});
