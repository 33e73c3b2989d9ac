// The drift watch, as an operator meets it: SalesRender changes under a running LeadBridge, and within one
// check interval the schema report, /metrics and `campaign check` say so; leads sent meanwhile are held
// (not rejected) and go through once the company is put back.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type ChildService, freePort, startChildService } from '../support/child-service.js';
import { adminToken, sandboxSalesRender } from '../support/harness.js';
import { removeDataDir } from '../support/remove-data-dir.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** 1.8 s between passes of the drift watch. */
const checkHours = 0.0005;
let sandbox: Sandbox;
let dataDir: string;
let testDatabase: TestDatabase | null = null;
let service: ChildService;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, body: json, text };
}
const admin = (method: string, path: string, body?: unknown) =>
  call(method, path, body, { authorization: `Bearer ${adminToken}` });

/** Polls until `ready` holds, for up to three check intervals. */
async function eventually<T>(read: () => Promise<T>, ready: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + checkHours * 3_600_000 * 3 + 5_000;
  for (;;) {
    const value = await read();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-drift-'));
  if (process.env.TEST_DATABASE_URL) testDatabase = await createTestDatabase();
  service = await startChildService({
    database: { url: testDatabase?.url ?? null, dataDir },
    port: await freePort(),
    env: { SALESRENDER_SCHEMA_CHECK_HOURS: String(checkHours), LOG_LEVEL: 'warn' },
  });
});
afterAll(async () => {
  await service?.kill().catch(() => {});
  await sandbox?.close();
  await testDatabase?.drop();
  await removeDataDir(dataDir);
});

it('reports a renamed order field within one interval, holds the leads sent meanwhile, and releases them', {
  timeout: 120_000,
}, async () => {
  const created = await admin('POST', '/admin/api/campaigns', {
    alias: 'drift',
    name: 'Drift',
    salesrender: sandboxSalesRender(sandbox.url),
    status_map: {
      '1': 'pending',
      '2': 'pending',
      '3': 'accepted',
      '4': 'rejected',
      '5': 'trash',
      '6': 'trash',
      '7': 'accepted',
    },
    default_country: 'RU',
  });
  expect(created.status, created.text).toBe(201);
  const partner = await admin('POST', '/admin/api/partners', { name: 'Buyer', campaigns: ['drift'] });
  const key = partner.body.api_key as string;
  const company = `1@${new URL(sandbox.url).host}`;
  const sendLead = (n: number) =>
    call(
      'POST',
      '/v1/leads/drift',
      { phone: `+7912666${1000 + n}`, click_id: `drift-${n}`, comment: 'hi' },
      { 'x-api-key': key },
    );

  const first = await sendLead(1);
  expect(first.status, first.text).toBe(201);
  const healthy = await eventually(
    () => admin('GET', '/admin/api/salesrender/schema'),
    (answer) => answer.body?.companies?.some((entry: { company: string }) => entry.company === company),
  );
  expect(
    healthy.body.companies.find((entry: { company: string }) => entry.company === company),
  ).toMatchObject({
    company,
    base_url: sandbox.url,
    company_id: '1',
    ok: true,
  });

  // The call centre's admin renames the comment field the campaign routes to.
  const original = sandbox.companies.get('1')!.config.fields;
  sandbox.setOrderFields(
    '1',
    original.map((field) => (field.name === 'comment' ? { ...field, name: 'note' } : field)),
  );

  const broken = await eventually(
    () => admin('GET', '/admin/api/salesrender/schema'),
    (answer) =>
      answer.body.companies.some(
        (entry: { company: string; ok: boolean }) => entry.company === company && !entry.ok,
      ),
  );
  const entry = broken.body.companies.find((candidate: { company: string }) => candidate.company === company);
  expect(entry.problems).toContainEqual(
    expect.objectContaining({
      kind: 'order_field',
      severity: 'error',
      campaign: 'drift',
      path: 'salesrender.fields.comment',
    }),
  );
  const signIn = await fetch(`${service.url}/admin/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: adminToken }).toString(),
    redirect: 'manual',
  });
  const cookie = String(signIn.headers.get('set-cookie')).split(';')[0]!;
  const dashboard = await call('GET', '/admin', undefined, { cookie });
  const row = new RegExp(`<tr data-company="${company.replace(/[.]/g, '\\.')}">[\\s\\S]*?</tr>`).exec(
    dashboard.text,
  )?.[0];
  expect(row).toContain('salesrender.fields.comment');
  const metrics = await call('GET', '/metrics');
  expect(metrics.text).toContain(`leadbridge_salesrender_schema_ok{company="${company}"} 0`);
  const check = await admin('POST', '/admin/api/campaigns/drift/check');
  expect(check.status).toBe(200);
  expect(check.body.ok).toBe(false);
  expect(check.body.problems).toContainEqual(
    expect.objectContaining({ kind: 'order_field', severity: 'error' }),
  );

  const held = await sendLead(2);
  expect(held.status, held.text).toBe(202);
  expect(held.body.status).toBe('queued');
  const heldLead = await call('GET', `/v1/leads/${held.body.lead_id}`, undefined, { 'x-api-key': key });
  expect(heldLead.body.status).toBe('queued');

  sandbox.setOrderFields('1', original);
  const released = await eventually(
    () => call('GET', `/v1/leads/${held.body.lead_id}`, undefined, { 'x-api-key': key }),
    (answer) => Boolean(answer.body?.order_id),
  );
  expect(released.body.status).toBe('pending');
  const fine = await eventually(
    () => call('GET', '/metrics'),
    (answer) => answer.text.includes(`leadbridge_salesrender_schema_ok{company="${company}"} 1`),
  );
  expect(fine.status).toBe(200);
});
