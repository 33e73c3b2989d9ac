// Caps over HTTP against the sandbox, on the test database: campaign and partner caps, daily (in the
// campaign's time zone) and total, counting only leads forwarded to SalesRender.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let serial = 0;
/** A valid RU mobile number not used by another test in this file. */
const freshPhone = () => `+7912${String(10_000_000 + serial++).slice(1)}`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A partner allowed `aliases`: its id (for its caps) and its API key. */
async function newPartner(aliases: string[]): Promise<{ id: string; key: string }> {
  const response = await h.admin('POST', '/admin/api/partners', { name: `P${serial++}`, campaigns: aliases });
  expect(response.status).toBe(201);
  return { id: response.body.id, key: response.body.api_key };
}

const postLead = (alias: string, key: string, body: Record<string, unknown> = {}) =>
  h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: freshPhone(), ...body },
    headers: { 'x-api-key': key },
  });

const statusesOf = (responses: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
};

const ordersInSandbox = () => h.sandbox.companies.get('1')!.orders.size;

describe('a campaign total cap', () => {
  it('forwards exactly 50 of 200 concurrent leads under a cap of 50 and refuses the rest with 429 CAP_REACHED', async () => {
    await h.createCampaign('burst', { caps: { daily: null, total: 50 } });
    const partner = await newPartner(['burst']);
    const ordersBefore = ordersInSandbox();

    const answers = await Promise.all(Array.from({ length: 200 }, () => postLead('burst', partner.key)));

    expect(statusesOf(answers)).toEqual({ 201: 50, 429: 150 });
    expect(ordersInSandbox() - ordersBefore).toBe(50);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(refused.body.error).toMatchObject({
      code: 'CAP_REACHED',
      message: expect.any(String),
      request_id: expect.any(String),
      cap: { scope: 'campaign', period: 'total', limit: 50 },
      resets_at: null,
    });
    // A total cap does not reset: there is no time to come back at.
    expect(refused.headers['retry-after']).toBeUndefined();
  });

  it('audits each refusal and counts it in leadbridge_cap_refusals_total', async () => {
    await h.createCampaign('audited-cap', { caps: { total: 0 } });
    const partner = await newPartner(['audited-cap']);
    const refused = await postLead('audited-cap', partner.key);
    expect(refused.status).toBe(429);
    const rows = await h.testDatabase.database.orm
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.requestId, refused.body.error.request_id), eq(auditLog.event, 'lead.refused')));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'CAP_REACHED', httpStatus: 429 });
    const metrics = await h.request({ method: 'GET', url: '/metrics' });
    expect(metrics.text).toMatch(/leadbridge_cap_refusals_total\{scope="campaign",period="total"\} [1-9]/);
  });
});

describe('a daily cap', () => {
  it("counts the day in the campaign's time zone and resets at its midnight, with Retry-After until then", async () => {
    // 10:00 UTC is 19:00 in Tokyo (UTC+9, no daylight saving): the Tokyo day ends at 15:00 UTC.
    h.clock.set(new Date('2026-03-01T10:00:00Z'));
    await h.createCampaign('tokyo', { timezone: 'Asia/Tokyo', caps: { daily: 2 } });
    const partner = await newPartner(['tokyo']);
    expect((await postLead('tokyo', partner.key)).status).toBe(201);
    expect((await postLead('tokyo', partner.key)).status).toBe(201);

    const refused = await postLead('tokyo', partner.key);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'CAP_REACHED',
      cap: { scope: 'campaign', period: 'daily', limit: 2 },
      resets_at: '2026-03-01T15:00:00.000Z',
    });
    expect(refused.headers['retry-after']).toBe(String(5 * 3600));

    h.clock.set(new Date('2026-03-01T14:59:59Z'));
    const lastSecond = await postLead('tokyo', partner.key);
    expect(lastSecond.status).toBe(429);
    expect(lastSecond.headers['retry-after']).toBe('1');

    h.clock.set(new Date('2026-03-01T15:00:00Z'));
    expect((await postLead('tokyo', partner.key)).status).toBe(201);
    expect((await postLead('tokyo', partner.key)).status).toBe(201);
    const nextDay = await postLead('tokyo', partner.key);
    expect(nextDay.status).toBe(429);
    expect(nextDay.body.error.resets_at).toBe('2026-03-02T15:00:00.000Z');
  });

  it('defaults to UTC days', async () => {
    h.clock.set(new Date('2026-03-05T23:00:00Z'));
    await h.createCampaign('utc-day', { caps: { daily: 1 } });
    const partner = await newPartner(['utc-day']);
    expect((await postLead('utc-day', partner.key)).status).toBe(201);
    const refused = await postLead('utc-day', partner.key);
    expect(refused.body.error.resets_at).toBe('2026-03-06T00:00:00.000Z');
    expect(refused.headers['retry-after']).toBe('3600');
  });
});

