// Advertisers set order statuses by label; the change reaches SalesRender and flows into history and postbacks.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Company } from '../../sandbox/company-store.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { auditLog } from '../../src/db/schema.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let company: Company;
let partnerKey: string;
let advertiserKey: string;
let otherOrderId: string;
let phone = 0;

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
  const campaign = await h.createCampaign('adv', {
    salesrender: { company_id: '30' },
    postback: { url: `${tracker.url}/pb?clickid={click_id}&status={status}&comment={comment}` },
    advertiser_status_map: { new: '1', callback: '2', approved: '3', cancelled: '4', spam: '5', old: '8' },
    status_map: { '1': 'pending', '2': 'pending', '3': 'accepted', '4': 'rejected', '5': 'trash' },
  });
  company = h.addCompanyFor(campaign);
  const other = await h.createCampaign('adv-other', { salesrender: { company_id: '31' } });
  h.addCompanyFor(other);
  partnerKey = await h.createPartner(['adv', 'adv-other']);
  const created = await h.admin('POST', '/admin/api/advertisers', { name: 'Brand', campaigns: ['adv'] });
  expect(created.body.id).toMatch(/^adv_/);
  advertiserKey = created.body.api_key;
  otherOrderId = (await newLead('adv-other')).order_id;
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

async function newLead(alias = 'adv'): Promise<{ lead_id: string; order_id: string }> {
  const response = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: `+7912444${String(1000 + phone++)}`, click_id: `adv-${phone}` },
    headers: { 'x-api-key': partnerKey },
  });
  expect(response.status).toBe(201);
  return response.body;
}
const setStatus = (orderId: string, body: unknown, key = advertiserKey) =>
  h.request({ method: 'POST', url: `/v1/orders/${orderId}/status`, body, headers: { 'x-api-key': key } });
const commentOf = (orderId: string) =>
  company.orders.get(orderId)!.data.stringFields.find((entry) => entry.field === 'comment')?.value;

describe('one order', () => {
  it('maps the label to the status id, writes status and comment to SalesRender, and postbacks once', async () => {
    const lead = await newLead();
    const before = tracker.received.length;
    const response = await setStatus(lead.order_id, { status: 'approved', comment: 'Paid by card' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      order_id: lead.order_id,
      lead_id: lead.lead_id,
      status: 'approved',
      status_id: '3',
      comment: 'Paid by card',
      state: 'applied',
    });
    expect(company.orders.get(lead.order_id)!.statusId).toBe('3');
    expect(commentOf(lead.order_id)).toBe('Paid by card');
    // SalesRender's own webhook for this change arrives too: still one postback.
    await h.settle();
    const received = tracker.received.slice(before);
    expect(received.map((postback) => [postback.query.status, postback.query.comment])).toEqual([
      ['accepted', 'Paid by card'],
    ]);
    const status = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': partnerKey },
    });
    expect(status.body.history.map((entry: any) => entry.source)).toEqual(['created', 'advertiser']);
  });

  it('answers 422 listing the allowed labels for an unknown label', async () => {
    const lead = await newLead();
    const response = await setStatus(lead.order_id, { status: 'shipped' });
    expect(response.status).toBe(422);
    expect(response.body.error.fields.status).toBe(
      'unknown label; one of: approved, callback, cancelled, new, old, spam',
    );
    expect(response.body.error.allowed).toEqual(['approved', 'callback', 'cancelled', 'new', 'old', 'spam']);
  });

  it("answers 404 for an unknown order and for another campaign's order", async () => {
    expect((await setStatus('424242', { status: 'approved' })).status).toBe(404);
    const foreign = await setStatus(otherOrderId, { status: 'approved' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('ORDER_NOT_FOUND');
  });

  it('answers 401 without or with a wrong key, 403 for a partner key', async () => {
    const lead = await newLead();
    expect(
      (
        await h.request({
          method: 'POST',
          url: `/v1/orders/${lead.order_id}/status`,
          body: { status: 'approved' },
        })
      ).status,
    ).toBe(401);
    expect((await setStatus(lead.order_id, { status: 'approved' }, 'lb_wrong')).status).toBe(401);
    const partner = await setStatus(lead.order_id, { status: 'approved' }, partnerKey);
    expect(partner.status).toBe(403);
    expect(partner.body.error.code).toBe('AUTH_KEY_WRONG_KIND');
  });

  it("passes SalesRender's refusal on as a typed error", async () => {
    const lead = await newLead();
    const response = await setStatus(lead.order_id, { status: 'old' });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'SR_REJECTED',
      salesrender_code: 'ERR_ORDER_STATUS_ARCHIVED',
    });
    expect(company.orders.get(lead.order_id)!.statusId).toBe('1');
  });

  it('queues the update when SalesRender is down (202) and applies it when it is back', async () => {
    const lead = await newLead();
    h.sandbox.faults.set('http503');
    const response = await setStatus(lead.order_id, { status: 'cancelled', comment: 'Changed mind' });
    expect(response.status).toBe(202);
    expect(response.body.state).toBe('queued');
    h.sandbox.faults.clear();
    h.clock.advance(6_000);
    await h.service.context.worker.runOnce();
    expect(company.orders.get(lead.order_id)!.statusId).toBe('4');
    expect(commentOf(lead.order_id)).toBe('Changed mind');
  });

  it('audits the raw request, the mapped id, the GraphQL sent and the answer', async () => {
    const lead = await newLead();
    const response = await setStatus(lead.order_id, { status: 'callback' });
    const rows = await h.testDatabase.database.orm
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, response.headers['x-request-id'] as string))
      .orderBy(auditLog.id);
    const events = rows.map((row) => row.event);
    expect(events.slice(0, 3)).toEqual(['advertiser.received', 'advertiser.mapped', 'salesrender.call']);
    const call = rows.find((row) => row.event === 'salesrender.call')!;
    expect((call.detail.request as any).query).toContain('updateOrder(input: $input)');
    expect((call.detail.request as any).variables.input).toEqual({ id: lead.order_id, statusId: '2' });
    expect(call.httpStatus).toBe(200);
  });
});

