// The sandbox's CRM read side follows salesrender-api.md (Reading): order shape, money units, pages, schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { createOrder, crm, readOrder } from './support.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe('ordersFetcher', () => {
  it('reads an order with every field the sheet lists', async () => {
    const id = await createOrder(sandbox, {
      webmasterId: '77',
      offerId: '10',
      orderData: {
        phoneFields: [{ field: 'phone', value: '+79123456789' }],
        emailFields: [{ field: 'email', value: 'ivan@example.com' }],
        addressFields: [
          { field: 'address', value: { city: 'Kazan', address_1: 'Lenina 1', countryCode: 'RU' } },
        ],
      },
      source: {
        ip: '198.51.100.1',
        uri: 'https://land.example/x',
        utm_source: 'fb',
        subid_3: 's3',
        subid_10: 's10',
      },
    });
    const order = await readOrder(sandbox, id);
    expect(order).toMatchObject({
      id,
      status: { id: '1', name: 'New', group: 'PROCESSING' },
      project: { id: '1' },
      data: {
        phoneFields: [{ field: { name: 'phone' }, value: { raw: '+79123456789', country: 'RU' } }],
        emailFields: [{ field: { name: 'email' }, value: { raw: 'ivan@example.com', duplicates: 0 } }],
        addressFields: [
          { field: { name: 'address' }, value: { city: 'Kazan', address_1: 'Lenina 1', country: 'RU' } },
        ],
      },
      source: {
        uri: 'https://land.example/x',
        utm_source: 'fb',
        subid_3: 's3',
        subid_10: 's10',
        ip: { ip: { address: '198.51.100.1', country: null, city: null, timezone: null }, duplicates: 0 },
      },
      lead: {
        webmaster: { id: '77' },
        offer: { id: '10' },
        rewardMethod: 'ORDER',
        status: 'PROCESSING',
        finished: false,
      },
    });
    expect(order.statusChangedAt).toBe(order.createdAt);
  });

  it('answers lead as null for an order without lead data', async () => {
    const id = await createOrder(sandbox);
    expect((await readOrder(sandbox, id)).lead).toBeNull();
  });

  it('keeps cart.total, items.price and lead.reward.amount in minor units and pricing in major units', async () => {
    const id = await createOrder(sandbox, {
      webmasterId: '77',
      offerId: '10',
      cart: {
        items: [
          { itemId: '501', variation: 2, quantity: 2, price: 1990 },
          { itemId: '501', variation: 1, quantity: 1 },
        ],
      },
    });
    const order = await readOrder(sandbox, id);
    expect(order.lead.reward).toEqual({ amount: 1500, currency: 'USD' });
    expect(order.cart.total).toBe(2 * 1990 + 4900);
    expect(order.cart.items[0]).toMatchObject({
      quantity: 2,
      price: 1990,
      total: 3980,
      pricing: { unitPrice: 19.9, totalPrice: 39.8 },
      sku: { item: { id: '501', name: 'Sandbox cream' }, variation: { number: 2 } },
    });
    // No price on input: the item's own price.
    expect(order.cart.items[1]).toMatchObject({ price: 4900, pricing: { unitPrice: 49 } });
  });

  it('counts other orders with the same IP and email as duplicates', async () => {
    const input = {
      orderData: {
        phoneFields: [{ field: 'phone', value: '+79120000001' }],
        emailFields: [{ field: 'email', value: 'twice@example.com' }],
      },
      source: { ip: '192.0.2.200' },
    };
    await createOrder(sandbox, input);
    const second = await readOrder(sandbox, await createOrder(sandbox, input));
    expect(second.source.ip.duplicates).toBe(1);
    expect(second.data.emailFields[0].value.duplicates).toBe(1);
  });

  it('selecting source.ip without a sub-selection fails the whole query', async () => {
    const answer = await crm(sandbox, 'query { ordersFetcher { orders { id source { ip subid_1 } } } }');
    expect(answer.status).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors[0].message).toContain(
      'Field "ip" of type "SourceIp" must have a selection of subfields',
    );
  });

  it.each([
    ['lead.webmasterId', 'lead { webmasterId }'],
    ['lead.offerId', 'lead { offerId }'],
    ['the pre-2023 per-status dates', 'approvedAt'],
    ['the read-side address countryCode', 'data { addressFields { value { countryCode } } }'],
    ['the old root company {} wrapper', 'company { id }'],
  ])('refuses %s, which the live schema no longer has', async (_what, selection) => {
    const query = selection.startsWith('company')
      ? `query { ${selection} }`
      : `query { ordersFetcher { orders { id ${selection} } } }`;
    const answer = await crm(sandbox, query);
    expect(answer.body.errors?.length).toBeGreaterThan(0);
  });

  it('pages 1-based with pageInfo {itemsCount pagesCount pageSize pageNumber}; pagination is optional', async () => {
    const ids = [await createOrder(sandbox), await createOrder(sandbox), await createOrder(sandbox)];
    const page = async (pagination: string) =>
      (
        await crm(
          sandbox,
          `query ($ids: [ID!]) { ordersFetcher(${pagination} filters: {include: {ids: $ids}}, sort: {field: "id", direction: DESC}) {
            orders { id } pageInfo { itemsCount pagesCount pageSize pageNumber } } }`,
          { ids },
        )
      ).body.data.ordersFetcher;
    const second = await page('pagination: {pageNumber: 2, pageSize: 2},');
    expect(second.orders.map((order: { id: string }) => order.id)).toEqual([ids[0]]);
    expect(second.pageInfo).toEqual({ itemsCount: 3, pagesCount: 2, pageSize: 2, pageNumber: 2 });
    const all = await page('');
    expect(all.orders.map((order: { id: string }) => order.id)).toEqual([...ids].reverse());
    expect(all.pageInfo).toMatchObject({ itemsCount: 3, pageNumber: 1 });
  });

  it('uses the official argument type names Pagination, OrderSearchFilter and OrderSort', async () => {
    const answer = await crm(
      sandbox,
      `query ($p: Pagination, $f: OrderSearchFilter, $s: OrderSort) {
        ordersFetcher(pagination: $p, filters: $f, sort: $s) { pageInfo { itemsCount } } }`,
      {
        p: { pageNumber: 1, pageSize: 100 },
        f: { include: { ids: ['1'] } },
        s: { field: 'id', direction: 'ASC' },
      },
    );
    expect(answer.body).toEqual({ data: { ordersFetcher: { pageInfo: { itemsCount: 0 } } } });
  });
});

