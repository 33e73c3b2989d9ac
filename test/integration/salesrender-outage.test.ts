// What a buyer sees, and what happens to the lead, when SalesRender is down, slow, broken or says no.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultMode } from '../../sandbox/faults.js';
import { jobs, leads } from '../../src/db/schema.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let key: string;
let counter = 0;
const freshPhone = () => `+7913${String(10_000_000 + counter++).slice(1)}`;

beforeAll(async () => {
  h = await startHarness({ salesrenderTimeoutMs: 300 });
  await h.createCampaign('outage');
  await h.createCampaign('wrong-field', { salesrender: { fields: { phone: 'no_such_field' } } });
  await h.createCampaign('bad-token', { salesrender: { token: 'eyJ-not-the-right-token' } });
  key = await h.createPartner(['outage', 'wrong-field', 'bad-token']);
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.sandbox.faults.clear());

const postLead = (body: Record<string, unknown>, alias = 'outage') =>
  h.request({ method: 'POST', url: `/v1/leads/${alias}`, body, headers: { 'x-api-key': key } });
const leadRow = async (id: string) =>
  (await h.testDatabase.database.orm.select().from(leads).where(eq(leads.id, id)))[0]!;
const jobOf = async (leadId: string) =>
  (await h.testDatabase.database.orm.select().from(jobs).where(eq(jobs.leadId, leadId)))[0]!;
const orderCount = () => h.sandbox.companies.get('1')!.orders.size;

describe('SalesRender unreachable', () => {
  it.each<[FaultMode]>([
    ['http500'],
    ['http503'],
    ['timeout'],
    ['reset'],
    ['nonjson'],
    ['truncated'],
    ['graphql_internal'],
  ])('on %s the lead is answered 202 queued, then created once SalesRender recovers', async (mode) => {
    h.sandbox.faults.set(mode, 1, 1_000);
    const before = orderCount();
    const response = await postLead({ phone: freshPhone(), click_id: `outage-${mode}` });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ order_id: null, status: 'queued', duplicate: false });
    expect((await leadRow(response.body.lead_id)).state).toBe('queued');

    h.clock.advance(5_000);
    expect(await h.service.context.worker.runOnce()).toBe(1);
    const lead = await leadRow(response.body.lead_id);
    expect(lead.state).toBe('created');
    expect(orderCount()).toBe(before + 1);
    expect((await jobOf(lead.id)).state).toBe('done');

    const again = await postLead({ phone: freshPhone(), click_id: `outage-${mode}` });
    expect(again.body).toMatchObject({ order_id: lead.orderId, duplicate: true, status: 'pending' });
  });

  it('retries on the schedule from the injected clock, not before', async () => {
    h.sandbox.faults.set('http500');
    const response = await postLead({ phone: freshPhone() });
    expect(response.status).toBe(202);
    h.clock.advance(4_000);
    expect(await h.service.context.worker.runOnce()).toBe(0);
    h.clock.advance(1_000);
    expect(await h.service.context.worker.runOnce()).toBe(1);
    // Second failure: the next delay is 15 s.
    h.clock.advance(14_000);
    expect(await h.service.context.worker.runOnce()).toBe(0);
    h.sandbox.faults.clear();
    h.clock.advance(1_000);
    expect(await h.service.context.worker.runOnce()).toBe(1);
    const job = await jobOf(response.body.lead_id);
    expect(job).toMatchObject({ state: 'done', attempts: 3 });
  });

  it('keeps a lead whose campaign token SalesRender refuses, queued until the operator fixes the token', async () => {
    const response = await postLead({ phone: freshPhone() }, 'bad-token');
    expect(response.status).toBe(202);
    const job = await jobOf(response.body.lead_id);
    expect(job).toMatchObject({ state: 'pending', lastHttpStatus: 403 });
    expect(job.lastError).toMatch(/SR_AUTH_FAILED/);
  });

  it('marks the lead failed after the last attempt', async () => {
    h.sandbox.faults.set('http500');
    const response = await postLead({ phone: freshPhone() });
    const db = h.testDatabase.database.orm;
    await db.update(jobs).set({ maxAttempts: 2 }).where(eq(jobs.leadId, response.body.lead_id));
    h.clock.advance(6_000);
    await h.service.context.worker.runOnce();
    expect(await jobOf(response.body.lead_id)).toMatchObject({ state: 'failed', attempts: 2 });
    expect((await leadRow(response.body.lead_id)).state).toBe('failed');
  });
});

describe('SalesRender rejecting the lead', () => {
  it("answers 422 with SalesRender's message on a validation error, and frees the click id", async () => {
    h.sandbox.faults.set('reject', 1);
    const response = await postLead({ phone: freshPhone(), click_id: 'rejected-1' });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'SR_REJECTED', message: 'Order validation failed' });
    expect((await leadRow(response.body.error.lead_id)).state).toBe('rejected');
    expect((await jobOf(response.body.error.lead_id)).state).toBe('failed');
    const retried = await postLead({ phone: freshPhone(), click_id: 'rejected-1' });
    expect(retried.status).toBe(201);
  });

  it('holds the lead (202) when the campaign maps the phone to a field the company lacks: the operator fixes that, not the buyer', async () => {
    const response = await postLead({ phone: freshPhone() }, 'wrong-field');
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('queued');
    const lead = await leadRow(response.body.lead_id);
    expect(lead).toMatchObject({ state: 'queued', errorCode: 'SR_SCHEMA_FAULT' });
    expect(lead.errorMessage).toContain('no_such_field');
    expect((await jobOf(response.body.lead_id)).state).toBe('pending');
  });
});
