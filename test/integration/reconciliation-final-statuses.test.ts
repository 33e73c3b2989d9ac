// A rejected order the call centre re-opens, its webhook lost, is still found: reconciliation re-reads
// final (rejected, trash) leads for RECONCILE_FINAL_DAYS after their last change, each at most hourly.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Company, demoCompany } from '../../sandbox/company-store.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { reconcile } from '../../src/statuses/reconcile.js';
import { type Harness, startHarness } from '../support/harness.js';

const minute = 60_000;
const day = 86_400_000;

let h: Harness;
let tracker: TestTracker;
let phones = 0;

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

/** A campaign on its own sandbox company, whose clock is LeadBridge's: statusChangedAt moves with it. */
async function campaignOnCompany(alias: string, companyId: string) {
  const campaign = await h.createCampaign(alias, {
    salesrender: { company_id: companyId },
    postback: {
      url: `${tracker.url}/pb?clickid={click_id}&status={status}`,
      on: ['pending', 'accepted', 'rejected'],
    },
  });
  const company = new Company(demoCompany(companyId), () => h.clock.now(), Number(companyId) * 10_000);
  company.webhookUrl = campaign.webhook_url.replace('http://leadbridge.test', h.url);
  h.sandbox.companies.set(companyId, company);
  const key = await h.createPartner([alias]);

  async function newLead(clickId: string) {
    phones++;
    const response = await h.request({
      method: 'POST',
      url: `/v1/leads/${alias}`,
      body: { phone: `+7912667${String(phones).padStart(4, '0')}`, click_id: clickId },
      headers: { 'x-api-key': key },
    });
    expect(response.status).toBe(201);
    return response.body as { lead_id: string; order_id: string };
  }
  /** The call centre changes the order; its webhook is delivered, or lost when `webhook` is false. */
  async function callCentre(orderId: string, statusId: string, options: { webhook: boolean }) {
    h.sandbox.webhooks.enabled = options.webhook;
    try {
      h.sandbox.changeStatus(companyId, orderId, statusId);
    } finally {
      h.sandbox.webhooks.enabled = true;
    }
    await h.settle();
  }
  async function pass() {
    const report = await h.admin('POST', '/admin/api/reconcile', { campaign: alias });
    expect(report.status).toBe(200);
    await h.settle();
    return report.body as { leads_checked: number; changed: number; postbacks: number; errors: unknown[] };
  }
  async function historySources(leadId: string) {
    const lead = await h.request({
      method: 'GET',
      url: `/v1/leads/${leadId}`,
      headers: { 'x-api-key': key },
    });
    return lead.body.history.map((entry: { source: string }) => entry.source);
  }
  return { newLead, callCentre, pass, historySources };
}

/** The statuses the tracker received for one click id, in order. */
const postbacksFor = (clickId: string) =>
  tracker.received
    .filter((postback) => postback.query.clickid === clickId)
    .map((postback) => postback.query.status);

it('posts back once a rejected order re-opened on a callback whose webhook was lost, and follows it as open again', async () => {
  const c = await campaignOnCompany('final-reopen', '51');
  const lead = await c.newLead('reopen-1');
  await h.settle();
  await c.callCentre(lead.order_id, '4', { webhook: true }); // rejected
  expect(postbacksFor('reopen-1')).toEqual(['pending', 'rejected']);

  h.clock.advance(10 * minute);
  await c.callCentre(lead.order_id, '2', { webhook: false }); // re-opened: the buyer called back
  expect(postbacksFor('reopen-1')).toEqual(['pending', 'rejected']);

  expect(await c.pass()).toMatchObject({ leads_checked: 1, changed: 1, postbacks: 1, errors: [] });
  expect(postbacksFor('reopen-1')).toEqual(['pending', 'rejected', 'pending']);

  // Open again, it is re-read by the very next pass, which finds nothing new and sends nothing.
  expect(await c.pass()).toMatchObject({ leads_checked: 1, changed: 0, postbacks: 0 });
  expect(postbacksFor('reopen-1')).toEqual(['pending', 'rejected', 'pending']);

  // The sale, its webhook lost as well, is found by the next pass without waiting an hour.
  h.clock.advance(5 * minute);
  await c.callCentre(lead.order_id, '3', { webhook: false }); // accepted
  expect(await c.pass()).toMatchObject({ leads_checked: 1, changed: 1, postbacks: 1 });
  expect(postbacksFor('reopen-1')).toEqual(['pending', 'rejected', 'pending', 'accepted']);
  expect(await c.historySources(lead.lead_id)).toEqual(['created', 'webhook', 'reconcile', 'reconcile']);
});

it('re-reads a final lead only while its last status change is under RECONCILE_FINAL_DAYS (7) old', async () => {
  const c = await campaignOnCompany('final-window', '52');
  const start = h.clock.now();
  const older = await c.newLead('window-older');
  const newer = await c.newLead('window-newer');
  await h.settle();
  await c.callCentre(older.order_id, '4', { webhook: true });
  h.clock.advance(2 * minute);
  await c.callCentre(newer.order_id, '4', { webhook: true });
  h.clock.advance(minute);
  await c.callCentre(older.order_id, '2', { webhook: false });
  await c.callCentre(newer.order_id, '2', { webhook: false });

  // The older rejection is now 7 days and a minute old, the newer one 7 days less a minute.
  h.clock.set(new Date(start.getTime() + 7 * day + minute));
  expect(await c.pass()).toMatchObject({ leads_checked: 1, changed: 1, postbacks: 1 });
  expect(postbacksFor('window-newer')).toEqual(['pending', 'rejected', 'pending']);
  expect(postbacksFor('window-older')).toEqual(['pending', 'rejected']);
});

it('re-reads a final lead at most once an hour, an open one every pass, and changes nothing when nothing changed', async () => {
  const c = await campaignOnCompany('final-rate', '53');
  await c.newLead('rate-open');
  const rejected = await c.newLead('rate-rejected');
  await h.settle();
  await c.callCentre(rejected.order_id, '4', { webhook: true });

  expect(await c.pass()).toMatchObject({ leads_checked: 2, changed: 0, postbacks: 0 });
  h.clock.advance(59 * minute);
  expect(await c.pass()).toMatchObject({ leads_checked: 1, changed: 0, postbacks: 0 });
  h.clock.advance(minute);
  expect(await c.pass()).toMatchObject({ leads_checked: 2, changed: 0, postbacks: 0 });
  expect(await c.pass()).toMatchObject({ leads_checked: 1 });
  expect(postbacksFor('rate-rejected')).toEqual(['pending', 'rejected']);
  expect(await c.historySources(rejected.lead_id)).toEqual(['created', 'webhook']);
});

it('re-reads no final lead with RECONCILE_FINAL_DAYS=0', async () => {
  const c = await campaignOnCompany('final-off', '54');
  await c.newLead('off-open');
  const rejected = await c.newLead('off-rejected');
  await h.settle();
  await c.callCentre(rejected.order_id, '4', { webhook: true });
  await c.callCentre(rejected.order_id, '2', { webhook: false });

  const options = { campaign: 'final-off', lookbackDays: 30, ratePerSecond: 100 };
  const off = await reconcile(h.service.context.leadDeps, { ...options, finalDays: 0 });
  expect(off).toMatchObject({ leads_checked: 1, changed: 0, postbacks: 0 });
  const on = await reconcile(h.service.context.leadDeps, { ...options, finalDays: 7 });
  expect(on).toMatchObject({ leads_checked: 2, changed: 1, postbacks: 1 });
});
