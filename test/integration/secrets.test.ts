// No SalesRender token, partner key or admin token ever leaves LeadBridge: not in the audit log, logs or answers.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiKeys, auditLog, campaigns, salesrenderConnections } from '../../src/db/schema.js';
import { adminToken, cpaToken, crmToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

it('keeps every token and key out of the audit table, the logs and every API response', async () => {
  const answers: string[] = [];
  const record = async (response: Promise<{ text: string; headers: Record<string, unknown> }>) => {
    const settled = await response;
    answers.push(settled.text, JSON.stringify(settled.headers));
    return settled;
  };
  const campaign = await h.createCampaign('secret-campaign');
  answers.push(JSON.stringify(campaign));
  const key = await h.createPartner(['secret-campaign']);
  const url = '/v1/leads/secret-campaign';

  await record(
    h.request({
      method: 'POST',
      url,
      body: { phone: '+79120000011', click_id: 'a' },
      headers: { 'x-api-key': key },
    }),
  );
  await record(
    h.request({
      method: 'POST',
      url: `${url}?api_key=${key}`,
      form: { phone: '+79120000012', api_key: key },
    }),
  );
  await record(
    h.request({ method: 'POST', url, body: { phone: '+79120000013', api_key: key, token: crmToken } }),
  );
  await record(h.request({ method: 'POST', url, body: { phone: '1' }, headers: { 'x-api-key': key } }));
  await record(
    h.request({ method: 'POST', url, body: { phone: '+79120000014' }, headers: { 'x-api-key': `${key}x` } }),
  );
  h.sandbox.faults.set('http500', 1);
  await record(
    h.request({ method: 'POST', url, body: { phone: '+79120000015' }, headers: { 'x-api-key': key } }),
  );
  h.sandbox.faults.set('reject', 1);
  await record(
    h.request({ method: 'POST', url, body: { phone: '+79120000016' }, headers: { 'x-api-key': key } }),
  );
  h.clock.advance(10_000);
  await h.service.context.worker.runOnce();
  await record(h.admin('GET', '/admin/api/campaigns'));
  await record(h.admin('GET', '/admin/api/campaigns/secret-campaign'));
  await record(
    h.admin('PATCH', '/admin/api/campaigns/secret-campaign', { salesrender: { token: `${crmToken}` } }),
  );
  // A webmaster's own CPA token, set for a partner and used for its lead.
  const webmasterToken = 'eyJhbGciOiJIUzI1NiJ9.secret-webmaster-token.c2lnbmF0dXJl';
  h.sandbox.companies.get('1')!.config.cpaTokens[webmasterToken] = '91';
  await h.createCampaign('secret-cpa', {
    module: 'cpa',
    salesrender: { token: cpaToken, offer_id: '10', project_id: null, initial_status_id: null },
  });
  const webmaster = await record(
    h.admin('POST', '/admin/api/partners', { name: 'W', campaigns: ['secret-cpa'] }),
  );
  const webmasterId = JSON.parse(webmaster.text).id as string;
  await record(
    h.admin('PUT', `/admin/api/partners/${webmasterId}/campaigns/secret-cpa/cpa-token`, {
      token: webmasterToken,
    }),
  );
  const cpaLead = await record(
    h.request({
      method: 'POST',
      url: '/v1/leads/secret-cpa',
      body: { phone: '+79120000017' },
      headers: { 'x-api-key': JSON.parse(webmaster.text).api_key },
    }),
  );
  expect(JSON.parse(cpaLead.text).order_id).toBeTruthy();
  await record(h.admin('GET', `/admin/api/partners/${webmasterId}`));
  await record(h.admin('GET', '/admin/api/partners'));
  await record(h.admin('GET', '/admin/api/audit?format=ndjson'));
  const csv = await record(h.admin('GET', '/admin/api/audit?format=csv'));
  expect(csv.text.split('\r\n').length).toBeGreaterThan(20);

  const db = h.testDatabase.database.orm;
  const audit = JSON.stringify(await db.select().from(auditLog));
  const logs = h.logLines.join('');
  expect(logs.length).toBeGreaterThan(1000);
  for (const secret of [crmToken, key, adminToken, webmasterToken, cpaToken]) {
    expect(audit).not.toContain(secret);
    expect(logs).not.toContain(secret);
    for (const answer of answers) expect(answer).not.toContain(secret);
  }
  // The partner key is stored as a digest; the CRM token (on the campaign's connection, which it shares)
  // as AES-GCM ciphertext that still decrypts.
  const storedKeys = JSON.stringify(await db.select().from(apiKeys));
  expect(storedKeys).not.toContain(key);
  const [storedCampaign] = await db.select().from(campaigns);
  expect(storedCampaign!.srTokenEncrypted).toBeNull();
  const [row] = await db.select().from(salesrenderConnections);
  expect(row!.tokenEncrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(row!.tokenEncrypted).not.toContain(crmToken);
  expect(h.service.context.cipher.decrypt(row!.tokenEncrypted!)).toBe(crmToken);
});
