// SalesRender status change -> webhook -> authoritative re-read -> label -> tracker postback, end to end.

import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Company } from '../../sandbox/company-store.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { webhookShapes } from '../../sandbox/webhook-sender.js';
import { transactionId } from '../../src/postbacks/render-postback.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let key: string;
let otherKey: string;
const template =
  '/postback?clickid={click_id}&status={status}&sid={status_id}&payout={payout}&cur={currency}&order={order_id}' +
  '&lead={lead_id}&tid={tid}&eid={event_id}&comment={comment}&s1={sub1}&s2={sub2}&s3={sub3}&s4={sub4}&s5={sub5}&geo={country}' +
  '&c={campaign}&ts={timestamp}&keep={unknown}';

interface Wired {
  campaign: any;
  company: Company;
}
const wired: Record<string, Wired> = {};

async function wire(
  alias: string,
  companyId: string,
  postback: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const campaign = await h.createCampaign(alias, {
    salesrender: { company_id: companyId },
    payouts: { accepted: 12.5, pending: 0 },
    postback: { url: `${tracker.url}${template}`, ...postback },
    ...extra,
  });
  wired[alias] = { campaign, company: h.addCompanyFor(campaign) };
  return wired[alias]!;
}

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
  await wire('pb-main', '2', { status_values: { accepted: 'sale' } });
  await wire('pb-only-accepted', '3', { on: ['accepted'] });
  await wire('pb-post', '4', { method: 'POST', url: `${tracker.url}/hook` });
  await wire('pb-shapes', '5', {});
  key = await h.createPartner(['pb-main', 'pb-only-accepted', 'pb-post', 'pb-shapes']);
  otherKey = await h.createPartner(['pb-main']);
  h.service.context.worker.start();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