describe('statuses, order fields and the schema', () => {
  it('lists active statuses with statusesFetcher(filters: {include: {archived: false}})', async () => {
    const answer = await crm(
      sandbox,
      'query { statusesFetcher(filters: {include: {archived: false}}) { statuses { id name group archived } } }',
    );
    const statuses = answer.body.data.statusesFetcher.statuses;
    expect(statuses.map((status: { id: string }) => status.id)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('lists order fields under fields { orderFieldsFetcher } with their type names', async () => {
    const answer = await crm(
      sandbox,
      'query { fields { orderFieldsFetcher { fields { name label __typename } } } }',
    );
    expect(answer.body.data.fields.orderFieldsFetcher.fields).toContainEqual({
      name: 'phone',
      label: 'Phone',
      __typename: 'PhoneOrderField',
    });
  });

  it('serves introspection without a token, and nothing else', async () => {
    const schema = await crm(sandbox, 'query { __schema { queryType { name } } }', undefined, {
      token: null,
    });
    expect(schema.body.data.__schema.queryType.name).toBe('Query');
    expect(
      (
        await crm(sandbox, 'query { fields { orderFieldsFetcher { fields { name } } } }', undefined, {
          token: null,
        })
      ).status,
    ).toBe(401);
    expect((await crm(sandbox, 'query { __typename }', undefined, { token: 'not-a-token' })).status).toBe(
      200,
    );
    expect(
      (await crm(sandbox, 'query { fields { __typename } }', undefined, { token: 'not-a-token' })).status,
    ).toBe(403);
  });
});
