// A SalesRender company is connected once: its campaigns share its token and one webhook URL for all its orders.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { crmToken, type Harness, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';

let h: Harness;
let tracker: TestTracker;
let partnerKey: string;

const statusMap = { '1': 'pending', '2': 'pending', '3': 'accepted', '4': 'rejected', '5': 'trash' };

/** A campaign on a connection, with no SalesRender token of its own, posting back to the test tracker. */
async function campaignOn(connectionId: string, alias: string) {
  const response = await h.admin('POST', '/admin/api/campaigns', {
    alias,
    name: `Campaign ${alias}`,
    connection_id: connectionId,
    salesrender: { project_id: '1', initial_status_id: '1' },
    status_map: statusMap,
    payouts: { accepted: 10 },
    default_country: 'RU',
    postback: { url: `${tracker.url}/pb?c=${alias}&clickid={click_id}&status={status}`, on: ['accepted'] },
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

async function connect(companyId: string, name: string, token = crmToken) {
  const response = await h.admin('POST', '/admin/api/connections', {
    name,
    base_url: h.sandbox.url,
    company_id: companyId,
    token,
  });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

let phones = 0;
async function sendLead(alias: string) {
  const response = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: `+7912444${String(1000 + ++phones)}`, click_id: `${alias}-click-${phones}` },
    headers: { 'x-api-key': partnerKey },
  });
  expect(response.status, response.text).toBe(201);
  return response.body as { lead_id: string; order_id: string };
}

async function auditEvents(requestFilter: string) {
  return queryRows<{ event: string; campaign_id: string | null; detail: Record<string, unknown> }>(
    h.testDatabase.database.orm,
    sql`select event, campaign_id, detail from audit_log where event like ${requestFilter} order by id`,
  );
}

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

describe('the admin API for connections', () => {
  it('connects a company with a write-only token and one webhook URL, and lists and shows it', async () => {
    const created = await connect('71', 'Main call centre');
    expect(created).toMatchObject({
      id: expect.stringMatching(/^con_/),
      name: 'Main call centre',
      base_url: h.sandbox.url,
      company_id: '71',
      token: '(set, write-only)',
      webhook_url: expect.stringMatching(/^http:\/\/leadbridge\.test\/v1\/webhooks\/salesrender\/[\w-]{43}$/),
      campaigns: [],
    });
    expect(JSON.stringify(created)).not.toContain(crmToken);
    const list = await h.admin('GET', '/admin/api/connections');
    expect(list.body.connections.map((connection: { id: string }) => connection.id)).toContain(created.id);
    const shown = await h.admin('GET', `/admin/api/connections/${created.id}`);
    expect(shown.body).toEqual(created);
  });

  it('refuses a company connected twice with 409 CONNECTION_EXISTS, and bad input naming each field', async () => {
    await connect('72', 'Once');
    const again = await h.admin('POST', '/admin/api/connections', {
      name: 'Twice',
      base_url: `${h.sandbox.url}/`,
      company_id: 72,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'CONNECTION_EXISTS',
      fields: { company_id: expect.any(String) },
    });
    const bad = await h.admin('POST', '/admin/api/connections', {
      name: '',
      base_url: 'ftp://x',
      token: 'short',
      extra: 1,
    });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual([
      '(body)',
      'base_url',
      'company_id',
      'name',
      'token',
    ]);
  });

  it('renames and re-tokens a connection by PATCH, and deletes it only when no campaign uses it', async () => {
    const connection = await connect('73', 'Before');
    const patched = await h.admin('PATCH', `/admin/api/connections/${connection.id}`, {
      name: 'After',
      token: 'another-token-0123456789',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: 'After',
      token: '(set, write-only)',
      webhook_url: connection.webhook_url,
    });
    await campaignOn(connection.id, 'con-delete-guard');
    const refused = await h.admin('DELETE', `/admin/api/connections/${connection.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONNECTION_IN_USE');
    const unused = await connect('74', 'Unused');
    const deleted = await h.admin('DELETE', `/admin/api/connections/${unused.id}`);
    expect(deleted.status).toBe(204);
    const gone = await h.admin('GET', `/admin/api/connections/${unused.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('CONNECTION_NOT_FOUND');
  });

  it('checks a connection: the company is introspected, its statuses and order fields read and kept', async () => {
    const connection = await connect('75', 'Checked');
    h.addCompanyFor({ webhook_url: connection.webhook_url, salesrender: { company_id: '75' } });
    const check = await h.admin('POST', `/admin/api/connections/${connection.id}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ connection_id: connection.id, ok: true });
    expect(check.body.statuses.length).toBeGreaterThan(3);
    expect(check.body.order_fields).toContainEqual(expect.objectContaining({ type: 'PhoneOrderField' }));
    const shown = await h.admin('GET', `/admin/api/connections/${connection.id}`);
    expect(shown.body.statuses).toEqual(check.body.statuses);
    expect(shown.body.fetched_at).toBe(check.body.checked_at);

    const refused = await connect('76', 'Wrong token', 'not-the-sandbox-token-000');
    h.addCompanyFor({ webhook_url: refused.webhook_url, salesrender: { company_id: '76' } });
    const failed = await h.admin('POST', `/admin/api/connections/${refused.id}/check`);
    expect(failed.body.ok).toBe(false);
    expect(failed.body.problems[0].kind).toBe('unreachable');
  });
});

describe('campaigns on a connection', () => {
  it("use the connection's token; a campaign body naming the company joins its connection", async () => {
    const connection = await connect('77', 'Shared');
    const onConnection = await campaignOn(connection.id, 'con-shared-a');
    expect(onConnection).toMatchObject({
      connection_id: connection.id,
      salesrender: { base_url: h.sandbox.url, company_id: '77', token_from: 'connection' },
    });
    const byCompany = await h.createCampaign('con-shared-b', { salesrender: { company_id: '77' } });
    expect(byCompany).toMatchObject({
      connection_id: connection.id,
      salesrender: { token_from: 'connection' },
    });
    const ownToken = await h.createCampaign('con-shared-c', {
      salesrender: { company_id: '77', token: 'a-token-of-its-own-0123' },
    });
    expect(ownToken).toMatchObject({ connection_id: connection.id, salesrender: { token_from: 'campaign' } });
    const shown = await h.admin('GET', `/admin/api/connections/${connection.id}`);
    expect(shown.body.campaigns).toEqual([
      { alias: 'con-shared-a', module: 'crm', active: true, own_token: false },
      { alias: 'con-shared-b', module: 'crm', active: true, own_token: false },
      { alias: 'con-shared-c', module: 'crm', active: true, own_token: true },
    ]);
    // A lead of a campaign without a token of its own reaches SalesRender with the connection's.
    h.addCompanyFor({ webhook_url: connection.webhook_url, salesrender: { company_id: '77' } });
    partnerKey = await h.createPartner(['con-shared-a']);
    const lead = await sendLead('con-shared-a');
    expect(lead.order_id).toBeTruthy();
  });

  it('refuses an unknown connection, a company that contradicts it, and a CRM campaign with no token anywhere', async () => {
    const unknown = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'con-unknown',
      name: 'x',
      connection_id: 'con_nope',
      salesrender: { project_id: '1', initial_status_id: '1' },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields).toEqual({ connection_id: 'no SalesRender connection has this id' });
    const connection = await connect('78', 'Contradicted');
    const contradicting = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'con-contradicting',
      name: 'x',
      connection_id: connection.id,
      salesrender: { company_id: '79', project_id: '1', initial_status_id: '1' },
    });
    expect(contradicting.status).toBe(422);
    expect(Object.keys(contradicting.body.error.fields)).toEqual(['salesrender.company_id']);
    const tokenless = await h.admin('POST', '/admin/api/connections', {
      name: 'CPA only',
      base_url: h.sandbox.url,
      company_id: '80',
    });
    expect(tokenless.body.token).toBeNull();
    const noToken = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'con-no-token',
      name: 'x',
      connection_id: tokenless.body.id,
      salesrender: { project_id: '1', initial_status_id: '1' },
    });
    expect(noToken.status).toBe(422);
    expect(Object.keys(noToken.body.error.fields)).toEqual(['salesrender.token']);
  });

  it('moves a campaign to another connection by PATCH', async () => {
    const from = await connect('81', 'From');
    const to = await connect('82', 'To');
    await campaignOn(from.id, 'con-moving');
    const moved = await h.admin('PATCH', '/admin/api/campaigns/con-moving', { connection_id: to.id });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ connection_id: to.id, salesrender: { company_id: '82' } });
    const back = await h.admin('PATCH', '/admin/api/campaigns/con-moving', {
      salesrender: { company_id: '81' },
    });
    expect(back.body).toMatchObject({ connection_id: from.id, salesrender: { company_id: '81' } });
  });
});

describe("a connection's one webhook URL", () => {
  it('routes every order of the company to its lead, whichever campaign it came from', async () => {
    const first = await connect('83', 'Webhook company');
    const second = await connect('84', 'Other company');
    await campaignOn(first.id, 'con-hook-a');
    await campaignOn(first.id, 'con-hook-b');
    await campaignOn(second.id, 'con-hook-c');
    h.addCompanyFor({ webhook_url: first.webhook_url, salesrender: { company_id: '83' } });
    h.addCompanyFor({ webhook_url: second.webhook_url, salesrender: { company_id: '84' } });
    partnerKey = await h.createPartner(['con-hook-a', 'con-hook-b', 'con-hook-c']);
    h.service.context.worker.start();
    const leads = {
      a: await sendLead('con-hook-a'),
      b: await sendLead('con-hook-b'),
      c: await sendLead('con-hook-c'),
    };
    await h.settle();
    const before = tracker.received.length;
    h.sandbox.changeStatus('83', leads.a.order_id, '3');
    h.sandbox.changeStatus('83', leads.b.order_id, '3');
    h.sandbox.changeStatus('84', leads.c.order_id, '3');
    await h.settle();
    const postbacks = tracker.received.slice(before).map((postback) => postback.query);
    expect(postbacks).toHaveLength(3);
    expect(postbacks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          c: 'con-hook-a',
          clickid: `con-hook-a-click-${phones - 2}`,
          status: 'accepted',
        }),
        expect.objectContaining({
          c: 'con-hook-b',
          clickid: `con-hook-b-click-${phones - 1}`,
          status: 'accepted',
        }),
        expect.objectContaining({
          c: 'con-hook-c',
          clickid: `con-hook-c-click-${phones}`,
          status: 'accepted',
        }),
      ]),
    );
  });

  it("keeps a campaign's own webhook URL working", async () => {
    const connection = await connect('85', 'Old URL company');
    const campaign = await campaignOn(connection.id, 'con-old-url');
    // SalesRender still calls the URL the campaign was set up with before connections existed.
    h.addCompanyFor({ webhook_url: campaign.webhook_url, salesrender: { company_id: '85' } });
    partnerKey = await h.createPartner(['con-old-url']);
    const lead = await sendLead('con-old-url');
    await h.settle();
    const before = tracker.received.length;
    h.sandbox.changeStatus('85', lead.order_id, '3');
    await h.settle();
    expect(tracker.received.slice(before).map((postback) => postback.query.c)).toEqual(['con-old-url']);
  });

  it('answers an order it does not know 202 and audits it once, with the connection named', async () => {
    const connection = await connect('86', 'Unknown orders');
    await campaignOn(connection.id, 'con-unknown-order');
    const secret = connection.webhook_url.split('/').pop();
    const answer = await h.request({
      method: 'POST',
      url: `/v1/webhooks/salesrender/${secret}`,
      body: { id: '999999', status: { id: '3' } },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ status: 'unknown_order', order_id: '999999' });
    const unknown = (await auditEvents('webhook.unknown_order')).filter(
      (row) => row.detail.connection_id === connection.id,
    );
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.campaign_id).toBeNull();
    const received = (await auditEvents('webhook.received')).filter(
      (row) => row.detail.connection_id === connection.id,
    );
    expect(received).toHaveLength(1);
    expect(JSON.stringify(received[0]!.detail)).not.toContain(String(secret));
  });
});