let clicks = 0;
let phones = 0;
/** A phone no other lead of this file has (a repeat would be answered 409 as a duplicate). */
const uniquePhone = (prefix: string) => `${prefix}${String(1000 + ++phones)}`;
/** A lead with a click id of its own unless the spec gives one (a tracker needs it to match a postback). */
async function sendLead(alias: string, body: Record<string, unknown>) {
  const response = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { click_id: `wp-click-${++clicks}`, ...body },
    headers: { 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  // The order's creation posts back its starting label (`pending`) first; the specs below start after it.
  await h.settle();
  return response.body as { lead_id: string; order_id: string };
}

async function changeStatus(alias: string, orderId: string, statusId: string, comment?: string) {
  h.sandbox.changeStatus(wired[alias]!.campaign.salesrender.company_id, orderId, statusId, comment);
  await h.settle();
}

describe('GET postbacks', () => {
  it('fills every macro, URL-escaped, on each label change, with the call-centre comment', async () => {
    const lead = await sendLead('pb-main', {
      phone: '+79121230001',
      name: 'Иван & Co #1',
      click_id: 'click &#1 Ж',
      sub1: 'a b',
      sub2: '{payout}',
      sub3: '100%',
    });
    const before = tracker.received.length;
    await changeStatus(
      'pb-main',
      lead.order_id,
      '3',
      'Client confirmed order. Wants standard package. Great quality lead.',
    );
    const [postback] = (await tracker.waitFor(before + 1)).slice(before);
    expect(postback!.method).toBe('GET');
    expect(postback!.query).toMatchObject({
      clickid: 'click &#1 Ж',
      status: 'sale',
      sid: '3',
      payout: '12.5',
      cur: 'USD',
      order: lead.order_id,
      lead: lead.lead_id,
      comment: 'Client confirmed order. Wants standard package. Great quality lead.',
      s1: 'a b',
      s2: '{payout}',
      s3: '100%',
      s4: '',
      geo: 'RU',
      c: 'pb-main',
    });
    expect(postback!.query.tid).toMatch(/^[0-9a-f]{20}$/);
    expect(Number(postback!.query.ts)).toBeGreaterThan(1_700_000_000);
    expect(postback!.url).toContain('keep={unknown}');

    await changeStatus(
      'pb-main',
      lead.order_id,
      '2',
      'Called — voicemail. Scheduled callback for tomorrow morning.',
    );
    await changeStatus(
      'pb-main',
      lead.order_id,
      '4',
      'Wrong number — not reachable after 3 attempts across 2 days.',
    );
    await changeStatus(
      'pb-main',
      lead.order_id,
      '6',
      'Already a customer. Duplicate from same IP within 48h.',
    );
    const later = (await tracker.waitFor(before + 4)).slice(before + 1);
    expect(
      later.map((received) => [received.query.status, received.query.payout, received.query.comment]),
    ).toEqual([
      ['pending', '0', 'Called — voicemail. Scheduled callback for tomorrow morning.'],
      ['rejected', '0', 'Wrong number — not reachable after 3 attempts across 2 days.'],
      ['trash', '0', 'Already a customer. Duplicate from same IP within 48h.'],
    ]);
    // One conversion in the tracker: the same tid on every change; a new event id for each.
    expect(new Set([postback, ...later].map((received) => received!.query.tid)).size).toBe(1);
    expect(new Set([postback, ...later].map((received) => received!.query.eid)).size).toBe(4);
  });

  it('keeps the per-label tid for a lead whose tracker got postbacks before tid was per order', async () => {
    const lead = await sendLead('pb-main', { phone: '+79121230099', click_id: 'upgraded-1' });
    await h.testDatabase.database.orm.execute(
      sql`update leads set tid_per_label = true where id = ${lead.lead_id}`,
    );
    const before = tracker.received.length;
    await changeStatus('pb-main', lead.order_id, '3');
    await changeStatus('pb-main', lead.order_id, '4');
    const [accepted, rejected] = (await tracker.waitFor(before + 2)).slice(before);
    expect(accepted!.query.tid).not.toBe(rejected!.query.tid);
    expect(accepted!.query.tid).toBe(
      transactionId({
        campaignId: wired['pb-main']!.campaign.id,
        leadId: lead.lead_id,
        orderId: lead.order_id,
        label: 'accepted',
        perLabel: true,
      }),
    );
  });

  it('sends one postback however often SalesRender repeats the webhook', async () => {
    const lead = await sendLead('pb-main', { phone: '+79121230002', click_id: 'repeat-1' });
    const before = tracker.received.length;
    await changeStatus('pb-main', lead.order_id, '3');
    const company = wired['pb-main']!.company;
    for (let index = 0; index < 3; index++) h.sandbox.webhooks.fire(company, lead.order_id);
    await h.settle();
    expect(tracker.received.length).toBe(before + 1);
  });

  it('sends nothing for a label not in postback.on, and the postback once an "on" label comes', async () => {
    const lead = await sendLead('pb-only-accepted', { phone: '+79121230003' });
    const before = tracker.received.length;
    await changeStatus('pb-only-accepted', lead.order_id, '4');
    await changeStatus('pb-only-accepted', lead.order_id, '2');
    expect(tracker.received.length).toBe(before);
    await changeStatus('pb-only-accepted', lead.order_id, '3');
    expect(tracker.received.length).toBe(before + 1);
  });

  it('records an unmapped status id and fires nothing', async () => {
    const lead = await sendLead('pb-main', { phone: '+79121230004' });
    const before = tracker.received.length;
    await changeStatus('pb-main', lead.order_id, '7');
    expect(tracker.received.length).toBe(before);
    const status = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': key },
    });
    expect(status.body).toMatchObject({ status_id: '7', label: null });
    expect(status.body.history.at(-1)).toMatchObject({ status_id: '7', label: null, source: 'webhook' });
  });
});

describe('POST postbacks', () => {
  it('sends the fields as JSON with a Standard Webhooks signature that verifies', async () => {
    // Verifiers refuse timestamps more than 5 minutes from their own clock.
    h.clock.set(new Date());
    const lead = await sendLead('pb-post', { phone: '+79121230005', click_id: 'post-1' });
    const before = tracker.received.length;
    await changeStatus('pb-post', lead.order_id, '3', 'Very interested, upgraded to premium bundle.');
    const [received] = (await tracker.waitFor(before + 1)).slice(before);
    expect(received!.method).toBe('POST');
    const secret = wired['pb-post']!.campaign.postback_signing_secret as string;
    expect(secret).toMatch(/^whsec_/);
    const verified = new Webhook(secret).verify(
      received!.body,
      received!.headers as Record<string, string>,
    ) as any;
    expect(verified).toMatchObject({
      click_id: 'post-1',
      status: 'accepted',
      payout: '12.5',
      order_id: lead.order_id,
    });
    expect(() =>
      new Webhook(secret).verify(received!.body.replace('12.5', '99'), received!.headers as any),
    ).toThrow();
  });
});

