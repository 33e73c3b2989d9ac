// Traffic rules over HTTP against the sandbox: allowed countries, the phone dedupe across a SalesRender
// company's campaigns, and the duplicate-IP window; and the precise field errors of their configuration.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema.js';
import { type Harness, sandboxSalesRender, startHarness } from '../support/harness.js';

let h: Harness;
let key: string;

/** Valid mobile numbers (libphonenumber-js) by country, written internationally. */
const phones = {
  DE: '+49 1512 3456789',
  FR: '+33 6 12 34 56 78',
  PL: '+48 512 345 678',
  ES: '+34 612 34 56 78',
  IT: '+39 312 345 6789',
  RU: '+7 912 345-67-89',
  KZ: '+7 701 234 5678',
  UA: '+380 50 123 4567',
  BR: '+55 11 91234-5678',
  US: '+1 415 867 5309',
};

beforeAll(async () => {
  h = await startHarness();
  const europe = { default_country: null, countries: ['de', 'FR', 'PL', 'ES', 'IT'] };
  await h.createCampaign('europe', europe);
  // Three campaigns on the sandbox's company 1, and one on another company (another base URL).
  await h.createCampaign('company-wide', { default_country: null, dedupe_scope: 'connection' });
  await h.createCampaign('sibling', { default_country: null });
  await h.createCampaign('own-only', { default_country: null });
  await h.createCampaign('other-company', {
    default_country: null,
    dedupe_scope: 'connection',
    salesrender: { base_url: h.sandbox.url.replace('127.0.0.1', 'localhost') },
  });
  await h.createCampaign('one-per-ip', { duplicate_ip_window_hours: 2 });
  await h.createCampaign('any-ip');
  key = await h.createPartner([
    'europe',
    'company-wide',
    'sibling',
    'own-only',
    'other-company',
    'one-per-ip',
    'any-ip',
  ]);
});
afterAll(async () => {
  await h?.close();
});

const postLead = (alias: string, body: Record<string, unknown>) =>
  h.request({ method: 'POST', url: `/v1/leads/${alias}`, body, headers: { 'x-api-key': key } });

describe('a campaign with countries', () => {
  it.each(['DE', 'FR', 'PL', 'ES', 'IT'] as const)('takes a %s number', async (country) => {
    const response = await postLead('europe', { phone: phones[country], click_id: `geo-ok-${country}` });
    expect(response.status).toBe(201);
  });

  it.each(['RU', 'KZ', 'UA', 'BR', 'US'] as const)(
    'refuses a %s number with 422 LEAD_GEO_NOT_ALLOWED naming the phone',
    async (country) => {
      const response = await postLead('europe', { phone: phones[country] });
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({
        code: 'LEAD_GEO_NOT_ALLOWED',
        fields: { phone: `is a ${country} number; the campaign takes numbers of DE, FR, PL, ES, IT` },
      });
      expect(Object.keys(response.body.error.fields)).toEqual(['phone']);
    },
  );

  it('names country when the lead sent a country the campaign does not take, whatever its number', async () => {
    const response = await postLead('europe', { phone: phones.DE, country: 'RU' });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual({
      country: "RU is not among the campaign's countries (DE, FR, PL, ES, IT)",
    });
  });

  it('names only country when a number written without its prefix was read in that country', async () => {
    const response = await postLead('europe', { phone: '050 123 4567', country: 'UA' });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual({
      country: "UA is not among the campaign's countries (DE, FR, PL, ES, IT)",
    });
  });

  it('names the phone when the country sent is allowed but the number is of another country', async () => {
    const response = await postLead('europe', { phone: phones.BR, country: 'DE' });
    expect(response.body.error.fields).toEqual({
      phone: 'is a BR number; the campaign takes numbers of DE, FR, PL, ES, IT',
    });
  });

  it('audits the refusal and sends nothing to SalesRender', async () => {
    const orders = h.sandbox.companies.get('1')!.orders.size;
    const response = await postLead('europe', { phone: phones.US });
    const [row] = await h.testDatabase.database.orm
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.requestId, response.body.error.request_id), eq(auditLog.event, 'lead.refused')));
    expect(row).toMatchObject({ outcome: 'LEAD_GEO_NOT_ALLOWED', httpStatus: 422 });
    expect(h.sandbox.companies.get('1')!.orders.size).toBe(orders);
  });
});

