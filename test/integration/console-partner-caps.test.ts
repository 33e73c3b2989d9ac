// The console's partner caps page sets a partner's own daily and total caps per campaign, and shows a
// refused value next to its control.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let cookie: string;
let partnerId: string;

beforeAll(async () => {
  h = await startHarness();
  await h.createCampaign('caps-page-a');
  await h.createCampaign('caps-page-b');
  const partner = await h.admin('POST', '/admin/api/partners', {
    name: 'Caps page buyer',
    campaigns: ['caps-page-a', 'caps-page-b'],
  });
  partnerId = partner.body.id as string;
  const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
  cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
});
afterAll(async () => {
  await h?.close();
});

async function csrf(): Promise<string> {
  const page = await h.request({
    method: 'GET',
    url: `/admin/partners/${partnerId}/caps`,
    headers: { cookie },
  });
  return /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
}

it('is linked from the partner page and lists a form per campaign the partner may send to', async () => {
  const partnerPage = await h.request({
    method: 'GET',
    url: `/admin/partners/${partnerId}`,
    headers: { cookie },
  });
  expect(partnerPage.text).toContain(`href="/admin/partners/${partnerId}/caps"`);
  const page = await h.request({
    method: 'GET',
    url: `/admin/partners/${partnerId}/caps`,
    headers: { cookie },
  });
  expect(page.status).toBe(200);
  expect(page.text).toContain('Save caps-page-a caps');
  expect(page.text).toContain('Save caps-page-b caps');
});

it('saves a daily cap on one campaign, leaving the total and the other campaign uncapped', async () => {
  const saved = await h.request({
    method: 'POST',
    url: `/admin/partners/${partnerId}/caps/caps-page-a`,
    form: { daily: '25', total: '', _csrf: await csrf() },
    headers: { cookie },
  });
  expect(saved.status).toBe(200);
  expect(saved.text).toContain('Caps on caps-page-a saved.');
  expect(saved.text).toMatch(/id="daily-caps-page-a"[^>]*value="25"/);
  const view = await h.admin('GET', `/admin/api/partners/${partnerId}`);
  expect(view.body.caps).toEqual({ 'caps-page-a': { daily: 25, total: null } });
});

it('shows a refused value next to its control and keeps what was typed', async () => {
  const refused = await h.request({
    method: 'POST',
    url: `/admin/partners/${partnerId}/caps/caps-page-b`,
    form: { daily: '', total: '-4', _csrf: await csrf() },
    headers: { cookie },
  });
  expect(refused.status).toBe(422);
  expect(refused.text).toMatch(/id="total-caps-page-b-error">must be 0 or more \(null: no cap\)/);
  expect(refused.text).toMatch(/id="total-caps-page-b"[^>]*value="-4"/);
  const view = await h.admin('GET', `/admin/api/partners/${partnerId}`);
  expect(view.body.caps).toEqual({ 'caps-page-a': { daily: 25, total: null } });
});

it('shows a reason that has no control on the page (a campaign the partner may not use) on its own', async () => {
  await h.createCampaign('caps-page-other');
  const refused = await h.request({
    method: 'POST',
    url: `/admin/partners/${partnerId}/caps/caps-page-other`,
    form: { daily: '5', total: '', _csrf: await csrf() },
    headers: { cookie },
  });
  expect(refused.status).toBe(422);
  expect(refused.text).toContain('campaign: the partner may not send leads to caps-page-other');
});
