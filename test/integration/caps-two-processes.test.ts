// Two LeadBridge processes on one PostgreSQL share a campaign's cap: a burst over both never sends more than the cap.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type ChildService, freePort, startChildService } from '../support/child-service.js';
import { adminToken, sandboxSalesRender } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/test-database.js';

let sandbox: Sandbox;
let testDatabase: TestDatabase;
const processes: ChildService[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  sandbox = await startSandbox();
  testDatabase = await createTestDatabase();
});
afterAll(async () => {
  for (const child of processes) await child.kill().catch(() => {});
  await sandbox?.close();
  await testDatabase?.drop();
});

async function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

it.skipIf(!onPostgres)(
  'forwards exactly 50 of 200 concurrent leads sent to two processes under a cap of 50; 150 get CAP_REACHED',
  { timeout: 180_000 },
  async () => {
    const database = { url: testDatabase.url, dataDir: '/nonexistent' };
    const env = { LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0' };
    const [a, b] = await Promise.all([
      startChildService({ database, port: await freePort(), env }),
      startChildService({ database, port: await freePort(), env }),
    ]);
    processes.push(a, b);
    const admin = { authorization: `Bearer ${adminToken}` };
    const campaign = await post(
      a.url,
      '/admin/api/campaigns',
      {
        alias: 'capped',
        name: 'Capped',
        salesrender: sandboxSalesRender(sandbox.url),
        status_map: { '1': 'pending' },
        default_country: 'RU',
        caps: { daily: null, total: 50 },
      },
      admin,
    );
    expect(campaign.status).toBe(201);
    const partner = await post(a.url, '/admin/api/partners', { name: 'P', campaigns: ['capped'] }, admin);
    const key = partner.body.api_key as string;

    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        post(
          index % 2 === 0 ? a.url : b.url,
          '/v1/leads/capped',
          { phone: `+7913${String(2_000_000 + index).padStart(7, '0')}`, click_id: `burst-${index}` },
          { 'x-api-key': key },
        ),
      ),
    );

    const created = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(created).toHaveLength(50);
    expect(refused).toHaveLength(150);
    for (const answer of refused) {
      expect(answer.body.error).toMatchObject({
        code: 'CAP_REACHED',
        cap: { scope: 'campaign', period: 'total', limit: 50 },
        resets_at: null,
      });
    }
    // Both processes took part in each outcome: the cap held across them, not within one.
    const byProcess = (status: number, parity: number) =>
      answers.filter((answer, index) => answer.status === status && index % 2 === parity).length;
    expect(byProcess(201, 0) + byProcess(201, 1)).toBe(50);
    expect(byProcess(429, 0)).toBeGreaterThan(0);
    expect(byProcess(429, 1)).toBeGreaterThan(0);

    expect(sandbox.companies.get('1')!.orders.size).toBe(50);
    const [stored] = await queryRows(
      testDatabase.database.orm,
      sql`select (select count(*)::int from leads) as leads, (select total_used from cap_counters) as used`,
    );
    expect(stored).toEqual({ leads: 50, used: 50 });
  },
);
