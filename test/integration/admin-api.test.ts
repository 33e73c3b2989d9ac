// The operator's admin API: campaigns and partners, behind the admin token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, cpaToken, crmToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('admin authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789' }],
    ['the token without Bearer', { authorization: adminToken }],
  ])('refuses %s with 401', async (_name, headers) => {
    const response = await h.request({ method: 'GET', url: '/admin/api/campaigns', headers });
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('ADMIN_UNAUTHORIZED');
  });
});

describe('campaigns', () => {
  it('creates a campaign with defaults, a webhook URL and a write-only token', async () => {
    const created = await h.createCampaign('admin-a');
    expect(created).toMatchObject({
      alias: 'admin-a',
      module: 'crm',
      currency: 'USD',
      dedupe_window_hours: 24,
      payouts: { accepted: 12.5 },
      salesrender: {
        token: '(set, write-only)',
        fields: {
          phone: 'phone',
          name: 'name',
          comment: 'comment',
          click_id: 'source.subid_1',
          sub5: 'source.subid_6',
          ip: 'source.ip',
        },
      },
      advertiser_status_map: { pending: '1', accepted: '3', rejected: '4', trash: '5' },
      webhook_url: expect.stringMatching(
        /^http:\/\/leadbridge\.test\/v1\/webhooks\/salesrender\/[A-Za-z0-9_-]{40,}$/,
      ),
    });
    expect(JSON.stringify(created)).not.toContain(crmToken);
  });

  it('lists and shows campaigns', async () => {
    const list = await h.admin('GET', '/admin/api/campaigns');
    expect(list.body.campaigns.map((campaign: any) => campaign.alias)).toContain('admin-a');
    const shown = await h.admin('GET', '/admin/api/campaigns/admin-a');
    expect(shown.body.alias).toBe('admin-a');
    expect((await h.admin('GET', '/admin/api/campaigns/nope')).status).toBe(404);
  });

  it('patches a campaign, keeping the token and re-validating the whole', async () => {
    await h.createCampaign('admin-b');
    const patched = await h.admin('PATCH', '/admin/api/campaigns/admin-b', {
      name: 'Renamed',
      salesrender: { project_id: '2' },
      postback: { url: 'https://tracker.example/postback?clickid={click_id}&status={status}' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'Renamed',
      salesrender: { project_id: '2', company_id: '1' },
      postback: { method: 'GET', on: ['accepted', 'pending', 'rejected', 'trash'] },
    });
    const key = await h.createPartner(['admin-b']);
    const lead = await h.request({
      method: 'POST',
      url: '/v1/leads/admin-b',
      body: { phone: '+79120000001' },
      headers: { 'x-api-key': key },
    });
    expect(lead.status).toBe(201);
  });

  it("switches a campaign's module by PATCH, starting from the new module's field routes", async () => {
    await h.createCampaign('admin-switch');
    const patched = await h.admin('PATCH', '/admin/api/campaigns/admin-switch', {
      module: 'cpa',
      salesrender: { offer_id: '10', token: cpaToken },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.module).toBe('cpa');
    expect(patched.body.salesrender.fields).toMatchObject({
      phone: 'phone_1',
      name: 'humanName_1',
      sub2: 'string_1',
    });
    const back = await h.admin('PATCH', '/admin/api/campaigns/admin-switch', {
      module: 'crm',
      salesrender: { token: crmToken, fields: { click_id: 'click' } },
    });
    expect(back.status).toBe(200);
    expect(back.body.salesrender.fields).toMatchObject({
      phone: 'phone',
      click_id: 'click',
      sub1: 'source.subid_2',
    });
  });

  it('refuses invalid campaigns with every field and reason', async () => {
    const response = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'Bad Alias!',
      salesrender: { company_id: '1', token: 'x', base_url: 'ftp://x' },
      default_country: 'XX',
      unknown_key: 1,
    });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(response.body.error.fields)).toEqual(
      expect.arrayContaining([
        'alias',
        'name',
        'salesrender.token',
        'salesrender.base_url',
        'default_country',
      ]),
    );
  });

  it('refuses a second campaign with the same alias with 409', async () => {
    await h.createCampaign('admin-dup');
    const again = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'admin-dup',
      name: 'x',
      salesrender: { company_id: '1', token: crmToken, project_id: '1', initial_status_id: '1' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CAMPAIGN_ALIAS_TAKEN');
  });

  it('refuses a CRM campaign without project and initial status', async () => {
    const response = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'admin-noproj',
      name: 'x',
      salesrender: { company_id: '1', token: crmToken },
    });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.error.fields).sort()).toEqual([
      'salesrender.initial_status_id',
      'salesrender.project_id',
    ]);
  });
});

