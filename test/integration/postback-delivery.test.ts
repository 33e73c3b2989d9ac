// Durable postback delivery: the retry schedule on an injected clock, 410, Retry-After, failure and operator retry.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { deliveryAttempts, jobs } from '../../src/db/schema.js';
import { sendPostback } from '../../src/postbacks/deliver-postback.js';
import { createGuardedAgent } from '../../src/postbacks/outbound-guard.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let key: string;
let companyId = 20;
let phone = 0;

beforeAll(async () => {
  h = await startHarness({ env: { POSTBACK_TIMEOUT_MS: '500' } });
  tracker = await startTestTracker();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

/**
 * A campaign of its own, one lead in it, and its status changed to accepted: returns the postback's id.
 * The worker pass that applies the change also makes the postback's first attempt (the refresh job hands
 * the postback it queued, claimed, to the same worker slot).
 */
async function acceptedLead(alias: string, on: Harness = h): Promise<string> {
  const h = on;
  const campaign = await h.createCampaign(alias, {
    salesrender: { company_id: String(companyId++) },
    // Only the accepted label: these specs follow one postback's delivery (none when the order is created).
    postback: { url: `${tracker.url}/pb?clickid={click_id}&status={status}`, on: ['accepted'] },
  });
  h.addCompanyFor(campaign);
  key = await h.createPartner([alias]);
  const lead = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: `+7912555${String(1000 + phone++)}`, click_id: `${alias}-click` },
    headers: { 'x-api-key': key },
  });
  h.sandbox.changeStatus(campaign.salesrender.company_id, lead.body.order_id, '3');
  await h.sandbox.webhooks.settle();
  await h.service.context.worker.runOnce(); // the refresh job queues the postback and sends it once
  const rows = await h.testDatabase.database.orm
    .select()
    .from(jobs)
    .where(eq(jobs.leadId, lead.body.lead_id));
  const postback = rows.find((row) => row.kind === 'postback');
  expect(postback).toBeDefined();
  return postback!.id;
}

const jobRow = async (id: string) =>
  (await h.testDatabase.database.orm.select().from(jobs).where(eq(jobs.id, id)))[0]!;
const attemptsOf = (id: string) =>
  h.testDatabase.database.orm
    .select()
    .from(deliveryAttempts)
    .where(eq(deliveryAttempts.jobId, id))
    .orderBy(deliveryAttempts.attempt);
const run = () => h.service.context.worker.runOnce();

