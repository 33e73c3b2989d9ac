/// <reference lib="dom" />
// The operator console in a real browser: sign in, set up a campaign and a partner, follow a lead from the
// API through SalesRender's status change to the tracker, retry a failed postback, search and export the audit.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { haveChromium, launchChromium, snap } from '../support/browser.js';
import { adminToken, cpaToken, crmToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let partnerKey = '';
let orderId = '';

describe.skipIf(!haveChromium)('operator console', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    h = await startHarness();
    tracker = await startTestTracker();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await tracker?.close();
  });

  const go = (path: string) => page.goto(`${h.url}${path}`);
  /** Clicks something that submits a form or follows a link, and waits for the next page to load. */
  async function clickThrough(selector: string) {
    await Promise.all([page.waitForEvent('load'), page.click(selector)]);
  }

  /** Sends a lead through the partner API, as a media buyer's tracker would. */
  async function postLead(clickId: string, phone: string) {
    const response = await fetch(`${h.url}/v1/leads/ui-demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': partnerKey },
      body: JSON.stringify({ phone, click_id: clickId, name: 'Anna Petrova' }),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('sends a visitor without a session to sign in, refuses a wrong token and signs in with the right one', async () => {
    await go('/admin/leads');
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await snap(page, '01-sign-in');
    await page.fill('#token', 'not-the-token-at-all');
    await clickThrough('button[type=submit]');
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('not the admin token');
    await page.fill('#token', adminToken);
    await clickThrough('button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/admin/leads');
    const cookie = (await context.cookies()).find((entry) => entry.name === 'lb_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(cookie?.value).not.toContain(adminToken);
  });

  it('creates a campaign with a live postback preview, maps statuses from SalesRender and sends a test postback', async () => {
    await go('/admin/campaigns/new');
    await page.fill('#f-alias', 'ui-demo');
    await page.fill('#f-name', 'Browser demo');
    await page.fill('#f-sr_base_url', h.sandbox.url);
    await page.fill('#f-sr_company_id', '40');
    await page.fill('#f-sr_token', crmToken);
    await page.fill('#f-sr_project_id', '1');
    await page.fill('#f-sr_initial_status_id', '1');
    await page.fill('#f-default_country', 'RU');
    await page.fill('#postback-url', `${tracker.url}/pb?clickid={click_id}&status={status}&payout={payout}`);
    await expect
      .poll(() => page.locator('#postback-preview').textContent())
      .toContain('/pb?clickid=sample-click-id&status=accepted');
    await snap(page, '02-campaign-new');
    await clickThrough('#campaign-form button[type=submit]');
    expect(new URL(page.url()).pathname).toBe('/admin/campaigns/ui-demo');
    await expect(page.locator('.flash').first().textContent()).resolves.toContain('Campaign created');

    // The sandbox company exists now that the campaign's webhook URL is known.
    const view = await h.admin('GET', '/admin/api/campaigns/ui-demo');
    h.addCompanyFor(view.body);
    await page.reload();
    expect(await page.inputValue('#webhook-url')).toBe(view.body.webhook_url);
    // SalesRender's statuses are listed live, with the doc's group defaults suggested for a fresh map.
    const rows = page.locator('#status-map tbody tr');
    await expect(rows.count()).resolves.toBeGreaterThanOrEqual(7);
    await expect(page.locator('#status-map').textContent()).resolves.toContain('Accepted');
    await page.fill('#payouts input[name=po_amount_0]', '12.5');
    await snap(page, '03-campaign-edit');
    await clickThrough('#campaign-form button[type=submit]');
    await expect(page.locator('.flash').first().textContent()).resolves.toContain('Campaign saved');
    const saved = await h.admin('GET', '/admin/api/campaigns/ui-demo');
    expect(saved.body.status_map).toMatchObject({
      '1': 'pending',
      '3': 'accepted',
      '4': 'rejected',
      '5': 'trash',
    });
    expect(saved.body.payouts).toEqual({ accepted: 12.5 });
    expect(saved.body.salesrender.token).toBe('(set, write-only)');

    const before = tracker.received.length;
    await clickThrough('text=Send a test postback');
    await expect(page.locator('#test-postback-result').textContent()).resolves.toContain(
      'Tracker answered: 200',
    );
    expect(tracker.received.length).toBe(before + 1);
    expect(tracker.received.at(-1)?.query).toMatchObject({
      clickid: 'test-click-id',
      status: 'accepted',
      payout: '12.5',
    });
    await snap(page, '04-campaign-test-postback');
  });

  it('fills the postback fields from a tracker preset', async () => {
    await go('/admin/campaigns/new');
    await page.selectOption('#postback-preset', 'keitaro');
    await expect(page.inputValue('#postback-url')).resolves.toContain(
      '/postback?subid={click_id}&status={status}',
    );
    await expect(page.inputValue('[name=pb_status_values]')).resolves.toContain('accepted=sale');
    await expect(page.inputValue('[name=pb_success_match]')).resolves.toBe('OK');
    await page.selectOption('#postback-preset', 'voluum');
    await expect(page.isChecked('[name=pb_on_accepted]')).resolves.toBe(true);
    await expect(page.isChecked('[name=pb_on_pending]')).resolves.toBe(false);
  });

  it('refuses an invalid campaign with the field and reason next to it', async () => {
    await go('/admin/campaigns/new');
    await page.fill('#f-alias', 'Bad Alias!');
    await page.fill('#f-name', 'x');
    await clickThrough('#campaign-form button[type=submit]');
    await expect(page.locator('[role=alert]').first().textContent()).resolves.toContain('alias');
    expect(await page.getAttribute('#f-alias', 'aria-invalid')).toBe('true');
  });

  it("switches a campaign's module from the editor, routes reset to the new module's defaults", async () => {
    await h.createCampaign('ui-switch', { salesrender: { company_id: '41' } });
    await go('/admin/campaigns/ui-switch');
    await page.selectOption('#f-module', 'cpa');
    await page.fill('#f-sr_offer_id', '10');
    await page.fill('#f-sr_token', cpaToken);
    await clickThrough('#campaign-form button[type=submit]');
    await expect(page.locator('.flash').first().textContent()).resolves.toContain('Campaign saved');
    const saved = await h.admin('GET', '/admin/api/campaigns/ui-switch');
    expect(saved.body).toMatchObject({
      module: 'cpa',
      salesrender: { offer_id: '10', fields: { phone: 'phone_1' } },
    });
  });

  it('creates a partner showing its key once, and rotates it: the old key stops working at once', async () => {
    await go('/admin/partners');
    await page.fill('#f-name', 'UI partner');
    await page.check('input[name=campaign_ui-demo]');
    await clickThrough('#new-client button[type=submit]');
    const first = await page.inputValue('#new-key');
    expect(first).toMatch(/^lb_/);
    await snap(page, '05-partner-created');
    page.once('dialog', (dialog) => dialog.accept());
    await clickThrough('text=Rotate key');
    partnerKey = await page.inputValue('#new-key');
    expect(partnerKey).not.toBe(first);
    await expect(page.locator('#keys').textContent()).resolves.toContain('revoked');
    await go(new URL(page.url()).pathname.replace(/\/rotate$/, ''));
    expect(await page.locator('#new-key').count()).toBe(0); // shown once only
    const old = await fetch(`${h.url}/v1/leads/ui-demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': first },
      body: JSON.stringify({ phone: '+79161234500', click_id: 'old-key' }),
    });
    expect(old.status).toBe(401);
  });

  it('gives the partner its own tracker from a preset, tests it, and sets its payout on a campaign', async () => {
    await go('/admin/partners');
    await clickThrough('#clients a:text("UI partner")');
    await clickThrough('#partner-postbacks');
    await page.selectOption('#f-preset', 'keitaro');
    await page.fill('#f-host', tracker.url);
    await page.fill('#f-key', 'ui-partner-key');
    await clickThrough('#new-endpoint button[type=submit]');
    await expect(page.locator('#endpoints').textContent()).resolves.toContain('Keitaro postback');
    const before = tracker.received.length;
    await clickThrough('#endpoints button:text("Send test")');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('HTTP 200');
    expect(
      tracker.received.slice(before).map((postback) => new URL(postback.url, 'http://x').pathname),
    ).toEqual(['/ui-partner-key/postback']);
    await page.fill('#payouts-ui-demo', 'accepted=15\nKZ accepted=9');
    await clickThrough('#payouts form button[type=submit]');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('Payouts on ui-demo saved');
    await expect(page.inputValue('#payouts-ui-demo')).resolves.toBe('accepted=15\nKZ accepted=9');
    await snap(page, '05b-partner-postbacks');
    await clickThrough('#endpoints a');
    await expect(page.locator('#endpoint-log').textContent()).resolves.toContain('Nothing sent yet');
    // The specs below follow the campaign's own postback alone, at the campaign's rate.
    await go(new URL(page.url()).pathname.replace(/\/[^/]+$/, ''));
    page.once('dialog', (dialog) => dialog.accept());
    await clickThrough('#endpoints button:text("Remove")');
    await expect(page.locator('#endpoints').textContent()).resolves.toContain('None yet');
    await page.fill('#payouts-ui-demo', '');
    await clickThrough('#payouts form button[type=submit]');
  });

  it("sets the partner's own daily cap on a campaign and clears it again", async () => {
    await go('/admin/partners');
    await clickThrough('#clients a:text("UI partner")');
    await clickThrough('#partner-caps');
    await page.fill('#daily-ui-demo', '30');
    await clickThrough('#partner-caps form button[type=submit]');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('Caps on ui-demo saved');
    await expect(page.inputValue('#daily-ui-demo')).resolves.toBe('30');
    await snap(page, '05c-partner-caps');
    // The specs below send leads without the partner's cap.
    await page.fill('#daily-ui-demo', '');
    await clickThrough('#partner-caps form button[type=submit]');
    await expect(page.inputValue('#daily-ui-demo')).resolves.toBe('');
  });

  it("shows a lead's full timeline after SalesRender changes its status, and the dashboard counts it", async () => {
    const lead = await postLead('ui-click-1', '+79161234501');
    expect(lead.status).toBe(201);
    orderId = lead.body.order_id;
    h.sandbox.changeStatus('40', orderId, '3', 'Confirmed by phone');
    await h.settle();
    expect(tracker.received.at(-1)?.query).toMatchObject({
      clickid: 'ui-click-1',
      status: 'accepted',
      payout: '12.5',
    });

    await go('/admin/leads?click_id=ui-click-1');
    await expect(page.locator('#leads tbody tr').count()).resolves.toBe(1);
    await snap(page, '06-leads');
    await clickThrough('#leads tbody tr a');
    await expect(page.locator('[data-field=order_id]').textContent()).resolves.toBe(orderId);
    await expect(page.locator('[data-field=label]').textContent()).resolves.toContain('accepted');
    const events = await page
      .locator('#timeline li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-event')));
    for (const event of [
      'lead.received',
      'lead.accepted',
      'salesrender.call',
      'order.created',
      'webhook.received',
      'status.changed',
      'postback.attempt',
    ])
      expect(events).toContain(event);
    await expect(page.locator('#history').textContent()).resolves.toContain('Confirmed by phone');
    await expect(page.locator('.attempts').first().textContent()).resolves.toContain('200');
    // The GraphQL document sent is there in full; the token is not.
    await page.locator('#timeline li[data-event="salesrender.call"] summary').first().click();
    const call = await page.locator('#timeline li[data-event="salesrender.call"] pre').first().textContent();
    expect(call).toContain('addOrder');
    expect(await page.content()).not.toContain(crmToken);
    await snap(page, '07-lead-timeline');

    await go('/admin');
    const row = page.locator('#campaign-stats tr[data-campaign="ui-demo"]');
    await expect(row.locator('[data-stat=leads]').textContent()).resolves.toBe('1');
    await expect(row.locator('[data-stat=accepted]').textContent()).resolves.toBe('1');
    await expect(row.locator('[data-stat=approval]').textContent()).resolves.toBe('100.0 %');
    await expect(page.locator('#postback-health [data-stat=delivered]').textContent()).resolves.toMatch(/^1/);
    await expect(page.locator('#salesrender-health [data-stat=calls]').textContent()).resolves.not.toMatch(
      /^0/,
    );
    await snap(page, '08-dashboard');

    // A second lead, rejected: the numbers move.
    const second = await postLead('ui-click-2', '+79161234502');
    h.sandbox.changeStatus('40', second.body.order_id, '4');
    await h.settle();
    await page.reload();
    await expect(row.locator('[data-stat=leads]').textContent()).resolves.toBe('2');
    await expect(row.locator('[data-stat=rejected]').textContent()).resolves.toBe('1');
    await expect(row.locator('[data-stat=approval]').textContent()).resolves.toBe('50.0 %');
  });

  it('retries a failed postback from the page', async () => {
    tracker.failNext([410]); // Gone: no automatic retries, the postback is failed at once
    const lead = await postLead('ui-click-3', '+79161234503');
    h.sandbox.changeStatus('40', lead.body.order_id, '3');
    await h.settle();
    await go('/admin/postbacks');
    const failedRow = page.locator('#failed-postbacks tbody tr', { hasText: lead.body.order_id });
    await expect(failedRow.count()).resolves.toBe(1);
    await snap(page, '09-postbacks-failed');
    const before = tracker.received.length;
    await Promise.all([
      page.waitForEvent('load'),
      failedRow.locator('button', { hasText: 'Retry now' }).click(),
    ]);
    await expect(page.locator('.flash').first().textContent()).resolves.toContain('queued for delivery');
    await h.settle();
    expect(tracker.received.length).toBe(before + 1);
    expect(tracker.received.at(-1)?.query.clickid).toBe('ui-click-3');
    await page.reload();
    await expect(
      page.locator('#failed-postbacks tbody tr', { hasText: lead.body.order_id }).count(),
    ).resolves.toBe(0);
    await snap(page, '10-postbacks-after-retry');
  });

  it('replays postbacks in bulk for a campaign and period', async () => {
    await go('/admin/postbacks');
    await page.selectOption('#r-campaign', 'ui-demo');
    await page.selectOption('#r-state', 'delivered');
    const before = tracker.received.length;
    page.once('dialog', (dialog) => dialog.accept());
    await clickThrough('#replay button[type=submit]');
    await expect(page.locator('.flash').first().textContent()).resolves.toMatch(/^\d+ postback\(s\) queued/);
    const replayed = Number((await page.locator('.flash').first().textContent())?.split(' ')[0]);
    expect(replayed).toBeGreaterThanOrEqual(2);
    await h.settle();
    expect(tracker.received.length).toBe(before + replayed);
  });

  it('lists campaigns and creates an advertiser with its own key', async () => {
    await go('/admin/campaigns');
    await expect(page.locator('#campaigns').textContent()).resolves.toContain('ui-demo');
    await snap(page, '11-campaigns');
    await go('/admin/advertisers');
    await page.fill('#f-name', 'Nutra Advertiser');
    await page.check('input[name=campaign_ui-demo]');
    await clickThrough('#new-client button[type=submit]');
    const key = await page.inputValue('#new-key');
    const update = await fetch(`${h.url}/v1/orders/${orderId}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ status: 'rejected', comment: 'Refused on delivery' }),
    });
    expect(update.status).toBe(200);
    await snap(page, '12-advertiser-created');
  });

  it('connects a SalesRender company, shows its one webhook URL and campaigns, and checks it', async () => {
    await go('/admin/connections');
    // The campaign created above connected its company (40) already: it is listed.
    await expect(page.locator('#connections').textContent()).resolves.toContain('Company 40 at');
    h.addCompanyFor({ webhook_url: 'http://leadbridge.test/unused', salesrender: { company_id: '7' } });
    await page.fill('#f-name', 'Second call centre');
    await page.fill('#f-base_url', h.sandbox.url);
    await page.fill('#f-company_id', '7');
    await page.fill('#f-token', crmToken);
    await clickThrough('#new-connection button[type=submit]');
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('Register its webhook URL');
    const webhookUrl = await page.inputValue('#connection-webhook');
    expect(webhookUrl).toMatch(/\/v1\/webhooks\/salesrender\/[\w-]{43}$/);
    await expect(page.content()).resolves.not.toContain(crmToken);
    await clickThrough('#connection-check button[type=submit]');
    await expect(page.locator('#connection-check .badge').textContent()).resolves.toBe('OK');
    await expect(page.locator('#connection-statuses').textContent()).resolves.toContain('APPROVED');
    await snap(page, '12b-connection-checked');
    await clickThrough('nav a[href="/admin/connections"]');
    await page.fill('#f-company_id', '7');
    await page.fill('#f-name', 'Twice');
    await page.fill('#f-base_url', h.sandbox.url);
    await clickThrough('#new-connection button[type=submit]');
    await expect(page.locator('#new-connection [role=alert]').textContent()).resolves.toContain('company_id');
  });

  it('searches the audit log and exports it as the API does', async () => {
    await go('/admin/audit?campaign=ui-demo&event=postback.');
    await expect(page.locator('#audit-rows tbody tr').count()).resolves.toBeGreaterThanOrEqual(3);
    await snap(page, '13-audit');
    const href = await page.locator('#audit-export a', { hasText: 'CSV' }).getAttribute('href');
    const fromConsole = await page.request.get(`${h.url}${href}`);
    expect(fromConsole.status()).toBe(200);
    const fromApi = await h.admin('GET', href!);
    expect(await fromConsole.text()).toBe(fromApi.text);
    expect(fromApi.text.split('\r\n').length).toBeGreaterThan(10);
  });

  it('is usable at phone width: nothing overflows the page sideways', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    });
    const small = await phone.newPage();
    for (const [path, name] of [
      ['/admin', '14-phone-dashboard'],
      ['/admin/leads', '15-phone-leads'],
      ['/admin/campaigns/ui-demo', '16-phone-campaign'],
    ] as const) {
      await small.goto(`${h.url}${path}`);
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      expect(width, path).toBeLessThanOrEqual(390);
      await small.screenshot({
        path: `test-artifacts/screenshots/${process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded'}/${name}.png`,
        fullPage: true,
      });
    }
    await phone.close();
  });

  it('works from the keyboard: sign in with Enter, skip link first, every nav link reachable by Tab', async () => {
    const keyboard = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await keyboard.newPage();
    await tab.goto(`${h.url}/admin`);
    // The token field takes the focus on arrival (autofocus); type only once it has it.
    await tab.waitForFunction(() => document.activeElement?.id === 'token');
    await tab.keyboard.type(adminToken);
    await tab.keyboard.press('Enter');
    await tab.waitForURL(/\/admin$/);
    await tab.keyboard.press('Tab');
    expect(await tab.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    const reached: string[] = [];
    for (let index = 0; index < 10; index++) {
      await tab.keyboard.press('Tab');
      reached.push((await tab.evaluate(() => document.activeElement?.textContent?.trim())) ?? '');
    }
    for (const section of [
      'Dashboard',
      'Connections',
      'Campaigns',
      'Partners',
      'Advertisers',
      'Leads',
      'Postbacks',
      'Audit',
      'Sign out',
    ])
      expect(reached).toContain(section);
    await keyboard.close();
  });

  it('refuses a form without its CSRF token and ends the session on sign-out', async () => {
    const forged = await page.request.post(`${h.url}/admin/postbacks/replay`, { form: { state: 'failed' } });
    expect(forged.status()).toBe(403);
    const otherOrigin = await page.request.post(`${h.url}/admin/postbacks/replay`, {
      form: { state: 'failed' },
      headers: { origin: 'https://evil.example' },
    });
    expect(otherOrigin.status()).toBe(403);
    await go('/admin');
    const stolen = (await context.cookies()).find((entry) => entry.name === 'lb_console')!.value;
    await clickThrough('text=Sign out');
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    // The old cookie is dead on the server, not just deleted in this browser.
    const replay = await fetch(`${h.url}/admin`, {
      headers: { cookie: `lb_console=${stolen}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    const api = await fetch(`${h.url}/admin/api/campaigns`, { headers: { cookie: `lb_console=${stolen}` } });
    expect(api.status).toBe(401);
  });
});
