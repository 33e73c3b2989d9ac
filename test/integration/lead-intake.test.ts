// Lead intake over HTTP against the sandbox, on the test database (the embedded server, or PostgreSQL with TEST_DATABASE_URL).
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let key: string;
let otherKey: string;
let counter = 0;
/** A valid RU mobile number not used by another test in this file. */
const freshPhone = () => `+7912${String(10_000_000 + counter++).slice(1)}`;

beforeAll(async () => {
  h = await startHarness();
  await h.createCampaign('nutra');
  await h.createCampaign('other');
  key = await h.createPartner(['nutra']);
  otherKey = await h.createPartner(['other']);
});
afterAll(async () => {
  await h?.close();
});

const postLead = (
  body: Record<string, unknown>,
  options: { alias?: string; headers?: Record<string, string> } = {},
) =>
  h.request({
    method: 'POST',
    url: `/v1/leads/${options.alias ?? 'nutra'}`,
    body,
    headers: { 'x-api-key': key, ...options.headers },
  });

const sandboxOrder = (orderId: string) => {
  const company = h.sandbox.companies.get('1')!;
  return company.view(company.orders.get(orderId)!) as any;
};

const auditRows = (requestId: string) =>
  h.testDatabase.database.orm
    .select()
    .from(auditLog)
    .where(eq(auditLog.requestId, requestId))
    .orderBy(auditLog.id);

describe('a valid lead', () => {
  it('is created in SalesRender and answered 201 with the order id', async () => {
    const response = await postLead({
      name: ' Ivan   Petrov ',
      phone: '8 (912) 000-11-22',
      click_id: 'json-1',
      sub1: 'fb',
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      lead_id: expect.stringMatching(/^lead_/),
      order_id: expect.any(String),
      status: 'pending',
      duplicate: false,
    });
    const order = sandboxOrder(response.body.order_id);
    expect(order.data.phoneFields[0]).toMatchObject({
      field: { name: 'phone' },
      value: { raw: '+79120001122' },
    });
    expect(order.data.humanNameFields[0].value).toEqual({ firstName: 'Ivan', lastName: 'Petrov' });
    expect(order.source).toMatchObject({ subid_1: 'json-1', subid_2: 'fb' });
    expect(order.status.id).toBe('1');
  });

  it('is accepted as a form body with the key in the query string', async () => {
    const response = await h.request({
      method: 'POST',
      url: `/v1/leads/nutra?api_key=${key}`,
      form: { name: 'Olga', phone: '0501234567', country: 'UA', clickid: 'form-1' },
    });
    expect(response.status).toBe(201);
    const order = sandboxOrder(response.body.order_id);
    expect(order.data.phoneFields[0].value.raw).toBe('+380501234567');
    expect(order.source.subid_1).toBe('form-1');
  });

  it.each(['clickid', 'subid', 'cid', 'aff_click_id'])('takes the click id from %s', async (spelling) => {
    const response = await postLead({ phone: freshPhone(), [spelling]: `spelled-${spelling}` });
    expect(response.status).toBe(201);
    expect(sandboxOrder(response.body.order_id).source.subid_1).toBe(`spelled-${spelling}`);
  });

  it.each([
    ['sub_id_1..5', { sub_id_1: 'a', sub_id_2: 'b', sub_id_3: 'c', sub_id_4: 'd', sub_id_5: 'e' }],
    ['aff_sub..aff_sub5', { aff_sub: 'a', aff_sub2: 'b', aff_sub3: 'c', aff_sub4: 'd', aff_sub5: 'e' }],
    ['sub1..sub5', { sub1: 'a', sub2: 'b', sub3: 'c', sub4: 'd', sub5: 'e' }],
  ])('routes sub ids spelled %s to source.subid_2..6', async (_name, subs) => {
    const response = await postLead({ phone: freshPhone(), ...subs, utm_source: 'tiktok' });
    expect(response.status).toBe(201);
    expect(sandboxOrder(response.body.order_id).source).toMatchObject({
      subid_2: 'a',
      subid_3: 'b',
      subid_4: 'c',
      subid_5: 'd',
      subid_6: 'e',
      utm_source: 'tiktok',
    });
  });

  it('sends the token in the raw Authorization header with JSON content type, never in the URL', async () => {
    await postLead({ phone: freshPhone() });
    const call = h.sandbox.requests.at(-1)!;
    expect(call.path).toBe('/companies/1/CRM');
    expect(call.headers.authorization).toMatch(/^eyJ/);
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers.accept).toBe('application/json');
  });
});

