// The console's campaign editor sets caps and traffic rules, and shows the API's field errors next to their controls.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findCampaignByAlias } from '../../src/campaigns/campaign-repository.js';
import { campaignToForm } from '../../src/ui/campaign-form.js';
import { adminToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let cookie: string;

beforeAll(async () => {
  h = await startHarness();
  await h.createCampaign('console-rules');
  const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
  cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
});
afterAll(async () => {
  await h?.close();
});

/** Posts the edit form as the page would, with the campaign's current values and `changes`. */
async function saveForm(changes: Record<string, string>) {
  const page = await h.request({ method: 'GET', url: '/admin/campaigns/console-rules', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const campaign = await findCampaignByAlias(h.testDatabase.database.orm, 'console-rules');
  const form = { ...campaignToForm(campaign!), ...changes, _csrf: csrf };
  return h.request({ method: 'POST', url: '/admin/campaigns/console-rules', form, headers: { cookie } });
}

it('shows the section with the defaults', async () => {
  const page = await h.request({ method: 'GET', url: '/admin/campaigns/console-rules', headers: { cookie } });
  expect(page.text).toContain('Caps and traffic rules');
  expect(page.text).toMatch(/name="tr_timezone"[^>]*value="UTC"/);
  expect(page.text).toMatch(/<option value="campaign" selected>this campaign<\/option>/);
});

it('saves caps, time zone, countries, dedupe scope and IP window', async () => {
  const saved = await saveForm({
    tr_daily_cap: '40',
    tr_total_cap: '',
    tr_timezone: 'Europe/Moscow',
    tr_countries: 'ru, kz',
    tr_dedupe_scope: 'connection',
    tr_ip_window: '12',
  });
  expect(saved.status).toBe(303);
  const view = await h.admin('GET', '/admin/api/campaigns/console-rules');
  expect(view.body).toMatchObject({
    caps: { daily: 40, total: null },
    timezone: 'Europe/Moscow',
    countries: ['RU', 'KZ'],
    dedupe_scope: 'connection',
    duplicate_ip_window_hours: 12,
  });
  const page = await h.request({ method: 'GET', url: '/admin/campaigns/console-rules', headers: { cookie } });
  expect(page.text).toMatch(/name="tr_countries"[^>]*value="RU, KZ"/);
});

it('shows each refused value next to its control', async () => {
  const refused = await saveForm({ tr_timezone: 'Moscow', tr_daily_cap: '-3', tr_countries: 'RU, Russia' });
  expect(refused.status).toBe(422);
  expect(refused.text).toContain('must be an IANA time zone such as Europe/Moscow or UTC');
  expect(refused.text).toContain('must be 0 or more (null: no cap)');
  expect(refused.text).toContain('entry 2: must be an ISO 3166-1 alpha-2 country code');
});
