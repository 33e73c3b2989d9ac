// Upgrading a database whose campaigns each carried their company's settings: every company becomes a
// connection, and every existing campaign and webhook URL behaves as before.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { createTokenCipher } from '../../src/campaigns/token-cipher.js';
import { settleMigratedTokens } from '../../src/connections/settle-migrated-tokens.js';
import { migrate } from '../../src/db/migrate.js';
import { cpaToken, crmToken, type Harness, secretKey, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase } from '../support/test-database.js';

const lastReleaseMigration = '0010_rate_limit_windows';
const otherToken = 'eyJhbGciOiJIUzI1NiJ9.second-crm-token.c2lnbmF0dXJl';
const cipher = createTokenCipher(Buffer.from(secretKey, 'hex'));

let h: Harness;
let tracker: TestTracker;
let partnerKey: string;

interface OldCampaign {
  alias: string;
  module: 'crm' | 'cpa';
  company: string;
  token: string;
  updatedAt: string;
}

/** As the last release stored them: each campaign with its company, its token and its own webhook secret. */
const oldCampaigns: OldCampaign[] = [
  { alias: 'mig-a', module: 'crm', company: '91', token: crmToken, updatedAt: '2026-01-01T00:00:00Z' },
  // The most recently updated CRM campaign of company 91: its token becomes the connection's.
  { alias: 'mig-b', module: 'crm', company: '91', token: crmToken, updatedAt: '2026-02-01T00:00:00Z' },
  { alias: 'mig-c', module: 'crm', company: '91', token: otherToken, updatedAt: '2026-01-15T00:00:00Z' },
  // Newer still, but a CPA campaign's token is a webmaster's, never the company's.
  { alias: 'mig-d', module: 'cpa', company: '91', token: cpaToken, updatedAt: '2026-03-01T00:00:00Z' },
  { alias: 'mig-e', module: 'crm', company: '92', token: crmToken, updatedAt: '2026-01-01T00:00:00Z' },
];

beforeAll(async () => {
  tracker = await startTestTracker();
  const testDatabase = await createTestDatabase({ empty: true });
  await migrate(testDatabase.database, { through: lastReleaseMigration });
  await testDatabase.database.script(async (run) => {
    for (const old of oldCampaigns) {
      const crm = old.module === 'crm';
      await run(
        `insert into campaigns (id, alias, name, module, sr_base_url, sr_company_id, sr_token_encrypted,
           sr_project_id, sr_initial_status_id, sr_offer_id, fields, status_map, payouts, currency, postback,
           default_country, webhook_secret, created_at, updated_at)
         values ($1, $2, $3, $4, 'http://sandbox.invalid', $5, $6, $7, $8, $9, '{}', $10, '{"accepted": 1000}',
           'USD', $11, 'RU', $12, '2025-12-01T00:00:00Z', $13)`,
        [
          `cmp_${old.alias}`,
          old.alias,
          `Old ${old.alias}`,
          old.module,
          old.company,
          cipher.encrypt(old.token),
          crm ? '1' : null,
          crm ? '1' : null,
          crm ? null : '10',
          JSON.stringify({ '1': 'pending', '3': 'accepted', '4': 'rejected' }),
          JSON.stringify({
            url: `${tracker.url}/pb?c=${old.alias}&status={status}`,
            method: 'GET',
            on: ['accepted'],
            status_values: {},
          }),
          `old-secret-${old.alias}`,
          old.updatedAt,
        ],
      );
    }
  });
  h = await startHarness({ testDatabase });
  // The base URL the old campaigns named is made the sandbox's (the migration keeps it as it was).
  await queryRows(
    h.testDatabase.database.orm,
    sql`update salesrender_connections set base_url = ${h.sandbox.url}`,
  );
  h.service.context.leadDeps.lookups.invalidate();
  partnerKey = await h.createPartner(oldCampaigns.map((old) => old.alias));
  h.service.context.worker.start();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

let phones = 0;
async function sendLead(alias: string) {
  const response = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone: `+7912555${String(1000 + ++phones)}`, click_id: `${alias}-${phones}` },
    headers: { 'x-api-key': partnerKey },
  });
  expect(response.status, response.text).toBe(201);
  return response.body as { lead_id: string; order_id: string };
}