describe('retries', () => {
  it('delivers on the schedule 5 s, 5 min, 30 min after a tracker that was down', async () => {
    tracker.failNext([503, 500, { status: 502, delayMs: 10 }]);
    const before = tracker.received.length;
    const id = await acceptedLead('retry-schedule');
    expect(await jobRow(id)).toMatchObject({ state: 'pending', attempts: 1, lastHttpStatus: 503 });
    h.clock.advance(4_999);
    expect(await run()).toBe(0);
    h.clock.advance(1);
    expect(await run()).toBe(1);
    h.clock.advance(299_999);
    expect(await run()).toBe(0);
    h.clock.advance(1);
    expect(await run()).toBe(1);
    h.clock.advance(1_800_000);
    expect(await run()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ state: 'done', attempts: 4, lastHttpStatus: 200 });
    expect(tracker.received.length - before).toBe(4);
    const attempts = await attemptsOf(id);
    expect(attempts.map((attempt) => attempt.httpStatus)).toEqual([503, 500, 502, 200]);
    expect(attempts[0]!.url).toContain('/pb?clickid=retry-schedule-click&status=accepted');
    expect(attempts[0]!.responseHead).toBe('FAIL');
    const audit = await h.admin('GET', '/admin/api/audit?campaign=retry-schedule');
    expect(audit.text.split('\n').filter((line) => line.includes('"postback.attempt"'))).toHaveLength(4);
  });

  it('treats a tracker that hangs past the timeout as down, and retries', async () => {
    tracker.failNext([{ status: 200, delayMs: 1_500 }]);
    const id = await acceptedLead('hanging');
    const job = await jobRow(id);
    expect(job).toMatchObject({ state: 'pending', attempts: 1, lastHttpStatus: null });
    expect(job.lastError).toBe('no answer within 500 ms');
    h.clock.advance(5_500);
    await run();
    expect((await jobRow(id)).state).toBe('done');
  });

  it('treats a tracker that closes the connection without answering as down, and retries', async () => {
    tracker.failNext(['reset']);
    const id = await acceptedLead('closing');
    const job = await jobRow(id);
    expect(job).toMatchObject({ state: 'pending', attempts: 1, lastHttpStatus: null });
    expect(job.lastError).toMatch(/closed|reset|socket/i);
    const [attempt] = await attemptsOf(id);
    expect(attempt).toMatchObject({ httpStatus: null });
    h.clock.advance(5_500);
    await run();
    expect((await jobRow(id)).state).toBe('done');
  });

  it('stops at once on 410 Gone', async () => {
    tracker.failNext([410]);
    const id = await acceptedLead('gone');
    expect(await jobRow(id)).toMatchObject({ state: 'failed', attempts: 1, lastHttpStatus: 410 });
  });

  it('honours Retry-After on 429', async () => {
    tracker.failNext([{ status: 429, headers: { 'retry-after': '600' } }]);
    const id = await acceptedLead('retry-after');
    const job = await jobRow(id);
    expect(job.nextAttemptAt.getTime() - h.clock.now().getTime()).toBe(600_000);
    h.clock.advance(599_000);
    expect(await run()).toBe(0);
    h.clock.advance(1_000);
    expect(await run()).toBe(1);
    expect((await jobRow(id)).state).toBe('done');
  });

  it('marks the postback failed after the last try, lists it, and a manual retry delivers it', async () => {
    tracker.failNext(Array.from({ length: 8 }, () => 500));
    const id = await acceptedLead('exhausted');
    for (let attempt = 2; attempt <= 8; attempt++) {
      h.clock.advance(40_000_000);
      expect(await run()).toBe(1);
    }
    expect(await jobRow(id)).toMatchObject({ state: 'failed', attempts: 8 });
    const failed = await h.admin('GET', '/admin/api/postbacks?state=failed&campaign=exhausted');
    expect(failed.body.postbacks).toHaveLength(1);
    expect(failed.body.postbacks[0]).toMatchObject({
      id,
      state: 'failed',
      attempts: 8,
      last_http_status: 500,
      label: 'accepted',
    });

    const retried = await h.admin('POST', `/admin/api/postbacks/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.state).toBe('pending');
    expect(await run()).toBe(1);
    expect(await jobRow(id)).toMatchObject({ state: 'done', attempts: 9 });
    const delivered = await h.admin('GET', '/admin/api/postbacks?state=delivered&campaign=exhausted');
    expect(delivered.body.postbacks.map((postback: any) => postback.id)).toEqual([id]);
    expect((await h.admin('POST', '/admin/api/postbacks/pb_nope/retry')).status).toBe(404);
  });

  it('replays failed postbacks in bulk for a campaign and period', async () => {
    tracker.failNext([410]);
    const first = await acceptedLead('replay');
    expect((await jobRow(first)).state).toBe('failed');
    const replay = await h.admin('POST', '/admin/api/postbacks/replay', {
      campaign: 'replay',
      state: 'failed',
    });
    expect(replay.body).toEqual({ replayed: 1 });
    await run();
    expect((await jobRow(first)).state).toBe('done');
  });
});

describe('test postback', () => {
  it("fires a sample and returns the tracker's answer", async () => {
    await h.createCampaign('test-pb', {
      postback: { url: `${tracker.url}/pb?clickid={click_id}&status={status}&payout={payout}` },
    });
    const response = await h.admin('POST', '/admin/api/campaigns/test-pb/test-postback', {});
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      delivered: true,
      http_status: 200,
      response_head: 'OK',
      url: `${tracker.url}/pb?clickid=test-click-id&status=accepted&payout=12.5`,
    });
    expect(tracker.received.at(-1)!.query.clickid).toBe('test-click-id');
  });
});

describe('outbound safety', () => {
  const payload = (url: string) => ({
    method: 'GET' as const,
    url,
    body: null,
    tid: 't',
    label: 'accepted',
    status_id: '3',
    order_id: '1',
    lead_id: 'lead_x',
  });

  it.each([
    ['loopback literal', 'http://127.0.0.1:9/x'],
    ['localhost by name', 'http://localhost:9/x'],
    ['private network', 'http://10.1.2.3/x'],
    ['metadata service', 'http://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', 'http://[::1]:9/x'],
    ['IPv4-mapped IPv6', 'http://[::ffff:127.0.0.1]:9/x'],
  ])('refuses a %s target unless private targets are allowed', async (_name, url) => {
    const dispatcher = createGuardedAgent(false);
    const result = await sendPostback(payload(url), {}, { allowPrivateTargets: false, dispatcher });
    expect(result.error).toMatch(/^POSTBACK_TARGET_FORBIDDEN/);
    expect(result.forbidden).toBe(true);
    await dispatcher.close();
  });

  it('fails a queued postback to a private address at once, without retries, when private targets are not allowed', async () => {
    const guarded = await startHarness({ env: { LEADBRIDGE_ALLOW_PRIVATE_TARGETS: '0' } });
    try {
      const id = await acceptedLead('guarded', guarded);
      const [job] = await guarded.testDatabase.database.orm.select().from(jobs).where(eq(jobs.id, id));
      expect(job).toMatchObject({ state: 'failed', attempts: 1, lastHttpStatus: null });
      expect(job?.lastError).toMatch(/^POSTBACK_TARGET_FORBIDDEN/);
    } finally {
      await guarded.close();
    }
  });

  it('does not follow redirects', async () => {
    tracker.failNext([{ status: 302, headers: { location: 'http://169.254.169.254/' } }]);
    const dispatcher = createGuardedAgent(true);
    const result = await sendPostback(
      payload(`${tracker.url}/redirect`),
      {},
      { allowPrivateTargets: true, dispatcher },
    );
    expect(result.httpStatus).toBe(302);
    await dispatcher.close();
  });
});
