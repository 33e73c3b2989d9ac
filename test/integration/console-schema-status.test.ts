// What the operator and the buyer see of SalesRender schema problems and possible duplicates: the
// dashboard's drift-watch section, a campaign's last check and "Check now", held and duplicate leads in
// the lead list and page, `GET /v1/leads/:id` and the leads export. Rows are set up with SQL.
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let key: string;
let cookie: string;
let heldId: string;
let duplicateId: string;
const hostile = 'Field "subid_9" <script>alert(1)</script> is gone';
const db = () => h.testDatabase.database.orm;

async function page(url: string) {
  const response = await h.request({ method: 'GET', url, headers: { cookie } });
  expect(response.status).toBe(200);
  return response.text;
}

async function sendLead(clickId: string, phone: string): Promise<string> {
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/schema-ui',
    body: { phone, click_id: clickId },
    headers: { 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  return response.body.lead_id;
}

beforeAll(async () => {
  h = await startHarness();
  const campaign = await h.createCampaign('schema-ui');
  key = await h.createPartner(['schema-ui']);
  heldId = await sendLead('held-1', '+79161110001');
  duplicateId = await sendLead('dup-1', '+79161110002');
  await db().execute(sql`update leads set state = 'queued', error_code = 'SR_SCHEMA_FAULT',
    error_message = ${hostile} where id = ${heldId}`);
  await db().execute(sql`update leads set possible_duplicate = true where id = ${duplicateId}`);
  await db().execute(sql`insert into campaign_checks (campaign_id, checked_at, ok, problems, left_out)
    values (${campaign.id}, '2026-03-01T07:00:00Z', false, ${JSON.stringify([
      {
        kind: 'input_left_out',
        severity: 'warning',
        message: 'subid_4 is not in the live input',
        path: 'source.subid_4',
      },
      { kind: 'document', severity: 'error', message: hostile },
    ])}::jsonb, ${JSON.stringify(['source.subid_4', 'source.subid_5'])}::jsonb)`);
  const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
  cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
});
afterAll(async () => {
  await h?.close();
});

describe('dashboard', () => {
  it('says when no company has been checked yet and how often the drift watch runs', async () => {
    const text = await page('/admin');
    expect(text).toContain('Not checked yet — the drift watch runs every 6 h');
    expect(text).toContain('SALESRENDER_SCHEMA_CHECK_HOURS=6');
  });

  it('shows each company checked, errors before warnings, escaped, and the held and duplicate counts', async () => {
    // Only companies an active campaign uses are reported.
    await h.createCampaign('schema-ui-77', {
      salesrender: { base_url: 'https://sr.example', company_id: '77' },
    });
    await db().execute(sql`insert into salesrender_schemas (company, module, base_url, company_id, checked_at, ok, problems)
      values ('77@sr.example', 'CRM', 'https://sr.example', '77', '2026-03-01T07:00:00Z', false, ${JSON.stringify(
        [
          {
            kind: 'order_field',
            severity: 'warning',
            message: 'order field note is unused',
            campaign: 'schema-ui',
          },
          { kind: 'document', severity: 'error', message: hostile },
        ],
      )}::jsonb)`);
    const text = await page('/admin');
    const row = /<tr data-company="77@sr\.example">[\s\S]*?<\/tr>/.exec(text)?.[0] ?? '';
    expect(row).toContain('https://sr.example');
    expect(row).toContain('title="2026-03-01T07:00:00.000Z">3 h ago</time>');
    expect(row).toContain('1 error, 1 warning');
    expect(row.indexOf('data-severity="error"')).toBeLessThan(row.indexOf('data-severity="warning"'));
    expect(row).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).not.toContain('<script>alert(1)');
    expect(text).not.toContain('Not checked yet');
    expect(text).toMatch(/data-stat="held-for-schema">1</);
    expect(text).toMatch(/data-stat="possible-duplicates">1</);
  });
});

