// Rate limits counted in the database, so that instances sharing it share each key's budget.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { type Database, openPostgres } from '../../src/db/connection.js';
import { claimRateLimitTokens, grantOf } from '../../src/db/sql/claim-rate-limit-tokens.js';
import { executeSql } from '../../src/db/sql/statement.js';
import { rateLimitWindowSweep } from '../../src/http/shared-rate-limit.js';
import { type Service, startService } from '../../src/service.js';
import { adminToken, type Harness, injectInto, secretKey, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';
import { onPostgres } from '../support/test-database.js';

const limit = 100;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: String(limit) } });
  await h.createCampaign('shared');
});
afterAll(async () => {
  await h?.close();
});

type Send = Harness['request'];
let phone = 0;
const sendLead = (request: Send, key: string) =>
  request({
    method: 'POST',
    url: '/v1/leads/shared',
    body: { phone: `+7912${String(4_000_000 + phone++).padStart(7, '0')}` },
    headers: { 'x-api-key': key },
  });
const signIn = (request: Send, headers: Record<string, string> = {}) =>
  request({ method: 'POST', url: '/admin/sign-in', form: { token: 'a-wrong-guess' }, headers });

/** Moves the test clock to the start of the next minute: a fresh budget for every key. */
const nextMinute = () => {
  const now = h.clock.now().getTime();
  h.clock.set(new Date(now - (now % 60_000) + 60_000));
};

/** Sends `total` leads with `key`, `concurrency` at a time, spread over `instances` in turn. */
async function sendLeads(instances: Send[], key: string, total: number, concurrency: number) {
  const answers: Awaited<ReturnType<Send>>[] = [];
  for (let sent = 0; sent < total; sent += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, total - sent) }, (_, index) =>
      sendLead(instances[(sent + index) % instances.length] as Send, key),
    );
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

function expectRefusals(answers: Awaited<ReturnType<Send>>[]) {
  for (const answer of answers.filter((answer) => answer.status !== 201)) {
    expect(answer.status).toBe(429);
    expect(answer.body.error.code).toBe('RATE_LIMITED');
    expect(answer.body.error.retry_after_seconds).toBe(Number(answer.headers['retry-after']));
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(answer.headers['retry-after'])).toBeLessThanOrEqual(60);
  }
}

