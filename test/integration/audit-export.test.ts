// Exporting the audit log per campaign and period, as NDJSON and CSV.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let firstLeadAt: Date;
beforeAll(async () => {
  h = await startHarness();
  await h.createCampaign('export-a');
  await h.createCampaign('export-b');
  const key = await h.createPartner(['export-a', 'export-b']);
  const send = (alias: string, phone: string) =>
    h.request({
      method: 'POST',
      url: `/v1/leads/${alias}`,
      body: { phone, name: 'Quote "me", please' },
      headers: { 'x-api-key': key },
    });
  firstLeadAt = h.clock.now();
  await send('export-a', '+79120000021');
  h.clock.advance(3_600_000);
  await send('export-a', '+79120000022');
  await send('export-b', '+79120000023');
});
afterAll(async () => {
  await h?.close();
});

const lines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

it('streams one campaign as NDJSON, with the raw request, GraphQL call and outcome of each lead', async () => {
  const response = await h.admin('GET', '/admin/api/audit?campaign=export-a');
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toContain('application/x-ndjson');
  const rows = lines(response.text);
  expect(rows.map((row) => row.event)).toEqual([
    'lead.received',
    'lead.accepted',
    'salesrender.call',
    'order.created',
    'lead.received',
    'lead.accepted',
    'salesrender.call',
    'order.created',
  ]);
  expect(new Set(rows.map((row) => row.campaign_id)).size).toBe(1);
});

it('limits by period', async () => {
  const from = new Date(firstLeadAt.getTime() + 1_000).toISOString();
  const rows = lines((await h.admin('GET', `/admin/api/audit?campaign=export-a&from=${from}`)).text);
  expect(rows).toHaveLength(4);
  const to = new Date(firstLeadAt.getTime() + 1_000).toISOString();
  expect(lines((await h.admin('GET', `/admin/api/audit?campaign=export-a&to=${to}`)).text)).toHaveLength(4);
});

it('exports CSV with a header and RFC 4180 quoting', async () => {
  const response = await h.admin('GET', '/admin/api/audit?campaign=export-b&format=csv');
  expect(response.headers['content-type']).toContain('text/csv');
  const [header, ...rest] = response.text.split('\r\n').filter(Boolean);
  expect(header).toBe(
    'id,at,request_id,campaign_id,lead_id,order_id,actor,event,outcome,http_status,latency_ms,detail',
  );
  expect(rest).toHaveLength(4);
  expect(response.text).toContain('""Quote \\""me\\"", please""');
});

it('refuses a bad period and an unknown campaign', async () => {
  expect((await h.admin('GET', '/admin/api/audit?from=yesterday')).status).toBe(422);
  expect((await h.admin('GET', '/admin/api/audit?campaign=nope')).status).toBe(404);
  expect((await h.admin('GET', '/admin/api/audit?format=xml')).status).toBe(422);
});
