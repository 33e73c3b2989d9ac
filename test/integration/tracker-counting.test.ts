// What a buyer's tracker reports after LeadBridge's postbacks, against a tracker that counts conversions as
// Keitaro and Orbitra document: one conversion per order, moved lead -> sale -> rejected -> lead -> sale.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeitaroTracker, startKeitaroTracker } from '../../sandbox/keitaro-tracker.js';
import { claimJobs } from '../../src/db/queue/claim-jobs.js';
import type { Job } from '../../src/db/queue/job.js';
import {
  holdPostbackBehindOlder,
  waitingForOlderPostback,
} from '../../src/db/sql/hold-postback-behind-older.js';
import { recordPostbackAttempt } from '../../src/db/sql/record-postback-attempt.js';
import { executeSql } from '../../src/db/sql/statement.js';
import { supersedePostback } from '../../src/db/sql/supersede-postback.js';
import { attemptPostback } from '../../src/postbacks/deliver-postback.js';
import { type Harness, startHarness } from '../support/harness.js';
import { someoneWaitsOnALock } from '../support/lock-waits.js';
import { queryRows } from '../support/query-rows.js';

let h: Harness;
let tracker: KeitaroTracker;
let key: string;
let phone = 0;
const companyId = '61';

beforeAll(async () => {
  h = await startHarness();
  tracker = await startKeitaroTracker();
  const campaign = await h.createCampaign('keitaro', {
    salesrender: { company_id: companyId },
    payouts: { accepted: 12.5 },
    postback: {
      url: `${tracker.url}/${tracker.key}/postback?subid={click_id}&status={status}&payout={payout}&tid={tid}&currency={currency}&return=OK`,
      status_values: { pending: 'lead', accepted: 'sale', rejected: 'rejected', trash: 'rejected' },
      success_match: 'OK',
    },
  });
  h.addCompanyFor(campaign);
  key = await h.createPartner(['keitaro']);
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

async function sendLead(clickId: string | null) {
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/keitaro',
    body: { phone: `+7912888${String(1000 + ++phone)}`, ...(clickId ? { click_id: clickId } : {}) },
    headers: { 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  await h.settle();
  return response.body as { lead_id: string; order_id: string };
}

async function callCentre(orderId: string, statusId: string) {
  h.sandbox.changeStatus(companyId, orderId, statusId);
  await h.settle();
}

/** Runs what is due `ms` later on the harness clock. */
async function runDueAfter(ms: number) {
  h.clock.advance(ms);
  await h.settle();
}

const conversionsOf = (clickId: string) => tracker.conversions().filter((entry) => entry.clickId === clickId);
const requestsOf = (clickId: string) =>
  tracker.requests.filter((request) => request.url.includes(`subid=${clickId}&`));

describe('an order taken, accepted, rejected, re-opened and accepted again', () => {
  it('is one conversion in the tracker, a sale, with its payout counted once; replays change nothing', async () => {
    tracker.registerClick('kc-1');
    const lead = await sendLead('kc-1');
    // Taken: the tracker shows the lead (hold) at once.
    expect(conversionsOf('kc-1')).toEqual([expect.objectContaining({ status: 'lead', payout: 0 })]);
    await callCentre(lead.order_id, '3');
    expect(conversionsOf('kc-1')).toEqual([expect.objectContaining({ status: 'sale', payout: 12.5 })]);
    await callCentre(lead.order_id, '4');
    await callCentre(lead.order_id, '2');
    await callCentre(lead.order_id, '3');
    expect(conversionsOf('kc-1')).toEqual([
      expect.objectContaining({ status: 'sale', payout: 12.5, postbacks: 5 }),
    ]);
    expect(tracker.revenue()).toBe(12.5);

    // The operator sends every delivered postback again: only the newest of the lead goes out, to the same conversion.
    const replay = await h.admin('POST', '/admin/api/postbacks/replay', {
      campaign: 'keitaro',
      state: 'delivered',
    });
    expect(replay.status, replay.text).toBe(200);
    await h.settle();
    expect(conversionsOf('kc-1')).toEqual([expect.objectContaining({ status: 'sale', payout: 12.5 })]);
    expect(tracker.revenue()).toBe(12.5);
  });
});

describe('a postback retried while a newer status is delivered', () => {
  it('never reaches the tracker after the newer one', async () => {
    tracker.registerClick('kc-2');
    tracker.failNext(1);
    const lead = await sendLead('kc-2');
    // The `lead` postback failed once and waits for its retry; meanwhile the call centre accepts.
    expect(conversionsOf('kc-2')).toEqual([]);
    await callCentre(lead.order_id, '3');
    await runDueAfter(3_600_000);
    expect(
      requestsOf('kc-2')
        .map((request) => request.url)
        .at(-1),
    ).toContain('status=sale');
    expect(conversionsOf('kc-2')).toEqual([expect.objectContaining({ status: 'sale', postbacks: 1 })]);
  });
});

describe('what the tracker could not match', () => {
  it('sends nothing for a lead without a click id', async () => {
    const before = tracker.requests.length;
    const lead = await sendLead(null);
    await callCentre(lead.order_id, '3');
    expect(tracker.requests.length).toBe(before);
  });

  it('stops after three tries when the tracker answers 404 for an unknown click id', async () => {
    const lead = await sendLead('kc-unknown');
    await callCentre(lead.order_id, '3');
    for (let hour = 0; hour < 4; hour++) await runDueAfter(3_600_000);
    const statuses = requestsOf('kc-unknown').map((request) => request.status);
    // The `lead` postback was superseded by the `sale` after its first 404; the `sale` is tried three times.
    expect(statuses.every((status) => status === 404)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(4);
    const postbacks = await h.admin('GET', '/admin/api/postbacks?campaign=keitaro&state=failed');
    expect(postbacks.body.postbacks).toContainEqual(
      expect.objectContaining({
        lead_id: lead.lead_id,
        label: 'accepted',
        attempts: 3,
        last_http_status: 404,
      }),
    );
  });
});

/** Posts a lead without running its jobs, and claims its `lead` postback as `workerId` would. */
async function leadWithPostbackClaimedBy(workerId: string, clickId: string, phone: string) {
  tracker.registerClick(clickId);
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/keitaro',
    body: { phone, click_id: clickId },
    headers: { 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  const [postback] = await claimJobs(h.testDatabase.database.orm, {
    workerId,
    now: h.clock.now(),
    leaseMs: 60_000,
    limit: 1,
    kinds: ['postback'],
  });
  expect(postback?.leadId).toBe(response.body.lead_id);
  return { order: response.body as { order_id: string }, postback: postback as Job<'postback'> };
}

describe('a newer status queued while another instance holds the older postback, before it sends', () => {
  it('goes out as soon as the older one steps aside, not when its wait for it runs out', async () => {
    // Another instance claims the `lead` postback and has not yet looked at the lead's other postbacks.
    const { order, postback: older } = await leadWithPostbackClaimedBy(
      'other-instance',
      'kc-4',
      '+79128887777',
    );
    // The call centre accepts: the `sale` postback sees the older one in flight and waits for it.
    // (Not `settle`: it would wait for the other instance's job.)
    h.sandbox.changeStatus(companyId, order.order_id, '3');
    await h.sandbox.webhooks.settle();
    while ((await h.service.context.worker.runOnce()) > 0) await h.sandbox.webhooks.settle();
    expect(requestsOf('kc-4')).toEqual([]);
    // The other instance now sees the newer postback and drops its own without sending it.
    await attemptPostback(h.service.context.deliveryDeps, older);
    await h.settle();
    expect(
      requestsOf('kc-4').map((request) => new URL(request.url, 'http://t').searchParams.get('status')),
    ).toEqual(['sale']);
  });

  it('is not put to wait for an older one that ended after it looked', async () => {
    const { postback } = await leadWithPostbackClaimedBy('this-instance', 'kc-5', '+79128886666');
    // As if it had seen an older postback in flight that has been answered since: nothing older runs now.
    const held = await executeSql(h.testDatabase.database.orm, holdPostbackBehindOlder, {
      job: postback,
      endpointId: null,
      seq: 99,
      at: h.clock.now(),
      nextAttemptAt: new Date(h.clock.now().getTime() + 2_000),
    });
    expect(held).toEqual([]);
    await attemptPostback(h.service.context.deliveryDeps, postback);
    expect(conversionsOf('kc-5')).toEqual([expect.objectContaining({ status: 'lead' })]);
  });
});

/** Runs every job that is due now (the clock does not move), with the webhooks they wait for. */
async function runDueJobs() {
  await h.sandbox.webhooks.settle();
  while ((await h.service.context.worker.runOnce()) > 0) await h.sandbox.webhooks.settle();
}

const statusesSentTo = (clickId: string) =>
  requestsOf(clickId).map((request) => new URL(request.url, 'http://t').searchParams.get('status'));

async function postbackRow(id: string) {
  const [row] = await queryRows<{ state: string; next_attempt_at: Date | string }>(
    h.testDatabase.database.orm,
    sql`select state, next_attempt_at from jobs where id = ${id}`,
  );
  return { state: row?.state, nextAttemptAt: new Date(row?.next_attempt_at ?? 0) };
}

/**
 * An order whose `lead` postback another instance holds (claimed, not yet sent) and whose `sale`
 * postback this instance holds: the two instances are about to decide, each about the other.
 */
async function twoPostbacksClaimed(clickId: string, phone: string) {
  const { order, postback: older } = await leadWithPostbackClaimedBy('other-instance', clickId, phone);
  h.sandbox.changeStatus(companyId, order.order_id, '3');
  await runDueJobs(); // the `sale` postback is queued, sees the older one claimed, and waits 2 s for it
  h.clock.advance(2_000);
  const [newer] = await claimJobs(h.testDatabase.database.orm, {
    workerId: 'this-instance',
    now: h.clock.now(),
    leaseMs: 60_000,
    limit: 1,
    kinds: ['postback'],
  });
  expect(newer?.leadId).toBe(older.leadId);
  return { older, newer: newer as Job<'postback'> };
}

const holdInput = (job: Job<'postback'>) => ({
  job,
  endpointId: null,
  seq: job.payload.seq ?? -1,
  at: h.clock.now(),
  nextAttemptAt: new Date(h.clock.now().getTime() + 2_000),
});

/** Waits until `promise`'s statement is blocked on a row lock another transaction holds (at most 5 s). */
async function blockedOnALock(promise: Promise<unknown>) {
  let settled = false;
  const settle = () => {
    settled = true;
  };
  void promise.then(settle, settle);
  const waiting = await someoneWaitsOnALock(h.testDatabase.database.orm, { giveUp: () => settled });
  return waiting && !settled;
}

describe('a newer status queued while the older postback is being sent', () => {
  it('goes out as soon as the older one is answered, not when its wait for it runs out', async () => {
    const { order, postback: older } = await leadWithPostbackClaimedBy(
      'other-instance',
      'kc-6',
      '+79128885555',
    );
    tracker.delayNext(2_000);
    const sending = attemptPostback(h.service.context.deliveryDeps, older);
    const deadline = Date.now() + 5_000;
    while (tracker.inFlight() === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    // The call centre accepts while the tracker holds the `lead` postback: the `sale` one waits for it.
    h.sandbox.changeStatus(companyId, order.order_id, '3');
    await runDueJobs();
    expect(tracker.inFlight()).toBe(1);
    expect(
      await queryRows(
        h.testDatabase.database.orm,
        sql`select state, last_error from jobs where kind = 'postback' and lead_id = ${older.leadId}
          and id <> ${older.id}`,
      ),
    ).toEqual([{ state: 'pending', last_error: waitingForOlderPostback }]);
    await sending;
    // The clock has not moved: the older one's answer is what made the newer one due.
    await runDueJobs();
    expect(statusesSentTo('kc-6')).toEqual(['lead', 'sale']);
    expect(conversionsOf('kc-6')).toEqual([expect.objectContaining({ status: 'sale' })]);
  });
});

describe('two instances deciding about two postbacks of one lead at the same moment', () => {
  it('does not wait for an older postback whose superseding is being committed', async () => {
    const { older, newer } = await twoPostbacksClaimed('kc-7', '+79128884444');
    const database = h.testDatabase.database;
    let waiting: Promise<{ id: string }[]> | undefined;
    await database.orm.transaction(async (tx) => {
      // The other instance drops its `lead` postback; its statement is not committed yet.
      await executeSql(tx, supersedePostback, {
        job: older,
        endpointId: null,
        seq: older.payload.seq ?? -1,
        at: h.clock.now(),
        reason: 'a newer postback of the lead was queued',
        auditRows: '[]',
      });
      // This instance, having seen it claimed, goes to wait for it.
      waiting = executeSql(database.orm, holdPostbackBehindOlder, holdInput(newer));
      expect(await blockedOnALock(waiting)).toBe(true);
    });
    expect(await waiting).toEqual([]);
    expect((await postbackRow(newer.id)).state).toBe('running');
    // So this instance sends it now.
    await attemptPostback(h.service.context.deliveryDeps, newer);
    expect(statusesSentTo('kc-7')).toEqual(['sale']);
  });

  it('releases a wait that was being committed as the older postback was superseded', async () => {
    const { older, newer } = await twoPostbacksClaimed('kc-8', '+79128883333');
    const database = h.testDatabase.database;
    let superseding: Promise<void> | undefined;
    await database.orm.transaction(async (tx) => {
      // This instance goes to wait for the `lead` postback; its statement is not committed yet.
      expect(await executeSql(tx, holdPostbackBehindOlder, holdInput(newer))).toHaveLength(1);
      // The other instance sees the newer postback and drops its own.
      superseding = attemptPostback(h.service.context.deliveryDeps, older);
      expect(await blockedOnALock(superseding)).toBe(true);
    });
    await superseding;
    expect(await postbackRow(newer.id)).toEqual({ state: 'pending', nextAttemptAt: h.clock.now() });
    await runDueJobs();
    expect(statusesSentTo('kc-8')).toEqual(['sale']);
  });

  it('releases a wait that was being committed as the older postback was answered', async () => {
    const { older, newer } = await twoPostbacksClaimed('kc-9', '+79128882222');
    const database = h.testDatabase.database;
    let recording: Promise<unknown> | undefined;
    await database.orm.transaction(async (tx) => {
      expect(await executeSql(tx, holdPostbackBehindOlder, holdInput(newer))).toHaveLength(1);
      // The other instance records its `lead` postback's answer.
      recording = executeSql(database.orm, recordPostbackAttempt, {
        job: older,
        sequence: { leadId: older.leadId, endpointId: null, seq: older.payload.seq ?? -1 },
        at: h.clock.now(),
        outcome: { state: 'done', error: null, httpStatus: 200, nextAttemptAt: null },
        attempt: {
          number: 1,
          method: 'GET',
          url: 'https://t.example/pb',
          latencyMs: 5,
          responseHead: 'OK',
          error: null,
        },
        auditRows: '[]',
      });
      expect(await blockedOnALock(recording)).toBe(true);
    });
    await recording;
    expect(await postbackRow(newer.id)).toEqual({ state: 'pending', nextAttemptAt: h.clock.now() });
    await runDueJobs();
    expect(statusesSentTo('kc-9')).toEqual(['sale']);
  });
});

describe('a newer status while the older postback is still being sent', () => {
  it('is sent after the older one is answered, so the tracker ends with the newer status', async () => {
    tracker.registerClick('kc-3');
    tracker.delayNext(1_500);
    h.service.context.worker.start();
    const response = await h.request({
      method: 'POST',
      url: '/v1/leads/keitaro',
      body: { phone: '+79128889999', click_id: 'kc-3' },
      headers: { 'x-api-key': key },
    });
    expect(response.status).toBe(201);
    const deadline = Date.now() + 5_000;
    while (tracker.inFlight() === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(tracker.inFlight()).toBe(1);
    // The call centre accepts while the tracker still holds the `lead` postback.
    h.sandbox.changeStatus(companyId, response.body.order_id, '3');
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    h.clock.advance(5_000);
    h.service.context.worker.wake();
    await h.settle();
    const order = requestsOf('kc-3').map((request) =>
      new URL(request.url, 'http://t').searchParams.get('status'),
    );
    expect(order).toEqual(['lead', 'sale']);
    expect(conversionsOf('kc-3')).toEqual([expect.objectContaining({ status: 'sale' })]);
  });
});
