// A campaign's field map decides where each lead attribute lands in the SalesRender order; CPA campaigns use lead/add.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cpaToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const viewOrder = (orderId: string) => {
  const company = h.sandbox.companies.get('1')!;
  return company.view(company.orders.get(orderId)!) as any;
};

it('puts each value where non-default field names say, as read back from SalesRender', async () => {
  await h.createCampaign('custom-fields', {
    salesrender: {
      fields: {
        phone: 'contact_phone',
        click_id: 'click',
        sub1: 'source.utm_content',
        country: 'country',
        user_agent: 'user_agent',
        ip: 'source.ip',
      },
      cart: [{ item_id: '501', variation: 2, quantity: 1, price: 4900 }],
      offer_id: '10',
      webmaster_id: '77',
    },
  });
  const key = await h.createPartner(['custom-fields']);
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/custom-fields',
    headers: { 'x-api-key': key },
    body: {
      phone: '+48 512 345 678',
      name: 'Jan Kowalski',
      click_id: 'ck-77',
      sub1: 'adset-9',
      ip: '198.51.100.4',
      ua: 'Bot/1.0',
    },
  });
  expect(response.status).toBe(201);
  const order = viewOrder(response.body.order_id);
  expect(order.data.phoneFields).toEqual([
    {
      field: expect.objectContaining({ name: 'contact_phone' }),
      value: expect.objectContaining({ raw: '+48512345678', country: 'PL' }),
    },
  ]);
  const strings = Object.fromEntries(
    order.data.stringFields.map((entry: any) => [entry.field.name, entry.value]),
  );
  expect(strings).toEqual({ click: 'ck-77', country: 'PL', user_agent: 'Bot/1.0' });
  // The read side: source.ip is an object, cart items carry their sku, the lead its webmaster and offer.
  expect(order.source).toMatchObject({ utm_content: 'adset-9', ip: { ip: { address: '198.51.100.4' } } });
  expect(order.source.subid_1 ?? null).toBeNull();
  expect(order.cart.items).toEqual([
    expect.objectContaining({
      quantity: 1,
      price: 4900,
      sku: expect.objectContaining({
        item: expect.objectContaining({ id: '501' }),
        variation: expect.objectContaining({ number: 2 }),
      }),
    }),
  ]);
  expect(order.lead).toMatchObject({ offer: { id: '10' }, webmaster: { id: '77' } });
});

it('sends a CPA campaign lead to CPA lead/add with our lead id as externalId', async () => {
  await h.createCampaign('cpa-offer', {
    module: 'cpa',
    salesrender: { token: cpaToken, offer_id: '10', project_id: null, initial_status_id: null },
  });
  const key = await h.createPartner(['cpa-offer']);
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/cpa-offer',
    headers: { 'x-api-key': key },
    body: { phone: '8 912 111 22 33', name: 'Petr Sidorov', click_id: 'cpa-click', sub1: 's1', sub2: 's2' },
  });
  const call = h.sandbox.requests.at(-1)!;
  expect(response.status).toBe(201);
  expect(call.path).toBe('/companies/1/CPA/lead/add');
  expect(call.headers.authorization).toBe(cpaToken);
  expect(call.body).toMatchObject({
    offerId: '10',
    externalId: response.body.lead_id,
    data: {
      phone_1: '+79121112233',
      humanName_1: { firstName: 'Petr', lastName: 'Sidorov' },
      string_1: 's2',
    },
    source: { subid_1: 'cpa-click', subid_2: 's1' },
  });
  expect(viewOrder(response.body.order_id).lead.externalId).toBe(response.body.lead_id);
});

it('refuses field targets the module cannot take, naming them', async () => {
  const response = await h.admin('POST', '/admin/api/campaigns', {
    alias: 'bad-targets',
    name: 'Bad',
    module: 'cpa',
    salesrender: {
      base_url: h.sandbox.url,
      company_id: '1',
      token: cpaToken,
      offer_id: '10',
      fields: { sub1: 'source.subid_9', phone: 'mobile' },
    },
  });
  expect(response.status).toBe(422);
  expect(Object.keys(response.body.error.fields).sort()).toEqual([
    'salesrender.fields.phone',
    'salesrender.fields.sub1',
  ]);
});