describe('the webhook endpoint', () => {
  const webhookPath = (alias: string) => new URL(wired[alias]!.campaign.webhook_url).pathname;

  it.each(webhookShapes)(
    'takes the order id from SalesRender\'s "%s" body shape and posts back once',
    async (shape) => {
      const lead = await sendLead('pb-shapes', {
        phone: uniquePhone('+7912124'),
      });
      const before = tracker.received.length;
      h.sandbox.webhooks.shape = shape;
      try {
        await changeStatus('pb-shapes', lead.order_id, '3');
      } finally {
        h.sandbox.webhooks.shape = 'data.ordersFetcher';
      }
      expect(tracker.received.slice(before).map((postback) => postback.query.order)).toEqual([lead.order_id]);
    },
  );

  it.each([
    [
      'data.ordersFetcher.orders[0]',
      (order: any) => ({ body: { data: { ordersFetcher: { orders: [order] } } } }),
    ],
    ['data.orders[0]', (order: any) => ({ body: { data: { orders: [order] } } })],
    ['{data: order}', (order: any) => ({ body: { data: order } })],
    ['form id', (order: any) => ({ form: { id: order.id } })],
    ['form order_id', (order: any) => ({ form: { order_id: order.id } })],
  ])('reads the order from %s and re-reads it from SalesRender', async (_shape, shape) => {
    const lead = await sendLead('pb-shapes', {
      phone: uniquePhone('+7912123'),
    });
    const company = wired['pb-shapes']!.company;
    company.updateOrder({ id: lead.order_id, statusId: '3' });
    const before = tracker.received.length;
    const response = await h.request({
      method: 'POST',
      url: webhookPath('pb-shapes'),
      ...shape({ id: lead.order_id, status: { id: '3' } }),
    });
    expect(response.status).toBe(200);
    await h.settle();
    expect(tracker.received.length).toBe(before + 1);
  });

  it('accepts a GET with ?order_id=', async () => {
    const lead = await sendLead('pb-shapes', { phone: '+79121239999' });
    wired['pb-shapes']!.company.updateOrder({ id: lead.order_id, statusId: '4' });
    const response = await h.request({
      method: 'GET',
      url: `${webhookPath('pb-shapes')}?order_id=${lead.order_id}`,
    });
    expect(response.status).toBe(200);
    await h.settle();
    const status = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': key },
    });
    expect(status.body.label).toBe('rejected');
  });

  it('ignores what a forged body claims: the status comes from SalesRender', async () => {
    const lead = await sendLead('pb-shapes', { phone: '+79121238888' });
    const before = tracker.received.length;
    const forged = {
      data: { id: lead.order_id, status: { id: '3' }, statusChangedAt: new Date().toISOString() },
    };
    expect((await h.request({ method: 'POST', url: webhookPath('pb-shapes'), body: forged })).status).toBe(
      200,
    );
    await h.settle();
    expect(tracker.received.length).toBe(before);
    const status = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': key },
    });
    expect(status.body).toMatchObject({ status: 'pending', status_id: '1' });
  });

  it('records an order SalesRender no longer returns, finishes the re-read and sends nothing', async () => {
    const lead = await sendLead('pb-shapes', { phone: '+79121237777' });
    wired['pb-shapes']!.company.orders.delete(lead.order_id);
    const before = tracker.received.length;
    const response = await h.request({
      method: 'POST',
      url: webhookPath('pb-shapes'),
      body: { data: { id: lead.order_id } },
    });
    expect(response.status).toBe(200);
    await h.settle(); // the re-read job is done, not pending or running
    expect(tracker.received.length).toBe(before);
    const events = await h.testDatabase.database.script((run) =>
      run(`select event from audit_log where lead_id = $1 order by id`, [lead.lead_id]),
    );
    expect(events.map((row) => row.event)).toEqual(
      expect.arrayContaining(['salesrender.call', 'webhook.order_missing']),
    );
    const jobs = await h.testDatabase.database.script((run) =>
      run(`select state from jobs where lead_id = $1 and kind = 'refresh_order'`, [lead.lead_id]),
    );
    expect(jobs).toEqual([{ state: 'done' }]);
  });

  it('answers 404 to a wrong secret and 202 to an unknown order, and audits both', async () => {
    const wrong = await h.request({
      method: 'POST',
      url: '/v1/webhooks/salesrender/not-a-secret',
      body: { data: { id: '1' } },
    });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('WEBHOOK_NOT_FOUND');
    // Near misses of the real secret (compared whole, in constant time) are refused the same way.
    const secret = webhookPath('pb-shapes').split('/').at(-1)!;
    for (const nearMiss of [
      secret.slice(0, -1),
      `${secret}x`,
      secret.toUpperCase(),
      `${secret.slice(0, -1)}0`,
    ]) {
      if (nearMiss === secret) continue;
      const answer = await h.request({
        method: 'POST',
        url: `/v1/webhooks/salesrender/${nearMiss}`,
        body: { data: { id: '1' } },
      });
      expect(answer.status).toBe(404);
    }
    const unknown = await h.request({
      method: 'POST',
      url: webhookPath('pb-shapes'),
      body: { data: { id: '999999' } },
    });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual({ status: 'unknown_order', order_id: '999999' });
    const audit = await h.admin('GET', '/admin/api/audit?campaign=pb-shapes');
    expect(audit.text).toContain('"event":"webhook.unknown_order"');
    expect(audit.text).toContain('/v1/webhooks/salesrender/[redacted]');
    expect(audit.text).not.toContain(wired['pb-shapes']!.campaign.webhook_url.split('/').at(-1));
  });

  it('records a refused webhook once: its raw request, then its refusal, both under its campaign', async () => {
    const campaignId = wired['pb-shapes']!.campaign.id;
    const requestRows = (requestId: string) =>
      h.testDatabase.database.script((run) =>
        run(`select event, campaign_id from audit_log where request_id = $1 order by id`, [requestId]),
      );
    const invalid = await h.request({
      method: 'POST',
      url: webhookPath('pb-shapes'),
      body: { note: 'no order named' },
    });
    expect(invalid.body.error.code).toBe('WEBHOOK_INVALID');
    expect(await requestRows(invalid.body.error.request_id)).toEqual([
      { event: 'webhook.received', campaign_id: campaignId },
      { event: 'webhook.refused', campaign_id: campaignId },
    ]);
    const wrong = await h.request({
      method: 'POST',
      url: '/v1/webhooks/salesrender/still-not-a-secret',
      body: { data: { id: '1' } },
    });
    expect(await requestRows(wrong.body.error.request_id)).toEqual([
      { event: 'webhook.received', campaign_id: null },
      { event: 'webhook.refused', campaign_id: null },
    ]);
  });
});