describe('partners', () => {
  it('creates a partner whose key is shown once and works only for its campaigns', async () => {
    await h.createCampaign('admin-p1');
    await h.createCampaign('admin-p2');
    const created = await h.admin('POST', '/admin/api/partners', { name: 'Buyer', campaigns: ['admin-p1'] });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^ptn_/),
      api_key: expect.stringMatching(/^lb_/),
    });
    const list = await h.admin('GET', '/admin/api/partners');
    const listed = list.body.partners.find((partner: any) => partner.id === created.body.id);
    expect(listed).toEqual({
      id: created.body.id,
      name: 'Buyer',
      campaigns: ['admin-p1'],
      created_at: expect.any(String),
    });
    expect(JSON.stringify(list.body)).not.toContain(created.body.api_key);
    const send = (alias: string) =>
      h.request({
        method: 'POST',
        url: `/v1/leads/${alias}`,
        body: { phone: '+79120000002' },
        headers: { 'x-api-key': created.body.api_key },
      });
    expect((await send('admin-p1')).status).toBe(201);
    expect((await send('admin-p2')).status).toBe(403);
  });

  it('refuses unknown campaign aliases', async () => {
    const response = await h.admin('POST', '/admin/api/partners', { name: 'Buyer', campaigns: ['ghost'] });
    expect(response.status).toBe(422);
    expect(response.body.error.fields.campaigns).toContain('ghost');
  });
});

describe('API keys', () => {
  const sendLead = (key: string, clickId: string) =>
    h.request({
      method: 'POST',
      url: '/v1/leads/keys-a',
      body: {
        phone: `+7916${String(Math.abs(hash(clickId)))
          .padStart(7, '0')
          .slice(0, 7)}`,
        click_id: clickId,
      },
      headers: { 'x-api-key': key },
    });
  const hash = (text: string) => [...text].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) | 0, 7);

  it('shows a partner with its campaigns and key prefixes, rotates (old key dead at once) and revokes', async () => {
    await h.createCampaign('keys-a');
    const created = await h.admin('POST', '/admin/api/partners', {
      name: 'Key holder',
      campaigns: ['keys-a'],
    });
    const first = created.body.api_key as string;
    expect((await sendLead(first, 'k-1')).status).toBe(201);

    const shown = await h.admin('GET', `/admin/api/partners/${created.body.id}`);
    expect(shown.body).toMatchObject({
      name: 'Key holder',
      campaigns: ['keys-a'],
      keys: [{ prefix: first.slice(0, 7), revoked_at: null }],
    });
    expect(JSON.stringify(shown.body)).not.toContain(first);

    const rotated = await h.admin('POST', `/admin/api/partners/${created.body.id}/keys/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const second = rotated.body.api_key as string;
    expect(second).not.toBe(first);
    expect((await sendLead(first, 'k-2')).status).toBe(401);
    expect((await sendLead(second, 'k-3')).status).toBe(201);

    const revoked = await h.admin('POST', `/admin/api/partners/${created.body.id}/keys/revoke`);
    expect(revoked.body).toEqual({ id: created.body.id, revoked: 1 });
    expect((await sendLead(second, 'k-4')).status).toBe(401);
    const after = await h.admin('GET', `/admin/api/partners/${created.body.id}`);
    expect(after.body.keys.every((key: any) => key.revoked_at !== null)).toBe(true);
  });

  it('answers 404 for an unknown client, and for a partner asked as an advertiser', async () => {
    const partner = await h.admin('POST', '/admin/api/partners', { name: 'Only a partner' });
    expect((await h.admin('GET', '/admin/api/partners/ptn_nope')).body.error.code).toBe('CLIENT_NOT_FOUND');
    expect((await h.admin('POST', `/admin/api/advertisers/${partner.body.id}/keys/rotate`)).status).toBe(404);
  });

  it('lets a console session read the admin API but never write to it', async () => {
    const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const read = await h.request({ method: 'GET', url: '/admin/api/campaigns', headers: { cookie } });
    expect(read.status).toBe(200);
    const write = await h.request({
      method: 'POST',
      url: '/admin/api/partners',
      body: { name: 'Via cookie' },
      headers: { cookie },
    });
    expect(write.status).toBe(401);
  });

  it('audits admin writes without their bodies', async () => {
    await h.admin('POST', '/admin/api/partners', { name: 'Audited partner' });
    const audit = await h.admin('GET', '/admin/api/audit?format=ndjson');
    const writes = audit.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .filter((row) => row.event === 'admin.request' && row.detail.url === '/admin/api/partners');
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.at(-1)).toMatchObject({ outcome: '201', detail: { method: 'POST' } });
    expect(JSON.stringify(writes)).not.toContain('Audited partner');
  });
});