describe('partner caps', () => {
  it("refuse one partner's leads over its own cap while the campaign cap still takes the other partner's", async () => {
    h.clock.set(new Date('2026-03-10T09:00:00Z'));
    await h.createCampaign('shared-cap', { caps: { daily: 3, total: null } });
    const capped = await newPartner(['shared-cap']);
    const free = await newPartner(['shared-cap']);
    const set = await h.request({
      method: 'PUT',
      url: `/admin/api/partners/${capped.id}/campaigns/shared-cap/caps`,
      body: { daily: 1 },
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      partner_id: capped.id,
      campaign: 'shared-cap',
      caps: { daily: 1, total: null },
    });

    expect((await postLead('shared-cap', capped.key)).status).toBe(201);
    const overOwn = await postLead('shared-cap', capped.key);
    expect(overOwn.status).toBe(429);
    expect(overOwn.body.error.cap).toEqual({ scope: 'partner', period: 'daily', limit: 1 });

    expect((await postLead('shared-cap', free.key)).status).toBe(201);
    expect((await postLead('shared-cap', free.key)).status).toBe(201);
    const overCampaign = await postLead('shared-cap', free.key);
    expect(overCampaign.status).toBe(429);
    expect(overCampaign.body.error.cap).toEqual({ scope: 'campaign', period: 'daily', limit: 3 });

    const detail = await h.admin('GET', `/admin/api/partners/${capped.id}`);
    expect(detail.body.caps).toEqual({ 'shared-cap': { daily: 1, total: null } });
  });

  it('a partner total cap is named before a campaign daily cap when both are reached', async () => {
    await h.createCampaign('both-caps', { caps: { daily: 1 } });
    const partner = await newPartner(['both-caps']);
    await h.request({
      method: 'PUT',
      url: `/admin/api/partners/${partner.id}/campaigns/both-caps/caps`,
      body: { total: 1 },
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect((await postLead('both-caps', partner.key)).status).toBe(201);
    const refused = await postLead('both-caps', partner.key);
    expect(refused.body.error).toMatchObject({
      cap: { scope: 'partner', period: 'total', limit: 1 },
      resets_at: null,
    });
  });

  it('are refused with field errors when negative, and on a campaign the partner may not use', async () => {
    await h.createCampaign('not-theirs');
    const partner = await newPartner(['burst']);
    const negative = await h.request({
      method: 'PUT',
      url: `/admin/api/partners/${partner.id}/campaigns/burst/caps`,
      body: { daily: -1, total: 2.5 },
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(negative.status).toBe(422);
    expect(negative.body.error.fields).toEqual({
      daily: 'must be 0 or more (null: no cap)',
      total: 'must be a whole number of leads or null',
    });
    const notAllowed = await h.request({
      method: 'PUT',
      url: `/admin/api/partners/${partner.id}/campaigns/not-theirs/caps`,
      body: { daily: 5 },
      headers: { authorization: 'Bearer test-admin-token-0123456789' },
    });
    expect(notAllowed.status).toBe(422);
    expect(notAllowed.body.error.fields.campaign).toMatch(/may not send leads to not-theirs/);
  });
});

describe('what a cap counts', () => {
  it('counts neither duplicates (200, 409) nor refusals (422, SalesRender rejections)', async () => {
    await h.createCampaign('counted', { caps: { total: 2 }, countries: ['RU'] });
    const partner = await newPartner(['counted']);
    const phone = freshPhone();
    expect((await postLead('counted', partner.key, { phone, click_id: 'counted-1' })).status).toBe(201);

    expect((await postLead('counted', partner.key, { phone, click_id: 'counted-1' })).status).toBe(200);
    expect((await postLead('counted', partner.key, { phone })).status).toBe(409);
    expect((await postLead('counted', partner.key, { phone: '12' })).status).toBe(422);
    expect((await postLead('counted', partner.key, { phone: '+49 1512 3456789' })).status).toBe(422);
    h.sandbox.faults.set('reject', 1);
    const rejected = await postLead('counted', partner.key);
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.code).toBe('SR_REJECTED');

    expect((await postLead('counted', partner.key)).status).toBe(201);
    const refused = await postLead('counted', partner.key);
    expect(refused.status).toBe(429);
    expect(refused.body.error.cap).toEqual({ scope: 'campaign', period: 'total', limit: 2 });
  });

  it('counts leads sent before the cap was set, and a raised cap takes leads again at once', async () => {
    h.clock.set(new Date('2026-03-12T08:00:00Z'));
    await h.createCampaign('late-cap');
    const partner = await newPartner(['late-cap']);
    for (let i = 0; i < 3; i++) expect((await postLead('late-cap', partner.key)).status).toBe(201);

    const capped = await h.admin('PATCH', '/admin/api/campaigns/late-cap', { caps: { total: 3 } });
    expect(capped.status).toBe(200);
    expect(capped.body.caps).toEqual({ daily: null, total: 3 });
    expect((await postLead('late-cap', partner.key)).status).toBe(429);

    const raised = await h.admin('PATCH', '/admin/api/campaigns/late-cap', { caps: { daily: 4 } });
    expect(raised.body.caps).toEqual({ daily: 4, total: 3 });
    await h.admin('PATCH', '/admin/api/campaigns/late-cap', { caps: { total: 5 } });
    expect((await postLead('late-cap', partner.key)).status).toBe(201);
    const daily = await postLead('late-cap', partner.key);
    expect(daily.status).toBe(429);
    expect(daily.body.error.cap).toEqual({ scope: 'campaign', period: 'daily', limit: 4 });
  });
});
