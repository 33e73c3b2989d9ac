// Lost webhooks still end in postbacks: a reconciliation pass finds changed orders and applies them like webhooks.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Company } from '../../sandbox/company-store.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let company: Company;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
  const campaign = await h.createCampaign('rec', {
    salesrender: { company_id: '40' },
    // Not `pending`: these specs count the postbacks of changes (the creation's hold is posted back too).
    postback: {
      url: `${tracker.url}/pb?clickid={click_id}&status={status}&comment={comment}`,
      on: ['accepted', 'rejected', 'trash'],
    },
  });
  company = h.addCompanyFor(campaign);
  key = await h.createPartner(['rec']);
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

async function newLead(n: number) {
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/rec',
    body: { phone: `+791266600${n}0`, click_id: `rec-${n}` },
    headers: { 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  return response.body as { lead_id: string; order_id: string };
}

it('sends exactly the postbacks webhooks would have, and none again when the webhooks come back', async () => {
  const leads = await Promise.all([1, 2, 3, 4].map(newLead));
  h.sandbox.webhooks.enabled = false;
  h.sandbox.changeStatus('40', leads[0]!.order_id, '3', 'Confirmed by phone');
  h.sandbox.changeStatus('40', leads[1]!.order_id, '4', 'Wrong number');
  h.sandbox.changeStatus('40', leads[2]!.order_id, '2', 'Callback tomorrow'); // pending -> pending: no postback
  await h.settle();
  expect(tracker.received).toHaveLength(0);

  const report = await h.admin('POST', '/admin/api/reconcile', { campaign: 'rec' });
  expect(report.status).toBe(200);
  expect(report.body).toEqual({
    campaigns: 1,
    leads_checked: 4,
    orders_fetched: 4,
    changed: 3,
    postbacks: 2,
    errors: [],
  });
  await h.settle();
  expect(
    tracker.received
      .map((postback) => [postback.query.clickid, postback.query.status, postback.query.comment])
      .sort(),
  ).toEqual([
    ['rec-1', 'accepted', 'Confirmed by phone'],
    ['rec-2', 'rejected', 'Wrong number'],
  ]);

  // The webhooks that were lost arrive late after all, and a second pass runs: nothing more is sent.
  h.sandbox.webhooks.enabled = true;
  for (const lead of leads) h.sandbox.webhooks.fire(company, lead.order_id);
  await h.settle();
  const again = await h.admin('POST', '/admin/api/reconcile', { campaign: 'rec' });
  expect(again.body).toMatchObject({ changed: 0, postbacks: 0 });
  await h.settle();
  expect(tracker.received).toHaveLength(2);

  // A rejected lead is final: read a moment ago, it is not asked about again within the hour
  // (reconciliation-final-statuses.test.ts).
  expect(again.body.leads_checked).toBe(3);
  const status = await h.request({
    method: 'GET',
    url: `/v1/leads/${leads[0]!.lead_id}`,
    headers: { 'x-api-key': key },
  });
  expect(status.body.history.map((entry: any) => entry.source)).toEqual(['created', 'reconcile']);
});

it('reports SalesRender being down for a campaign and changes nothing', async () => {
  h.sandbox.faults.set('http500');
  const report = await h.admin('POST', '/admin/api/reconcile', {});
  h.sandbox.faults.clear();
  expect(report.body.errors).toEqual([{ campaign: 'rec', message: 'SalesRender answered HTTP 500' }]);
  expect((await h.admin('POST', '/admin/api/reconcile', { campaign: 'nope' })).status).toBe(404);
});
