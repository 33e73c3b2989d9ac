// Every call LeadBridge makes to SalesRender is in the audit log with its answer, the reads made for a
// check or a page too: an introspection, a campaign or connection check, the console's status list.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, crmToken, type Harness, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';

let h: Harness;

interface CallRow {
  campaign_id: string | null;
  outcome: string;
  detail: {
    purpose?: string;
    connection_id?: string;
    operation: string;
    request: { query: string };
    response: { data?: Record<string, unknown> };
  };
}

/** The SalesRender calls audited after audit row `after`, oldest first. */
async function callsAfter(after: number): Promise<CallRow[]> {
  return queryRows<CallRow>(
    h.testDatabase.database.orm,
    sql`select campaign_id, outcome, detail from audit_log
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
  it("a campaign check: the company's introspection, its statuses and its order fields", async () => {
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
    expect(calls[0]!.detail.response.data).toHaveProperty('__schema');
    expect(calls[1]!.detail.request.query).toContain('statusesFetcher');
    const statuses = JSON.stringify(calls[1]!.detail.response.data);
    for (const status of check.body.statuses as { name: string }[]) expect(statuses).toContain(status.name);
  });

  it('a connection check, each call naming the connection', async () => {
    const created = await h.admin('POST', '/admin/api/connections', {
      name: 'Audited reads',
      base_url: h.sandbox.url,
      company_id: '91',
      token: crmToken,
    });
    expect(created.status, created.text).toBe(201);
    h.addCompanyFor({ webhook_url: created.body.webhook_url, salesrender: { company_id: '91' } });
    const after = await lastAuditId();
    const check = await h.admin('POST', `/admin/api/connections/${created.body.id}/check`);
    expect(check.body).toMatchObject({ ok: true });

    const calls = await callsAfter(after);
    expect(calls.map((call) => call.detail.operation).sort()).toEqual([
      'introspection',
      'orderFieldsFetcher',
      'statusesFetcher',
    ]);
    const reads = calls.filter((call) => call.detail.operation !== 'introspection');
    expect(reads.map((call) => [call.detail.purpose, call.detail.connection_id, call.campaign_id])).toEqual([
      ['connection_check', created.body.id, null],
      ['connection_check', created.body.id, null],
    ]);
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
  });
});