describe('one instance (embedded default and PostgreSQL)', () => {
  it('grants tokens from a minute budget in one statement, never past the limit', async () => {
    const db = h.testDatabase.database.orm;
    const windowStart = new Date('2026-03-01T09:00:00Z');
    const claim = async (wanted: number, keyDigest = 'digest-a') => {
      const input = { keyDigest, windowStart, wanted, limit: 10 };
      return grantOf((await executeSql(db, claimRateLimitTokens, input))[0], input);
    };
    expect(await claim(4)).toEqual({ granted: 4, used: 4 });
    expect(await claim(4)).toEqual({ granted: 4, used: 8 });
    expect(await claim(4)).toEqual({ granted: 2, used: 10 });
    expect(await claim(4)).toEqual({ granted: 0, used: 10 });
    expect(await claim(4, 'digest-b')).toEqual({ granted: 4, used: 4 });
    // The parameters and the returned columns are those of the statement.
    const input = { keyDigest: 'k', windowStart, wanted: 3, limit: 5 };
    expect(claimRateLimitTokens.values(input)).toEqual(['k', windowStart.toISOString(), 3, 5]);
    expect(grantOf(claimRateLimitTokens.row({ used: 5, last_grant: 2 }), input)).toEqual({
      granted: 2,
      used: 5,
    });
    await db.execute(sql`delete from rate_limit_windows where key_digest like 'digest-%'`);
  });

  it('admits exactly the limit in a minute, answers the rest 429 with Retry-After, and starts afresh the next minute', async () => {
    nextMinute();
    const key = await h.createPartner(['shared']);
    const answers = await sendLeads([h.request], key, 3 * limit, 30);
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(limit);
    expectRefusals(answers);
    h.clock.advance(20_000);
    const later = await sendLead(h.request, key);
    expect(later.status).toBe(429);
    expect(later.headers['retry-after']).toBe('40');
    h.clock.advance(40_000);
    expect((await sendLead(h.request, key)).status).toBe(201);
  });

  it('keeps a digest of each key, never the key itself, and sweeps minutes long over', async () => {
    nextMinute();
    const key = await h.createPartner(['shared']);
    expect((await sendLead(h.request, key)).status).toBe(201);
    const db = h.testDatabase.database.orm;
    const rows = await queryRows<{ key_digest: string; window_start: Date | string }>(
      db,
      sql`select key_digest, window_start from rate_limit_windows`,
    );
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.key_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(key.slice(3));
    const current = h.clock.now().getTime();
    await rateLimitWindowSweep(db, () => {})(h.clock.now());
    const kept = await queryRows<{ window_start: Date | string }>(
      db,
      sql`select window_start from rate_limit_windows`,
    );
    // The current minute and the one before it stay (for instances whose clocks lag a little).
    expect(kept.length).toBeGreaterThan(0);
    for (const row of kept)
      expect(new Date(row.window_start).getTime()).toBeGreaterThanOrEqual(current - 60_000);
  });

  it('limits sign-ins per address whatever API key the request carries', async () => {
    nextMinute();
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++)
      statuses.push((await signIn(h.request, { 'x-api-key': `lb_made-up-${index}` })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
  });

  it('admits requests when the budget cannot be claimed from the database, and counts it', async () => {
    nextMinute();
    const key = await h.createPartner(['shared']);
    const db = h.testDatabase.database.orm;
    await db.execute(sql`alter table rate_limit_windows rename to rate_limit_windows_away`);
    try {
      const statuses = new Set<number>();
      for (let index = 0; index < limit + 10; index++) {
        const answer = await h.request({
          method: 'GET',
          url: '/v1/leads?click_id=none',
          headers: { 'x-api-key': key },
        });
        statuses.add(answer.status);
      }
      expect([...statuses]).toEqual([200]);
    } finally {
      await db.execute(sql`alter table rate_limit_windows_away rename to rate_limit_windows`);
    }
    const metrics = await h.request({ method: 'GET', url: '/metrics' });
    expect(metrics.text).toMatch(/leadbridge_rate_limit_claims_total\{outcome="failed"\} [1-9]/);
    expect(h.logLines.some((line) => line.includes('could not claim tokens'))).toBe(true);
  });
});

describe.skipIf(!onPostgres)('two instances on one PostgreSQL', () => {
  let secondDatabase: Database;
  let second: Service;
  let secondRequest: Send;
  beforeAll(async () => {
    secondDatabase = await openPostgres(h.testDatabase.url as string);
    second = await startService({
      settings: loadSettings({
        LEADBRIDGE_ADMIN_TOKEN: adminToken,
        LEADBRIDGE_SECRET_KEY: secretKey,
        LEADBRIDGE_ALLOW_PRIVATE_TARGETS: '1',
        PUBLIC_BASE_URL: 'http://leadbridge.test',
        SALESRENDER_TIMEOUT_MS: '2000',
        RATE_LIMIT_PER_MINUTE: String(limit),
        LOG_LEVEL: 'silent',
      }),
      database: secondDatabase,
      clock: h.clock,
      random: () => 0.5,
      startWorker: false,
    });
    secondRequest = injectInto(second);
  });
  afterAll(async () => {
    await second?.close();
    await secondDatabase?.close();
  });

  it('together admit a key only its limit a minute, not twice it, and refuse the rest with 429', async () => {
    nextMinute();
    const key = await h.createPartner(['shared']);
    const answers = await sendLeads([h.request, secondRequest], key, 3 * limit, 40);
    const accepted = answers.filter((answer) => answer.status === 201).length;
    expect(accepted).toBeGreaterThanOrEqual(limit);
    expect(accepted).toBeLessThanOrEqual(limit * 1.1);
    expectRefusals(answers);
    // Each instance admitted part of the budget: it was shared, not used up by one.
    const byInstance = [0, 1].map(
      (instance) => answers.filter((answer, index) => index % 2 === instance && answer.status === 201).length,
    );
    expect(Math.min(...byInstance)).toBeGreaterThan(0);
  });

  it('together allow ten sign-ins a minute per address', async () => {
    nextMinute();
    const statuses: number[] = [];
    for (let index = 0; index < 12; index++)
      statuses.push((await signIn(index % 2 === 0 ? h.request : secondRequest)).status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
