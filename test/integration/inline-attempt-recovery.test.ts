// A lead whose inline SalesRender attempt died with its process gets a create_order job; live ones don't.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCampaignById } from '../../src/campaigns/campaign-repository.js';
import { jobs, leads } from '../../src/db/schema.js';
import { randomIds } from '../../src/ids.js';
import { attemptCreateOrder } from '../../src/leads/create-order.js';
import { type LeadRow, queuedLeadRow } from '../../src/leads/lead-repository.js';
import { recoverInlineAttempts, startInlineAttempt } from '../../src/leads/lead-write-protocol.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let campaignId: string;
let counter = 0;

beforeAll(async () => {
  h = await startHarness();
  campaignId = (await h.createCampaign('recovery')).id;
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.testDatabase.database.orm;

/** Stores a lead as the intake does, with its acceptance audited under `requestId`. */
async function storedLead(fields: Partial<LeadRow>): Promise<LeadRow> {
  const now = h.clock.now();
  const lead = queuedLeadRow(
    {
      id: `lead_recovery${counter++}`,
      campaignId,
      country: 'RU',
      phone: `+7912000${String(1000 + counter)}`,
      ...fields,
    },
    now,
  );
  await db().insert(leads).values(lead);
  await h.service.context.audit.write(db(), {
    event: 'lead.accepted',
    requestId: `req-${lead.id}`,
    campaignId,
    leadId: lead.id,
  });
  return lead;
}

const jobsOf = (leadId: string) => db().select().from(jobs).where(eq(jobs.leadId, leadId));
const leadRow = async (id: string) => (await db().select().from(leads).where(eq(leads.id, id)))[0]!;

describe('recovering inline attempts', () => {
  it('gives a lead whose lease has passed one pending job, its attempt counted, its request kept', async () => {
    const now = h.clock.now();
    const dead = await storedLead({ inlineLeaseUntil: new Date(now.getTime() - 1) });
    const alive = await storedLead({ inlineLeaseUntil: new Date(now.getTime() + 60_000) });
    const created = await storedLead({
      state: 'created',
      orderId: '77',
      inlineLeaseUntil: new Date(now.getTime() - 1),
    });

    expect(await recoverInlineAttempts(db(), { now, ids: randomIds })).toBe(1);
    const [job] = await jobsOf(dead.id);
    expect(job).toMatchObject({
      kind: 'create_order',
      state: 'pending',
      attempts: 1,
      dedupeKey: `create_order:${dead.id}`,
      payload: { requestId: `req-${dead.id}` },
    });
    expect((await leadRow(dead.id)).inlineLeaseUntil).toBeNull();
    expect(await jobsOf(alive.id)).toHaveLength(0);
    expect(await jobsOf(created.id)).toHaveLength(0);

    // A second sweep finds nothing: the lead's lease was cleared with its job.
    expect(await recoverInlineAttempts(db(), { now, ids: randomIds })).toBe(0);
    expect(await jobsOf(dead.id)).toHaveLength(1);
  });

  it('lets the worker create the order of a recovered lead once', async () => {
    const now = h.clock.now();
    await h.service.context.worker.runOnce(); // the job recovered in the test above
    const dead = await storedLead({ inlineLeaseUntil: new Date(now.getTime() - 1) });
    const ordersBefore = h.sandbox.companies.get('1')!.orders.size;
    await recoverInlineAttempts(db(), { now, ids: randomIds });
    await h.service.context.worker.runOnce();
    const lead = await leadRow(dead.id);
    expect(lead).toMatchObject({ state: 'created', inlineLeaseUntil: null });
    expect(lead.orderId).toEqual(expect.any(String));
    expect(h.sandbox.companies.get('1')!.orders.size).toBe(ordersBefore + 1);
    const [job] = await jobsOf(dead.id);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('writes no job for a lead whose inline attempt succeeded, and one for a retry', async () => {
    const key = await h.createPartner(['recovery']);
    const postLead = (body: Record<string, unknown>) =>
      h.request({ method: 'POST', url: '/v1/leads/recovery', body, headers: { 'x-api-key': key } });
    const created = await postLead({ phone: '+79120009999', click_id: 'recovery-ok' });
    expect(created.status).toBe(201);
    expect(await jobsOf(created.body.lead_id)).toHaveLength(0);
    expect((await leadRow(created.body.lead_id)).inlineLeaseUntil).toBeNull();

    h.sandbox.faults.set('http500', 1);
    const queued = await postLead({ phone: '+79120009998', click_id: 'recovery-retry' });
    expect(queued.status).toBe(202);
    const [job] = await jobsOf(queued.body.lead_id);
    expect(job).toMatchObject({ kind: 'create_order', state: 'pending', attempts: 1 });
    expect((await leadRow(queued.body.lead_id)).inlineLeaseUntil).toBeNull();
  });
});

describe('an inline attempt that fails after its lease has passed', () => {
  it('leaves the lead to the job the sweep gave it, and only audits its call', async () => {
    const deps = h.service.context.leadDeps;
    const now = h.clock.now();
    const campaign = (await findCampaignById(db(), campaignId))!;
    const inline = startInlineAttempt(
      deps,
      { id: `lead_recovery${counter++}`, campaignId, requestId: 'req-late' },
      now,
    );
    const lead = await storedLead({ id: inline.job.leadId!, inlineLeaseUntil: new Date(now.getTime() - 1) });
    // The lease passed while the call was out: the sweep gave the lead a job, which made the order.
    await recoverInlineAttempts(db(), { now, ids: randomIds });
    await h.service.context.worker.runOnce();
    expect(await leadRow(lead.id)).toMatchObject({ state: 'created', inlineLeaseUntil: null });

    // Then the inline call itself fails.
    h.sandbox.faults.set('http500', 1);
    const outcome = await attemptCreateOrder(deps, inline.job, { lead, campaign, inline });
    expect(outcome.kind).toBe('queued');
    const after = await leadRow(lead.id);
    expect(after).toMatchObject({ state: 'created', errorCode: null });
    expect(after.orderId).toEqual(expect.any(String));
    expect(await jobsOf(lead.id)).toEqual([expect.objectContaining({ state: 'done' })]);
    const rows = await h.testDatabase.database.script((run) =>
      run(`select event, outcome from audit_log where lead_id = $1 and event like any ($2) order by id`, [
        lead.id,
        ['salesrender.call', 'order.%'],
      ]),
    );
    // The failure is not recorded as the lead's (no retry scheduled on a created order): only its call.
    expect(rows.map((row) => `${row.event} ${row.outcome}`)).toEqual([
      'salesrender.call 200',
      'order.created created',
      'salesrender.call 500',
    ]);
  });
});