describe('an order id SalesRender hands out twice', () => {
  it('is recorded for the new lead too (a company reset must not make accepted leads fail)', async () => {
    const first = await postLead({ phone: freshPhone() });
    (h.sandbox.companies.get('1') as any).nextOrderId = Number(first.body.order_id);
    const second = await postLead({ phone: freshPhone() });
    expect(second.status).toBe(201);
    expect(second.body.order_id).toBe(first.body.order_id);
  });
});

describe('refusals', () => {
  it('answers 422 with every invalid field, and audits the refusal', async () => {
    const response = await postLead({ name: 'x', phone: '12', country: 'Narnia' });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'LEAD_INVALID',
      fields: { phone: expect.any(String), country: expect.any(String) },
    });
    const rows = await auditRows(response.body.error.request_id);
    expect(rows.map((row) => row.event)).toEqual(['lead.received', 'lead.refused']);
    expect(rows[0]!.detail.body).toMatchObject({ phone: '12', country: 'Narnia' });
    expect(rows[1]!).toMatchObject({ outcome: 'LEAD_INVALID', httpStatus: 422 });
  });

  it('answers 401 without a key and with a wrong key', async () => {
    const missing = await h.request({
      method: 'POST',
      url: '/v1/leads/nutra',
      body: { phone: freshPhone() },
    });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('AUTH_KEY_MISSING');
    const wrong = await postLead({ phone: freshPhone() }, { headers: { 'x-api-key': 'lb_not-a-key' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('AUTH_KEY_INVALID');
    expect((await auditRows(wrong.body.error.request_id)).map((row) => row.event)).toEqual([
      'lead.received',
      'lead.refused',
    ]);
  });

  it("answers 403 when the key belongs to another campaign's partner", async () => {
    const response = await postLead({ phone: freshPhone() }, { headers: { 'x-api-key': otherKey } });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('AUTH_CAMPAIGN_FORBIDDEN');
    expect(await auditRows(response.body.error.request_id)).toHaveLength(2);
  });

  it('answers 404 for an unknown alias', async () => {
    const response = await postLead({ phone: freshPhone() }, { alias: 'no-such-campaign' });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('CAMPAIGN_NOT_FOUND');
    expect(await auditRows(response.body.error.request_id)).toHaveLength(2);
  });

  it('answers 400 for a body that is not JSON, and still audits the raw text', async () => {
    const response = await h.request({
      method: 'POST',
      url: '/v1/leads/nutra',
      body: '{"phone": "+7912',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('BODY_INVALID');
    const rows = await auditRows(response.body.error.request_id);
    expect(rows[0]!.detail.body).toBe('{"phone": "+7912');
  });
});

describe('duplicates', () => {
  it('answers a repeated click id with 200, the original order id and no second order', async () => {
    const first = await postLead({ phone: freshPhone(), click_id: 'dup-click' });
    const ordersBefore = h.sandbox.companies.get('1')!.orders.size;
    const again = await postLead({ phone: freshPhone(), click_id: 'dup-click' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect(h.sandbox.companies.get('1')!.orders.size).toBe(ordersBefore);
    // The repeat is on record and linked to the original lead; nothing new was accepted.
    const rows = await auditRows(String(again.headers['x-request-id']));
    expect(rows.map((row) => [row.event, row.leadId, row.httpStatus])).toEqual([
      ['lead.received', null, null],
      ['lead.duplicate', first.body.lead_id, 200],
    ]);
  });

  it('answers a repeated Idempotency-Key with the original lead', async () => {
    const headers = { 'idempotency-key': 'idem-1' };
    const first = await postLead({ phone: freshPhone() }, { headers });
    const again = await postLead({ phone: freshPhone() }, { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      lead_id: first.body.lead_id,
      order_id: first.body.order_id,
      duplicate: true,
    });
  });

  it('answers the same phone within the dedupe window with 409 and the existing order id', async () => {
    const phone = freshPhone();
    const first = await postLead({ phone });
    const again = await postLead({ phone: phone.replace('+7', '8') });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('LEAD_DUPLICATE_PHONE');
    expect(again.body.order_id).toBe(first.body.order_id);
    expect(again.body.error.order_id).toBe(first.body.order_id);
    const rows = await auditRows(again.body.error.request_id);
    expect(rows.map((row) => [row.event, row.outcome])).toEqual([
      ['lead.received', 'received'],
      ['lead.refused', 'LEAD_DUPLICATE_PHONE'],
    ]);
  });

  it('takes the same phone again once the window has passed', async () => {
    const phone = freshPhone();
    expect((await postLead({ phone })).status).toBe(201);
    h.clock.advance(25 * 3_600_000);
    expect((await postLead({ phone })).status).toBe(201);
  });

  it('lets concurrent requests with one click id create one order', async () => {
    const before = h.sandbox.companies.get('1')!.orders.size;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postLead({ phone: freshPhone(), click_id: 'race-1' })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(answers.map((answer) => answer.body.lead_id)).size).toBe(1);
    expect(h.sandbox.companies.get('1')!.orders.size).toBe(before + 1);
    // Every request's raw body is on record exactly once, also those whose insert lost the race and
    // was rolled back with the statement that carried the raw request.
    for (const answer of answers) {
      const events = (await auditRows(String(answer.headers['x-request-id']))).map((row) => row.event);
      expect(events.filter((event) => event === 'lead.received')).toHaveLength(1);
      expect(events[0]).toBe('lead.received');
    }
  });
});

describe('the audit trail of a created lead', () => {
  it('holds the raw request, the normalised lead, the exact GraphQL sent and the full response', async () => {
    const response = await postLead({ phone: '8 912 777 66 55', name: 'Audit Me', click_id: 'audit-1' });
    const rows = await h.testDatabase.database.orm
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.leadId, response.body.lead_id)))
      .orderBy(auditLog.id);
    const byEvent = Object.fromEntries(rows.map((row) => [row.event, row]));
    expect(Object.keys(byEvent)).toEqual(['lead.accepted', 'salesrender.call', 'order.created']);
    expect(byEvent['lead.accepted']!.detail.normalised).toMatchObject({
      phone: '+79127776655',
      name: 'Audit Me',
    });
    const call = byEvent['salesrender.call']!;
    expect(call.httpStatus).toBe(200);
    expect(call.latencyMs).toEqual(expect.any(Number));
    expect((call.detail.request as any).query).toContain('addOrder(input: $input)');
    expect((call.detail.request as any).variables.input.orderData.phoneFields[0].value).toBe('+79127776655');
    expect((call.detail.response as any).data.orderMutation.addOrder.id).toBe(response.body.order_id);
    const requestRows = await auditRows(call.requestId!);
    // In id order: the raw request is recorded before (here: with) the lead it produced.
    expect(requestRows.map((row) => row.event)).toEqual([
      'lead.received',
      'lead.accepted',
      'salesrender.call',
      'order.created',
    ]);
    const received = requestRows[0]!;
    expect(received.event).toBe('lead.received');
    expect(received.detail.headers).toMatchObject({ 'x-api-key': '[redacted]' });
  });
});
