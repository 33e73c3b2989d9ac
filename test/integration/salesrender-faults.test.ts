// How LeadBridge answers SalesRender's faults: the lead's own refusals, schema faults (held), locks, and
// creates whose outcome is unknown (found in the change log, or sent again and flagged).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Company, demoCompany } from '../../sandbox/company-store.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let key: string;
let advertiserKey: string;
let phone = 0;

/** A company on the harness's clock, so its change log and LeadBridge's in-doubt window agree. */
function companyFor(campaign: { webhook_url: string; salesrender: { company_id: string } }): Company {
  const id = campaign.salesrender.company_id;
  const company = new Company(demoCompany(id), () => h.clock.now(), Number(id) * 10_000);
  company.webhookUrl = campaign.webhook_url.replace('http://leadbridge.test', h.url);
  h.sandbox.companies.set(id, company);
  return company;
}

async function wire(alias: string, companyId: string, salesrender: Record<string, unknown> = {}) {
  const campaign = await h.createCampaign(alias, {
    salesrender: { company_id: companyId, ...salesrender },
    postback: { url: `${tracker.url}/pb?clickid={click_id}&status={status}` },
    advertiser_status_map: { approved: '3', cancelled: '4' },
  });
  return { campaign, company: companyFor(campaign) };
}

const sendLead = (alias: string, body: Record<string, unknown> = {}) =>
  h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: `+7912555${String(1000 + phone++)}`, click_id: `f-${phone}`, ...body },
    headers: { 'x-api-key': key },
  });

/** Runs what is due after `ms` on the harness clock. */
async function runDueAfter(ms: number) {
  h.clock.advance(ms);
  await h.settle();
}

const readLead = async (leadId: string) =>
  (await h.request({ method: 'GET', url: `/v1/leads/${leadId}`, headers: { 'x-api-key': key } })).body;

