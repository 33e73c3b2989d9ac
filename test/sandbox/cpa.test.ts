// The sandbox's CPA module: REST lead/add [official] and the GraphQL addLead landing pages use [field].
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { cpa, readOrder } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const lead = (overrides: Record<string, unknown> = {}): Record<string, any> => ({
  offerId: '10',
  data: {
    phone_1: '+79123456789',
    humanName_1: { firstName: 'Ivan', lastName: 'Petrov' },
    comment: 'call after 6pm',
    string_1: 'click-1',
    string_9: 'no field is mapped to me',
  },
  source: { ip: '203.0.113.9', utm_source: 'fb', subid_1: 'a', subid_2: 'b', subid_3: 'not a CPA key' },
  externalId: 'lead_123',
  externalTag: 'leadbridge',
  timezoneOffset: 'UTC+03:00',
  ...overrides,
});

const addLeadDocument = 'mutation ($input: AddLeadInput!) { leadMutation { addLead(input: $input) { id } } }';

describe('POST /CPA/lead/add', () => {
  it('answers 201 with status, method and reward in major units', async () => {
    const answer = await cpa(sandbox, '/lead/add', lead());
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      id: expect.any(String),
      status: 'PROCESSING',
      method: 'ORDER',
      reward: { value: 15, currency: 'USD' },
    });
  });

  it("maps the fixed data keys to the company's own order fields and drops unmapped ones", async () => {
    const { body } = await cpa(sandbox, '/lead/add', lead());
    const order = await readOrder(sandbox, body.id);
    expect(order.data.phoneFields).toMatchObject([
      { field: { name: 'phone' }, value: { raw: '+79123456789' } },
    ]);
    expect(order.data.humanNameFields).toEqual([
      { field: { name: 'name' }, value: { firstName: 'Ivan', lastName: 'Petrov' } },
    ]);
    expect(order.data.stringFields).toHaveLength(2);
    expect(order.data.stringFields).toEqual(
      expect.arrayContaining([
        { field: { name: 'comment' }, value: 'call after 6pm' },
        { field: { name: 'click' }, value: 'click-1' },
      ]),
    );
    expect(order.source).toMatchObject({ utm_source: 'fb', subid_1: 'a', subid_2: 'b', subid_3: null });
    expect(order.source.ip.ip.address).toBe('203.0.113.9');
  });

  it('gives the order lead data: offer, webmaster of the token, our reference pair, reward', async () => {
    const { body } = await cpa(sandbox, '/lead/add', lead());
    const order = await readOrder(sandbox, body.id);
    expect(order.lead).toMatchObject({
      offer: { id: '10' },
      webmaster: { id: '77' },
      externalId: 'lead_123',
      externalTag: 'leadbridge',
      reward: { amount: 1500, currency: 'USD' },
      status: 'PROCESSING',
      rewardMethod: 'ORDER',
    });
  });

  it('books price {value, currency} (major units) as the cart, in minor units', async () => {
    const { body } = await cpa(sandbox, '/lead/add', lead({ price: { value: 49.9, currency: 'USD' } }));
    expect((await readOrder(sandbox, body.id)).cart.total).toBe(4990);
  });

  it("answers the offer's configured lead status and method", async () => {
    sandbox.companies.get('1')!.config.offers['11'] = {
      projectId: '1',
      statusId: '1',
      leadStatus: 'APPROVED',
      rewardMethod: 'BUYOUT',
      reward: { amount: 250, currency: 'EUR' },
    };
    const answer = await cpa(sandbox, '/lead/add', lead({ offerId: '11' }));
    expect(answer.body).toMatchObject({
      status: 'APPROVED',
      method: 'BUYOUT',
      reward: { value: 2.5, currency: 'EUR' },
    });
  });

  it.each([
    ['an unknown offer', { offerId: '999' }, 'Offer "999" not found'],
    ['a bad phone', { data: { phone_1: '12' } }, 'data.phone_1: not a valid phone number: "12"'],
    [
      'a price that is not {value, currency}',
      { price: 49.9 },
      'price: expected {value, currency} with value in major units',
    ],
  ])('refuses %s with a non-201 status and errors[0].message', async (_what, overrides, message) => {
    const answer = await cpa(sandbox, '/lead/add', lead(overrides));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].message).toBe(message);
  });

  it('needs a webmaster token: 401 without one, 403 for an unknown one', async () => {
    expect((await cpa(sandbox, '/lead/add', lead(), { token: null })).status).toBe(401);
    expect((await cpa(sandbox, '/lead/add', lead(), { token: 'eyJ.wrong.token' })).status).toBe(403);
  });
});

describe('GraphQL on /CPA', () => {
  it('creates a lead with leadMutation.addLead, mapped like lead/add', async () => {
    const input = lead();
    input.source = { ip: '203.0.113.9', utm_source: 'fb', subid_1: 'a', subid_2: 'b' };
    const answer = await cpa(sandbox, '', { query: addLeadDocument, variables: { input } });
    expect(answer.status).toBe(200);
    const id = answer.body.data.leadMutation.addLead.id;
    const order = await readOrder(sandbox, id);
    expect(order.data.stringFields).toContainEqual({ field: { name: 'click' }, value: 'click-1' });
    expect(order.lead).toMatchObject({
      offer: { id: '10' },
      webmaster: { id: '77' },
      externalId: 'lead_123',
    });
  });

  it('refuses CRM input keys the CPA schema lacks (subid_3) by variable coercion', async () => {
    const answer = await cpa(sandbox, '', { query: addLeadDocument, variables: { input: lead() } });
    expect(answer.body.errors[0].message).toContain(
      'Field "subid_3" is not defined by type "LeadSourceInput"',
    );
  });

  it('is introspectable without a token; anything else needs the webmaster token', async () => {
    const schema = await cpa(
      sandbox,
      '',
      { query: '{ __type(name: "AddLeadInput") { inputFields { name } } }' },
      { token: null },
    );
    expect(schema.body.data.__type.inputFields.map((field: { name: string }) => field.name)).toEqual([
      'offerId',
      'data',
      'source',
      'externalId',
      'externalTag',
      'timezoneOffset',
      'price',
    ]);
    expect(
      (await cpa(sandbox, '', { query: addLeadDocument, variables: { input: lead() } }, { token: null }))
        .status,
    ).toBe(401);
  });

  it('answers a refused lead as a GraphQL error without a code', async () => {
    const input = { offerId: '10', data: { phone_1: 'none' } };
    const answer = await cpa(sandbox, '', { query: addLeadDocument, variables: { input } });
    expect(answer.status).toBe(200);
    expect(answer.body.errors[0].message).toBe('data.phone_1: not a valid phone number: "none"');
    expect(answer.body.errors[0].extensions).toBeUndefined();
  });
});
