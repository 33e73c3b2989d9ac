// How LeadBridge reads a tracker's answer: a 4xx is a refusal (a few tries, then failed), a 2xx counts only
// when it says what the endpoint's success_match asks, and a POST's URL is filled like a GET's.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { jobs } from '../../src/db/schema.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let key: string;
let phone = 0;
const companies: Record<string, string> = {
  'pa-404': '51',
  'pa-match': '52',
  'pa-post': '53',
  'pa-noclick': '54',
};

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
  const url = (path: string) => `${tracker.url}${path}?clickid={click_id}&status={status}&tid={tid}`;
  const postbacks: Record<string, Record<string, unknown>> = {
    'pa-404': { url: url('/pb') },
    'pa-match': { url: `${url('/pb')}&return=OK`, success_match: 'OK' },
    'pa-post': { url: url('/hook'), method: 'POST' },
    'pa-noclick': { url: url('/pb') },
  };
  for (const [alias, postback] of Object.entries(postbacks)) {
    const campaign = await h.createCampaign(alias, {
      salesrender: { company_id: companies[alias] },
      postback: { on: ['accepted'], ...postback },
    });
    h.addCompanyFor(campaign);
  }
  key = await h.createPartner(Object.keys(postbacks));
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

/** A lead of `alias` accepted by the call centre; resolves once its first postback attempt is done. */
async function acceptedLead(alias: string) {
  const clickId = `${alias}-${++phone}`;
  const response = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: `+7912777${String(1000 + phone)}`, click_id: clickId },
    headers: { 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  h.sandbox.changeStatus(companies[alias]!, response.body.order_id, '3');
  await h.settle();
  return { leadId: response.body.lead_id as string, clickId };
}

const postbackJob = async (leadId: string) =>
  (
    await h.testDatabase.database.orm
      .select()
      .from(jobs)
      .where(and(eq(jobs.leadId, leadId), eq(jobs.kind, 'postback')))
  )[0]!;

/** Runs what is due `ms` later on the harness clock. */
async function runDueAfter(ms: number) {
  h.clock.advance(ms);
  await h.settle();
}

describe('a tracker answering 404 (click id not found)', () => {
  it('is tried three times on the normal schedule, then failed with the answer', async () => {
    tracker.failNext([404, 404, 404]);
    const { leadId, clickId } = await acceptedLead('pa-404');
    await runDueAfter(6_000);
    await runDueAfter(330_000);
    await runDueAfter(2_000_000);
    const job = await postbackJob(leadId);
    expect(job).toMatchObject({ state: 'failed', attempts: 3, lastHttpStatus: 404 });
    expect(job.lastError).toContain('404');
    expect(tracker.received.filter((postback) => postback.query.clickid === clickId)).toHaveLength(3);
  });
});

describe('an endpoint with success_match', () => {
  it('counts a 200 without it as a failed attempt and delivers on the 200 that has it', async () => {
    tracker.failNext([{ status: 200, body: '<html>Orbitra admin: sign in</html>' }]);
    const { leadId, clickId } = await acceptedLead('pa-match');
    expect((await postbackJob(leadId)).state).toBe('pending');
    await runDueAfter(6_000);
    const job = await postbackJob(leadId);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
    expect(tracker.received.filter((postback) => postback.query.clickid === clickId)).toHaveLength(2);
  });

  it('refuses a success_match that is not a valid regular expression, naming the field', async () => {
    const response = await h.admin('PATCH', '/admin/api/campaigns/pa-match', {
      postback: { url: `${tracker.url}/pb?clickid={click_id}`, success_match: '/[unclosed/' },
    });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.error.fields)).toEqual(['postback.success_match']);
  });
});

describe('a POST postback', () => {
  it('fills the macros of its URL like a GET', async () => {
    const { clickId } = await acceptedLead('pa-post');
    const received = tracker.received.filter((postback) => postback.query.clickid === clickId);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', query: { clickid: clickId, status: 'accepted' } });
    expect(JSON.parse(received[0]!.body)).toMatchObject({ click_id: clickId, status: 'accepted' });
  });
});

describe('a lead without a click id', () => {
  it('is not posted back to a URL that needs {click_id}: skipped with the reason, in the console and the API', async () => {
    const response = await h.request({
      method: 'POST',
      url: '/v1/leads/pa-noclick',
      body: { phone: '+79127779999' },
      headers: { 'x-api-key': key },
    });
    expect(response.status).toBe(201);
    const before = tracker.received.length;
    h.sandbox.changeStatus(companies['pa-noclick']!, response.body.order_id, '3');
    await h.settle();
    await runDueAfter(600_000);
    expect(tracker.received.length).toBe(before);
    const job = await postbackJob(response.body.lead_id);
    expect(job).toMatchObject({ state: 'skipped', attempts: 0 });
    const lead = await h.request({
      method: 'GET',
      url: `/v1/leads/${response.body.lead_id}`,
      headers: { 'x-api-key': key },
    });
    expect(lead.body.postbacks).toEqual([
      expect.objectContaining({
        label: 'accepted',
        state: 'skipped',
        reason: expect.stringContaining('click id'),
      }),
    ]);
    const listed = await h.admin('GET', '/admin/api/postbacks?campaign=pa-noclick&state=skipped');
    expect(listed.status, listed.text).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(response.body.lead_id);
  });
});

describe('tracker presets', () => {
  it('are listed for the console and API clients, and each is a postback a campaign accepts', async () => {
    const listed = await h.admin('GET', '/admin/api/postback-presets');
    expect(listed.status).toBe(200);
    const ids = listed.body.presets.map((preset: { id: string }) => preset.id);
    expect(ids).toEqual(expect.arrayContaining(['keitaro', 'voluum', 'redtrack', 'binom-v1']));
    for (const preset of listed.body.presets as {
      id: string;
      fits: string;
      postback: Record<string, unknown>;
    }[]) {
      expect(preset.fits).toBeTruthy();
      const url = String(preset.postback.url)
        .replace(/<[^>]+>/g, 'x')
        .replace('https://x', tracker.url);
      const saved = await h.admin('PATCH', '/admin/api/campaigns/pa-match', {
        postback: { ...preset.postback, url },
      });
      expect(saved.status, `${preset.id}: ${saved.text}`).toBe(200);
    }
  });
});