describe('campaign page', () => {
  it('shows the last check, what is left out of what is sent and the leads held', async () => {
    const text = await page('/admin/campaigns/schema-ui');
    const panel = /<section[^>]*id="salesrender-check">[\s\S]*?<\/section>/.exec(text)?.[0] ?? '';
    expect(panel).toContain('1 error, 1 warning');
    expect(panel).toContain('<code>input_left_out</code>');
    expect(panel).toContain('&lt;script&gt;alert(1)');
    expect(panel).toContain(
      'Left out of what is sent: <code>source.subid_4</code>, <code>source.subid_5</code>',
    );
    expect(panel).toMatch(/<strong>1<\/strong> lead\(s\) held for a SalesRender/);
    expect(panel).toContain('action="/admin/campaigns/schema-ui/check"');
  });

  it('"Check now" refuses a form without the CSRF token, and with it checks, records and redirects back', async () => {
    const form = await page('/admin/campaigns/schema-ui');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    const url = '/admin/campaigns/schema-ui/check';
    expect((await h.request({ method: 'POST', url, form: {}, headers: { cookie } })).status).toBe(403);
    h.clock.set(new Date('2026-03-01T12:00:00Z'));
    const checked = await h.request({ method: 'POST', url, form: { _csrf: csrf }, headers: { cookie } });
    expect(checked.status).toBe(303);
    expect(String(checked.headers.location)).toMatch(/^\/admin\/campaigns\/schema-ui\?done=campaign-checked/);
    const text = await page(String(checked.headers.location));
    expect(text).toContain('Campaign checked against its SalesRender company');
    const panel = /<section[^>]*id="salesrender-check">[\s\S]*?<\/section>/.exec(text)?.[0] ?? '';
    expect(panel).toContain('title="2026-03-01T12:00:00.000Z">just now</time>');
    expect(panel).not.toContain('&lt;script&gt;');
  });
});

describe('leads', () => {
  it('lists a held lead as waiting for a schema fix, with its reason, and badges a possible duplicate', async () => {
    const text = await page('/admin/leads?campaign=schema-ui');
    const held = /<tr>(?:(?!<\/tr>)[\s\S])*held-1[\s\S]*?<\/tr>/.exec(text)?.[0] ?? '';
    expect(held).toContain('waiting: SalesRender schema problem');
    expect(held).toContain('&lt;script&gt;alert(1)');
    const duplicate = /<tr>(?:(?!<\/tr>)[\s\S])*dup-1[\s\S]*?<\/tr>/.exec(text)?.[0] ?? '';
    expect(duplicate).toContain('possible duplicate');
    expect(held).not.toContain('possible duplicate');
    expect(text).not.toContain('<script>alert(1)');
  });

  it('explains both on the lead page', async () => {
    const held = await page(`/admin/leads/${heldId}`);
    expect(held).toContain('waiting: SalesRender schema problem');
    expect(held).toContain('<code>SR_SCHEMA_FAULT</code>: Field &quot;subid_9&quot; &lt;script&gt;');
    const duplicate = await page(`/admin/leads/${duplicateId}`);
    expect(duplicate).toContain(
      'sent again after a create call whose outcome was unknown; SalesRender may hold two orders for it',
    );
    expect(held).not.toContain('id="duplicate-explanation"');
  });

  it('answers possible_duplicate to the buyer', async () => {
    const read = (id: string) =>
      h.request({ method: 'GET', url: `/v1/leads/${id}`, headers: { 'x-api-key': key } });
    expect((await read(duplicateId)).body.possible_duplicate).toBe(true);
    expect((await read(heldId)).body.possible_duplicate).toBe(false);
  });

  it('exports possible_duplicate as a column (CSV) and a field (NDJSON)', async () => {
    const csv = await h.admin('GET', '/admin/api/leads/export?campaign=schema-ui&format=csv');
    const rows: Record<string, string>[] = parse(csv.text, { columns: true });
    expect(rows.find((row) => row.lead_id === duplicateId)?.possible_duplicate).toBe('true');
    expect(rows.find((row) => row.lead_id === heldId)?.possible_duplicate).toBe('false');
    const ndjson = await h.admin('GET', '/admin/api/leads/export?campaign=schema-ui&format=ndjson');
    const records = ndjson.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(records.find((record) => record.lead_id === duplicateId)).toMatchObject({
      possible_duplicate: true,
    });
  });
});