describe('bulk', () => {
  it('applies good JSON items and reports each bad one', async () => {
    const a = await newLead();
    const b = await newLead();
    const response = await h.request({
      method: 'POST',
      url: '/v1/orders/status',
      headers: { 'x-api-key': advertiserKey },
      body: {
        items: [
          { order_id: a.order_id, status: 'approved', comment: 'ok' },
          { order_id: b.order_id, status: 'nonsense' },
          { order_id: '999999', status: 'approved' },
          { status: 'approved' },
          { order_id: otherOrderId, status: 'approved' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ total: 5, succeeded: 1, failed: 4 });
    expect(
      response.body.results.map((result: any) => [result.ok, result.http_status, result.error?.code ?? null]),
    ).toEqual([
      [true, 200, null],
      [false, 422, 'VALIDATION_FAILED'],
      [false, 404, 'ORDER_NOT_FOUND'],
      [false, 422, 'VALIDATION_FAILED'],
      [false, 404, 'ORDER_NOT_FOUND'],
    ]);
    expect(company.orders.get(a.order_id)!.statusId).toBe('3');
  });

  it('takes a CSV upload', async () => {
    const a = await newLead();
    const b = await newLead();
    const csv = `order_id,status,comment\r\n${a.order_id},spam,"Fake, obviously"\r\n${b.order_id},approved,\r\nxyz,approved,\r\n`;
    const response = await h.request({
      method: 'POST',
      url: '/v1/orders/status',
      headers: { 'x-api-key': advertiserKey, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(response.status).toBe(200);
    expect(response.body.results.map((result: any) => result.ok)).toEqual([true, true, false]);
    expect(company.orders.get(a.order_id)!.statusId).toBe('5');
    expect(commentOf(a.order_id)).toBe('Fake, obviously');
  });

  it('refuses more than 1,000 items', async () => {
    const items = Array.from({ length: 1001 }, (_, index) => ({
      order_id: String(index),
      status: 'approved',
    }));
    const response = await h.request({
      method: 'POST',
      url: '/v1/orders/status',
      headers: { 'x-api-key': advertiserKey },
      body: { items },
    });
    expect(response.status).toBe(422);
  });
});
