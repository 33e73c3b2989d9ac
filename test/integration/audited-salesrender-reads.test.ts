// Every call LeadBridge makes to SalesRender is in the audit log with its answer, the reads made for a
// check or a page too: an introspection, a campaign or connection check, the console's status list.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, crmToken, type Harness, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';

let h: Harness;

interface CallRow {
  request_id: string | null;
  campaign_id: string | null;
  outcome: string;
  detail: {
    purpose?: string;
    connection_id?: string;
    operation: string;
    request: { query: string };
    response: { data?: Record<string, unknown>; unchanged_since_last_audited?: boolean; sha256?: string };
  };
}

/** The SalesRender calls audited after audit row `after`, oldest first. */
async function callsAfter(after: number): Promise<CallRow[]> {
  return queryRows<CallRow>(
    h.testDatabase.database.orm,
    sql`select request_id, campaign_id, outcome, detail from audit_log
      where event = 'salesrender.call' and id > ${after} order by id`,
  );
}

async function lastAuditId(): Promise<number> {
  const [row] = await queryRows<{ id: string | null }>(
    h.testDatabase.database.orm,
    sql`select max(id)::text as id from audit_log`,
  );
  return Number(row?.id ?? 0);
}

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('reads of SalesRender made outside a lead are audited with their answers', () => {
  it("a campaign check: the company's introspection, its statuses and its order fields, under the check's request", async () => {
    const campaign = await h.createCampaign('audited-check');
    const after = await lastAuditId();
    const check = await h.admin('POST', '/admin/api/campaigns/audited-check/check');
    expect(check.status, check.text).toBe(200);

    const calls = await callsAfter(after);
    expect(calls.map((call) => [call.detail.operation, call.detail.purpose, call.campaign_id])).toEqual([
      ['introspection', 'schema', null],
      ['statusesFetcher', 'campaign_check', campaign.id],
      ['orderFieldsFetcher', 'campaign_check', campaign.id],
    ]);
    expect(calls.every((call) => call.outcome === '200')).toBe(true);
    expect(new Set(calls.map((call) => call.request_id)).size).toBe(1);
    expect(calls[0]!.request_id).toEqual(expect.any(String));
    expect(calls[0]!.detail.response.data).toHaveProperty('__schema');
    expect(calls[1]!.detail.request.query).toContain('statusesFetcher');
    const statuses = JSON.stringify(calls[1]!.detail.response.data);
    for (const status of check.body.statuses as { name: string }[]) expect(statuses).toContain(status.name);
    expect(JSON.stringify(calls)).not.toContain(crmToken);
  });

  it('an introspection answered as before is audited by its digest, not in full again', async () => {
    const before = await lastAuditId();
    await h.admin('POST', '/admin/api/campaigns/audited-check/check');
    await h.admin('POST', '/admin/api/campaigns/audited-check/check');
    const introspections = (await callsAfter(0)).filter((call) => call.detail.operation === 'introspection');
    const full = introspections.find((call) => call.detail.response.data);
    const again = (await callsAfter(before)).filter((call) => call.detail.operation === 'introspection');
    expect(again).toHaveLength(2);
    for (const call of again) {
      expect(call.detail.response).toEqual({
        unchanged_since_last_audited: true,
        sha256: again[0]!.detail.response.sha256,
        bytes: Buffer.byteLength(JSON.stringify(full!.detail.response)),
      });
    }
    expect(again[0]!.detail.response.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a connection check, each call naming the connection, its campaigns' checks included", async () => {
    const created = await h.admin('POST', '/admin/api/connections', {
      name: 'Audited reads',
      base_url: h.sandbox.url,
      company_id: '91',
      token: crmToken,
    });
    expect(created.status, created.text).toBe(201);
    h.addCompanyFor({ webhook_url: created.body.webhook_url, salesrender: { company_id: '91' } });
    const campaign = await h.admin('POST', '/admin/api/campaigns', {
      alias: 'audited-on-connection',
      name: 'On a connection',
      connection_id: created.body.id,
      salesrender: { project_id: '1', initial_status_id: '1' },
      status_map: { '1': 'pending', '3': 'accepted' },
      default_country: 'RU',
    });
    expect(campaign.status, campaign.text).toBe(201);
    const after = await lastAuditId();
    const check = await h.admin('POST', `/admin/api/connections/${created.body.id}/check`);
    expect(check.body.connection_id).toBe(created.body.id);

    const calls = await callsAfter(after);
    expect(calls.map((call) => [call.detail.operation, call.detail.purpose, call.campaign_id])).toEqual([
      ['introspection', 'schema', null],
      ['statusesFetcher', 'campaign_check', campaign.body.id],
      ['orderFieldsFetcher', 'campaign_check', campaign.body.id],
      ['statusesFetcher', 'connection_check', null],
      ['orderFieldsFetcher', 'connection_check', null],
    ]);
    expect(calls.map((call) => call.detail.connection_id)).toEqual(Array(5).fill(created.body.id));
    expect(new Set(calls.map((call) => call.request_id)).size).toBe(1);
  });

  it("the console's campaign editor, which lists the company's statuses live", async () => {
    const campaign = await h.createCampaign('audited-editor');
    const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const after = await lastAuditId();
    const page = await h.request({
      method: 'GET',
      url: '/admin/campaigns/audited-editor',
      headers: { cookie },
    });
    expect(page.status).toBe(200);

    const calls = await callsAfter(after);
    expect(calls.map((call) => [call.detail.operation, call.detail.purpose, call.campaign_id])).toEqual([
      ['statusesFetcher', 'status_list', campaign.id],
    ]);
    expect(calls[0]!.request_id).toEqual(expect.any(String));
  });
});