describe('lead status for buyers', () => {
  it('shows order, label, status id, latest comment, history and payout to the owning partner only', async () => {
    const lead = await sendLead('pb-main', { phone: '+79121230006', click_id: 'status-1' });
    await changeStatus('pb-main', lead.order_id, '3', 'Confirmed');
    const own = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': key },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      lead_id: lead.lead_id,
      order_id: lead.order_id,
      campaign: 'pb-main',
      status: 'accepted',
      label: 'accepted',
      status_id: '3',
      comment: 'Confirmed',
      payout: 12.5,
      currency: 'USD',
    });
    expect(own.body.history.map((entry: any) => [entry.status_id, entry.label, entry.source])).toEqual([
      ['1', 'pending', 'created'],
      ['3', 'accepted', 'webhook'],
    ]);
    const byClick = await h.request({
      method: 'GET',
      url: '/v1/leads?click_id=status-1',
      headers: { 'x-api-key': key },
    });
    expect(byClick.body.leads.map((found: any) => found.lead_id)).toEqual([lead.lead_id]);
    const other = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': otherKey },
    });
    expect(other.status).toBe(404);
    const otherByClick = await h.request({
      method: 'GET',
      url: '/v1/leads?click_id=status-1',
      headers: { 'x-api-key': otherKey },
    });
    expect(otherByClick.body.leads).toEqual([]);
    expect((await h.request({ method: 'GET', url: `/v1/leads/${lead.lead_id}` })).status).toBe(401);
  });
});