describe('the migration to connections', () => {
  it('makes one connection per company, with the newest CRM campaign token', async () => {
    const { connections } = (await h.admin('GET', '/admin/api/connections')).body as {
      connections: { id: string; company_id: string; name: string; campaigns: unknown[] }[];
    };
    expect(connections.map((connection) => connection.company_id).sort()).toEqual(['91', '92']);
    const first = connections.find((connection) => connection.company_id === '91')!;
    expect(first.name).toBe('Company 91 at sandbox.invalid');
    expect(first.campaigns).toEqual([
      { alias: 'mig-a', module: 'crm', active: true, own_token: false },
      { alias: 'mig-b', module: 'crm', active: true, own_token: false },
      { alias: 'mig-c', module: 'crm', active: true, own_token: true },
      { alias: 'mig-d', module: 'cpa', active: true, own_token: true },
    ]);
    const [stored] = await queryRows<{ token_encrypted: string }>(
      h.testDatabase.database.orm,
      sql`select token_encrypted from salesrender_connections where company_id = '91'`,
    );
    expect(cipher.decrypt(stored!.token_encrypted)).toBe(crmToken);
  });

  it('reports the campaigns that keep a token of their own, once', async () => {
    const [report] = await queryRows<{ detail: { joined: string[]; overrides: { campaign: string }[] } }>(
      h.testDatabase.database.orm,
      sql`select detail from audit_log where event = 'connections.migrated'`,
    );
    expect(report!.detail.joined).toEqual(['mig-a']);
    // mig-d's token is a webmaster's: a CPA campaign's own by nature, not an override to report.
    expect(report!.detail.overrides.map((override) => override.campaign)).toEqual(['mig-c']);
    const again = await settleMigratedTokens(h.testDatabase.database, cipher, { info() {}, warn() {} });
    expect(again).toBeNull();
  });

  it('forwards every old campaign with the token it used before', async () => {
    const company91 = h.addCompanyFor({
      webhook_url: 'http://leadbridge.test/unused',
      salesrender: { company_id: '91' },
    });
    company91.config.crmTokens.push(otherToken);
    h.addCompanyFor({ webhook_url: 'http://leadbridge.test/unused', salesrender: { company_id: '92' } });
    for (const old of oldCampaigns) {
      const before = h.sandbox.requests.length;
      await sendLead(old.alias);
      const call = h.sandbox.requests
        .slice(before)
        .find((request) => request.path.includes(`/companies/${old.company}/`));
      expect(call?.headers.authorization, old.alias).toBe(old.token);
    }
  });

  it("keeps each campaign's old webhook URL working, and the connection's URL reaches them all", async () => {
    const company = h.addCompanyFor({
      webhook_url: 'http://leadbridge.test/v1/webhooks/salesrender/old-secret-mig-a',
      salesrender: { company_id: '91' },
    });
    const viaOldUrl = await sendLead('mig-a');
    await h.settle();
    let before = tracker.received.length;
    h.sandbox.changeStatus('91', viaOldUrl.order_id, '3');
    await h.settle();
    expect(tracker.received.slice(before).map((postback) => postback.query.c)).toEqual(['mig-a']);

    const { connections } = (await h.admin('GET', '/admin/api/connections')).body as {
      connections: { company_id: string; webhook_url: string }[];
    };
    company.webhookUrl = connections
      .find((connection) => connection.company_id === '91')!
      .webhook_url.replace('http://leadbridge.test', h.url);
    const viaConnection = [await sendLead('mig-b'), await sendLead('mig-c')];
    await h.settle();
    before = tracker.received.length;
    for (const lead of viaConnection) h.sandbox.changeStatus('91', lead.order_id, '3');
    await h.settle();
    expect(
      tracker.received
        .slice(before)
        .map((postback) => postback.query.c)
        .sort(),
    ).toEqual(['mig-b', 'mig-c']);
  });
});