beforeAll(async () => {
  h = await startHarness({ salesrenderTimeoutMs: 1000 });
  tracker = await startTestTracker();
  const aliases = ['f-own', 'f-ref', 'f-noref', 'f-nologs', 'f-lock'];
  await wire('f-own', '41');
  await wire('f-ref', '42', { fields: { lead_id: 'source.subid_10' } });
  await wire('f-noref', '43');
  await wire('f-nologs', '44', { fields: { lead_id: 'source.subid_10' } });
  h.sandbox.setSchemaVariants('44', ['no-logs']);
  await wire('f-lock', '45');
  key = await h.createPartner(aliases);
  const advertiser = await h.admin('POST', '/admin/api/advertisers', {
    name: 'Brand',
    campaigns: ['f-lock'],
  });
  advertiserKey = advertiser.body.api_key;
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

// A refusal naming one of the lead's values (422 SR_REJECTED) is specified in test/unit/salesrender-error-classes.test.ts:
// LeadBridge's own validation refuses every phone the sandbox would.
describe('a refusal', () => {
  it('naming an order field the company does not have is a schema fault: 202 queued, held, released by the fix', async () => {
    const company = h.sandbox.companies.get('41') as Company;
    const original = company.config.fields;
    company.config.fields = original.filter((field) => field.name !== 'name');
    const response = await sendLead('f-own', { name: 'Ivan Petrov' });
    expect(response.status, response.text).toBe(202);
    expect(response.body.status).toBe('queued');
    const held = await readLead(response.body.lead_id);
    expect(held.status).toBe('queued');
    expect(company.orders.size).toBe(0);

    // Still held after the usual retry delays: no attempt is used up while the company is wrong.
    await runDueAfter(60_000);
    expect(company.orders.size).toBe(0);

    company.config.fields = original;
    const check = await h.admin('POST', '/admin/api/campaigns/f-own/check');
    expect(
      check.body.problems.filter((problem: { severity: string }) => problem.severity === 'error'),
    ).toEqual([]);
    await runDueAfter(0);
    expect(company.orders.size).toBe(1);
    expect((await readLead(response.body.lead_id)).order_id).toBe([...company.orders.keys()][0]);
  });
});

describe('a create whose answer is cut off after SalesRender made the order', () => {
  it('yields one order when the campaign writes our reference and the schema logs creations', async () => {
    const company = h.sandbox.companies.get('42') as Company;
    h.sandbox.faults.set('truncated_after', 1);
    const response = await sendLead('f-ref');
    expect(response.status, response.text).toBe(202);
    expect(company.orders.size).toBe(1);
    await runDueAfter(10_000);
    const lead = await readLead(response.body.lead_id);
    expect(company.orders.size).toBe(1);
    expect(lead.order_id).toBe([...company.orders.keys()][0]);
    expect(lead.possible_duplicate).toBe(false);
  });

  it('is looked up, not sent again, when the worker running it died mid-call (its lease swept)', async () => {
    const company = h.sandbox.companies.get('42') as Company;
    h.sandbox.faults.set('http503', 1);
    const response = await sendLead('f-ref');
    expect(response.status).toBe(202);
    const leadId = response.body.lead_id as string;
    // A worker claims the retry, its call makes the order in SalesRender, and the worker dies before
    // recording anything: what a SIGKILL mid-call leaves behind.
    await h.testDatabase.database.orm.execute(sql`update jobs set state = 'running', locked_by = 'dead-worker',
        locked_until = ${new Date(h.clock.now().getTime() + 1_000).toISOString()}, attempts = attempts + 1,
        payload = payload - 'inDoubtSince', updated_at = ${h.clock.now().toISOString()}
      where lead_id = ${leadId} and kind = 'create_order'`);
    const before = company.orders.size;
    company.addOrder({ statusId: '1', projectId: '1', source: { subid_10: leadId } });
    await runDueAfter(120_000);
    const lead = await readLead(leadId);
    expect(company.orders.size).toBe(before + 1);
    expect(lead.order_id).toBe([...company.orders.keys()].at(-1));
    expect(lead.possible_duplicate).toBe(false);
  });

  it('is sent again and flagged possible_duplicate without a reference field', async () => {
    const company = h.sandbox.companies.get('43') as Company;
    h.sandbox.faults.set('truncated_after', 1);
    const response = await sendLead('f-noref');
    expect(response.status).toBe(202);
    await runDueAfter(10_000);
    const lead = await readLead(response.body.lead_id);
    expect(company.orders.size).toBe(2);
    expect(lead.order_id).toBeTruthy();
    expect(lead.possible_duplicate).toBe(true);
  });

  it('is sent again and flagged possible_duplicate when the schema has no logsFetcher', async () => {
    const company = h.sandbox.companies.get('44') as Company;
    h.sandbox.faults.set('reset_after', 1);
    const response = await sendLead('f-nologs');
    expect(response.status).toBe(202);
    await runDueAfter(10_000);
    const lead = await readLead(response.body.lead_id);
    expect(company.orders.size).toBe(2);
    expect(lead.possible_duplicate).toBe(true);
  });
});

describe('an advertiser update on an order someone else has locked', () => {
  it('is answered 202, applied once the lock times out, and posted back once', async () => {
    const created = await sendLead('f-lock', { click_id: 'locked-order' });
    expect(created.status).toBe(201);
    const orderId = created.body.order_id as string;
    await h.settle(); // the order's creation is posted back first (pending)
    h.sandbox.lockOrder('45', orderId, 1_500);
    const before = tracker.received.length;
    const response = await h.request({
      method: 'POST',
      url: `/v1/orders/${orderId}/status`,
      body: { status: 'approved' },
      headers: { 'x-api-key': advertiserKey },
    });
    expect(response.status, response.text).toBe(202);
    expect(h.sandbox.companies.get('45')?.orders.get(orderId)?.statusId).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await runDueAfter(60_000);
    expect(h.sandbox.companies.get('45')?.orders.get(orderId)?.statusId).toBe('3');
    await runDueAfter(60_000);
    const postbacks = tracker.received
      .slice(before)
      .filter((postback) => postback.query.clickid === 'locked-order');
    expect(postbacks.map((postback) => postback.query.status)).toEqual(['accepted']);
  });
});