describe('dedupe_scope connection', () => {
  const countries = ['DE', 'FR', 'PL', 'RU', 'BR', 'US'] as const;

  it.each(countries)(
    'refuses a %s phone sent to another campaign of the same SalesRender company within the window (409)',
    async (country) => {
      // Some of these numbers went to `europe` (company 1 too) at the same instant: the 409 names the newest.
      h.clock.advance(60_000);
      const first = await postLead('sibling', { phone: phones[country] });
      expect(first.status).toBe(201);
      const again = await postLead('company-wide', { phone: phones[country] });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        error: { code: 'LEAD_DUPLICATE_PHONE' },
        lead_id: first.body.lead_id,
        order_id: first.body.order_id,
        duplicate: true,
      });
    },
  );

  it.each(countries)(
    'takes the %s phone on a campaign that dedupes only its own leads, and on another company',
    async (country) => {
      expect((await postLead('own-only', { phone: phones[country] })).status).toBe(201);
      expect((await postLead('other-company', { phone: phones[country] })).status).toBe(201);
    },
  );

  it("takes the phone again once the campaign's dedupe window has passed", async () => {
    h.clock.set(new Date('2026-03-01T10:00:00Z'));
    const phone = '+44 7400 123456';
    expect((await postLead('sibling', { phone })).status).toBe(201);
    h.clock.set(new Date('2026-03-02T10:00:01Z'));
    expect((await postLead('company-wide', { phone })).status).toBe(201);
    h.clock.set(new Date('2026-03-01T10:00:00Z'));
  });
});

describe('the duplicate-IP window', () => {
  it('answers a second lead from one IP within the window as a duplicate (409 LEAD_DUPLICATE_IP), audited', async () => {
    h.clock.set(new Date('2026-03-03T10:00:00Z'));
    const first = await postLead('one-per-ip', { phone: '+7 912 000-00-01', ip: '203.0.113.5' });
    expect(first.status).toBe(201);
    const second = await postLead('one-per-ip', { phone: '+7 912 000-00-02', ip: '203.0.113.5' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({
      error: { code: 'LEAD_DUPLICATE_IP', window_hours: 2 },
      lead_id: first.body.lead_id,
      order_id: first.body.order_id,
      duplicate: true,
    });
    const [row] = await h.testDatabase.database.orm
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.requestId, second.body.error.request_id), eq(auditLog.event, 'lead.refused')));
    expect(row).toMatchObject({ outcome: 'LEAD_DUPLICATE_IP', httpStatus: 409 });

    expect((await postLead('one-per-ip', { phone: '+7 912 000-00-03', ip: '203.0.113.6' })).status).toBe(201);
    expect((await postLead('any-ip', { phone: '+7 912 000-00-04', ip: '203.0.113.5' })).status).toBe(201);
    expect((await postLead('any-ip', { phone: '+7 912 000-00-05', ip: '203.0.113.5' })).status).toBe(201);

    h.clock.set(new Date('2026-03-03T12:00:01Z'));
    expect((await postLead('one-per-ip', { phone: '+7 912 000-00-06', ip: '203.0.113.5' })).status).toBe(201);
  });
});

describe('configuration', () => {
  const base = (alias: string) => ({
    alias,
    name: alias,
    salesrender: sandboxSalesRender(h.sandbox.url),
  });

  it('is refused with a precise field error for each bad value', async () => {
    const response = await h.admin('POST', '/admin/api/campaigns', {
      ...base('bad-rules'),
      timezone: 'Mars/Olympus_Mons',
      countries: ['DE', 'XX', 'Germany'],
      caps: { daily: -5, total: 1.5 },
      dedupe_scope: 'company',
      duplicate_ip_window_hours: -1,
    });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(response.body.error.fields).toEqual({
      timezone: 'must be an IANA time zone such as Europe/Moscow or UTC',
      'countries.1': 'must be an ISO 3166-1 alpha-2 country code',
      'countries.2': 'must be an ISO 3166-1 alpha-2 country code',
      'caps.daily': 'must be 0 or more (null: no cap)',
      'caps.total': 'must be a whole number of leads or null',
      dedupe_scope: expect.stringMatching(/campaign.*connection/),
      duplicate_ip_window_hours: expect.any(String),
    });
  });

  it('refuses an empty country list and the same errors on a change', async () => {
    await h.createCampaign('rules-patch');
    const patch = await h.admin('PATCH', '/admin/api/campaigns/rules-patch', {
      countries: [],
      timezone: 'Europe/Nowhere',
      caps: { total: -1 },
    });
    expect(patch.status).toBe(422);
    expect(patch.body.error.fields).toEqual({
      countries: 'list at least one country, or send null to allow any',
      timezone: 'must be an IANA time zone such as Europe/Moscow or UTC',
      'caps.total': 'must be 0 or more (null: no cap)',
    });
  });

  it('shows the defaults, and what was set, in the campaign view', async () => {
    const plain = await h.admin('GET', '/admin/api/campaigns/any-ip');
    expect(plain.body).toMatchObject({
      timezone: 'UTC',
      caps: { daily: null, total: null },
      countries: null,
      dedupe_scope: 'campaign',
      duplicate_ip_window_hours: null,
    });
    const changed = await h.admin('PATCH', '/admin/api/campaigns/any-ip', {
      timezone: 'Europe/Moscow',
      countries: ['ru', 'KZ', 'RU'],
      dedupe_scope: 'connection',
      duplicate_ip_window_hours: 6,
      caps: { daily: 100 },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      timezone: 'Europe/Moscow',
      caps: { daily: 100, total: null },
      countries: ['RU', 'KZ'],
      dedupe_scope: 'connection',
      duplicate_ip_window_hours: 6,
    });
  });
});
