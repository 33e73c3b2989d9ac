// A lead accepted is never lost: LeadBridge is SIGKILLed mid-flight and restarted on the same data.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type ChildService, freePort, startChildService, waitFor } from '../support/child-service.js';
import { adminToken, sandboxSalesRender } from '../support/harness.js';
import { removeDataDir } from '../support/remove-data-dir.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let sandbox: Sandbox;
let dataDir: string;
let testDatabase: TestDatabase | null = null;
let database: { url: string | null; dataDir: string };
let port: number;
let running: ChildService | null = null;

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-crash-'));
  if (process.env.TEST_DATABASE_URL) testDatabase = await createTestDatabase();
  database = { url: testDatabase?.url ?? null, dataDir };
  port = await freePort();
});
afterAll(async () => {
  await running?.kill();
  await sandbox?.close();
  await testDatabase?.drop();
  await removeDataDir(dataDir);
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${running!.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  return { status: response.status, text, body: isJson ? JSON.parse(text) : null };
}
const admin = (method: string, path: string, body?: unknown) =>
  call(method, path, body, { authorization: `Bearer ${adminToken}` });

async function auditEvents(leadId: string): Promise<string[]> {
  const response = await admin('GET', `/admin/api/audit?lead_id=${leadId}`);
  return response.text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).event as string);
}

it('creates the order exactly once after a kill, both after a 202 and in the middle of the SalesRender call', {
  timeout: 180_000,
}, async () => {
  running = await startChildService({ database, port, env: { JOB_LEASE_MS: '1500' } });
  const campaign = await admin('POST', '/admin/api/campaigns', {
    alias: 'crash',
    name: 'Crash test',
    salesrender: sandboxSalesRender(sandbox.url),
    default_country: 'RU',
  });
  expect(campaign.status).toBe(201);
  const partner = await admin('POST', '/admin/api/partners', { name: 'Crash partner', campaigns: ['crash'] });
  const key = partner.body.api_key as string;
  const orders = () => sandbox.companies.get('1')!.orders.size;

  // 1. SalesRender is down: the lead is answered 202, then the process is killed.
  sandbox.faults.set('http500');
  const queued = await call(
    'POST',
    '/v1/leads/crash',
    { phone: '+79125550001', click_id: 'k1' },
    { 'x-api-key': key },
  );
  expect(queued.status).toBe(202);
  await running.kill('SIGKILL');
  sandbox.faults.clear();
  expect(orders()).toBe(0);

  // 2. Restart: the queued lead is retried and created once.
  running = await startChildService({ database, port, env: { JOB_LEASE_MS: '1500' } });
  await waitFor(
    () => orders() === 1,
    60_000,
    `the queued lead to reach SalesRender; server said:\n${running.output.join('').slice(-2000)}`,
  );

  // 3. Killed while the SalesRender call is in flight: the lease expires and another process retries it.
  sandbox.faults.set('timeout', 1, 60_000);
  const requestsBefore = sandbox.requests.length;
  const inFlight = call(
    'POST',
    '/v1/leads/crash',
    { phone: '+79125550002', click_id: 'k2' },
    { 'x-api-key': key },
  ).catch((error: Error) => error);
  await waitFor(() => sandbox.requests.length > requestsBefore, 10_000, 'the SalesRender call to start');
  await running.kill('SIGKILL');
  expect(await inFlight).toBeInstanceOf(Error);
  running = await startChildService({ database, port, env: { JOB_LEASE_MS: '1500' } });
  await waitFor(
    () => orders() === 2,
    60_000,
    `the interrupted lead to reach SalesRender; server said:\n${running.output.join('').slice(-2000)}`,
  );

  // Nothing more arrives later, and each lead's trail shows one created order.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(orders()).toBe(2);
  const duplicate = await call(
    'POST',
    '/v1/leads/crash',
    { phone: '+79125550002', click_id: 'k2' },
    { 'x-api-key': key },
  );
  expect(duplicate.status).toBe(200);
  expect(duplicate.body.order_id).toEqual(expect.any(String));
  const events = await auditEvents(queued.body.lead_id);
  expect(events.filter((event) => event === 'order.created')).toHaveLength(1);
  expect(events[0]).toBe('lead.accepted');
});
