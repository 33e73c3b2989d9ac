// Upgrading from a release that kept its data in PGlite (DATA_DIR/pglite): the first start carries it all over, once.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/campaigns/api-clients.js';
import { createTokenCipher } from '../../src/campaigns/token-cipher.js';
import { ManualClock } from '../../src/clock.js';
import { loadSettings } from '../../src/config/settings.js';
import type { Database } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';
import {
  importMarker,
  importPgliteDataIfPresent,
  PgliteImportRefusedError,
} from '../../src/db/pglite-import/import-pglite-data.js';
import { openPgliteCopy, pgliteMigrationTarget } from '../../src/db/pglite-import/open-pglite-copy.js';
import { createLogger } from '../../src/logger.js';
import { type Service, startService } from '../../src/service.js';
import { adminToken, injectInto, secretKey } from '../support/harness.js';
import { createTestDatabase, onPostgres } from '../support/test-database.js';

const dataDirs: string[] = [];
afterAll(async () => {
  for (const dir of dataDirs)
    await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
});

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'leadbridge-pglite-import-'));
  dataDirs.push(dir);
  return dir;
}

/** The tables the earlier release's data below fills, and how each is read back in a fixed order. */
const filledTables = [
  'salesrender_connections',
  'campaigns',
  'clients',
  'client_campaigns',
  'api_keys',
  'leads',
  'jobs',
  'delivery_attempts',
  'lead_status_history',
  'audit_log',
];
const snapshotText = (table: string) =>
  `select coalesce(json_agg(t order by t::text), '[]')::text as rows from ${table} t`;

const partnerKey = 'lb_old_partner_key_0123456789abcdef0123';
const lastPgliteReleaseMigration = '0010_rate_limit_windows';

/**
 * What an earlier release left in DATA_DIR/pglite: a campaign, a partner and its key, two leads (one
 * with an order), a postback job with its delivery attempts, status history and audit rows (bigserial ids;
 * the last status row deleted, so its sequence stands past the largest id), and that release's pid file,
 * its process gone.
 */
async function writeEarlierReleaseData(dataDir: string): Promise<Record<string, string>> {
  // The schema of the last release that kept its data in PGlite.
  const old = await openPgliteCopy(join(dataDir, 'pglite'), { through: lastPgliteReleaseMigration });
  try {
    const token = createTokenCipher(Buffer.from(secretKey, 'hex')).encrypt('old-salesrender-token');
    await old.query(
      `insert into campaigns (id, alias, name, module, sr_base_url, sr_company_id, sr_token_encrypted,
         sr_project_id, sr_initial_status_id, fields, status_map, payouts, webhook_secret, created_at, updated_at)
       values ('cmp_old1', 'old-shop', 'Old shop', 'crm', 'http://127.0.0.1:9', '1', $1, '1', '1',
         '{}', '{"3": "accepted", "4": "rejected"}', '{"accepted": {"amount": 1250}}', 'whsec_old1',
         '2025-11-01T09:00:00Z', '2025-11-02T09:00:00Z')`,
      [token],
    );
    await old.exec(`
      insert into clients (id, kind, name, created_at) values ('ptn_old1', 'partner', 'Old partner', '2025-11-01T09:05:00Z');
      insert into client_campaigns (client_id, campaign_id) values ('ptn_old1', 'cmp_old1');
      insert into api_keys (id, client_id, key_hash, key_prefix, created_at)
        values ('key_old1', 'ptn_old1', '${hashApiKey(partnerKey)}', 'lb_old_p', '2025-11-01T09:05:00Z');
      insert into leads (id, campaign_id, partner_id, state, click_id, phone, name, country, subs, order_id,
          status_id, label, status_changed_at, created_at, updated_at)
        values
          ('lead_old1', 'cmp_old1', 'ptn_old1', 'created', 'old-click-1', '+79125550101', 'Анна', 'RU',
           '{"sub1": "fb", "sub2": "spring sale"}', '501', '3', 'accepted', '2025-11-03T10:00:00.123456Z',
           '2025-11-03T09:00:00Z', '2025-11-03T10:00:00.123456Z'),
          ('lead_old2', 'cmp_old1', 'ptn_old1', 'queued', 'old-click-2', '+79125550102', null, 'RU',
           '{}', null, null, null, null, '2025-11-03T09:30:00Z', '2025-11-03T09:30:00Z');
      insert into jobs (id, kind, campaign_id, lead_id, payload, state, attempts, max_attempts, next_attempt_at,
          last_http_status, dedupe_key, created_at, updated_at, finished_at)
        values ('job_old1', 'postback', 'cmp_old1', 'lead_old1', '{"method": "GET", "url": "https://tracker.example/pb?s=accepted&t=secret-tracker-token", "body": null,
          "tid": "old-click-1", "seq": 2, "label": "accepted", "status_id": "3", "order_id": "501", "lead_id": "lead_old1"}', 'done',
          2, 8, '2025-11-03T10:01:00Z', 200, 'pb:lead_old1:accepted', '2025-11-03T10:00:01Z',
          '2025-11-03T10:01:00Z', '2025-11-03T10:01:00Z');
      insert into delivery_attempts (job_id, attempt, at, method, url, http_status, latency_ms, response_head, error)
        values ('job_old1', 1, '2025-11-03T10:00:02Z', 'GET', 'https://tracker.example/pb?s=accepted', null, 5000, null, 'timeout'),
               ('job_old1', 2, '2025-11-03T10:01:00Z', 'GET', 'https://tracker.example/pb?s=accepted', 200, 85, 'ok', null);
      insert into lead_status_history (lead_id, status_id, label, source, changed_at, recorded_at)
        values ('lead_old1', '1', 'new', 'created', '2025-11-03T09:00:00Z', '2025-11-03T09:00:01Z'),
               ('lead_old1', '3', 'accepted', 'webhook', '2025-11-03T10:00:00Z', '2025-11-03T10:00:00.5Z'),
               ('lead_old1', '3', 'accepted', 'reconcile', '2025-11-03T10:00:01Z', '2025-11-03T10:05:00Z');
      delete from lead_status_history where source = 'reconcile';
      insert into audit_log (at, request_id, campaign_id, lead_id, actor, event, outcome, http_status, latency_ms, detail)
        values ('2025-11-01T09:00:00Z', 'req_1', 'cmp_old1', null, 'admin', 'campaign.created', 'ok', 201, 12, '{"alias": "old-shop"}'),
               ('2025-11-03T09:00:00Z', 'req_2', 'cmp_old1', 'lead_old1', 'ptn_old1', 'lead.received', 'created', 201, 340, '{"phone": "+7912•••0101"}'),
               ('2025-11-03T10:00:00Z', 'req_3', 'cmp_old1', 'lead_old1', 'salesrender', 'status.changed', 'ok', 200, 8, '{"from": "1", "to": "3"}');
    `);
    // What the import copies: the old data brought to this build's schema (connections made from the
    // campaigns, with secrets drawn once), which the import's own opening leaves as it is.
    await migrate(pgliteMigrationTarget(old));
    return await snapshot((text) => old.query<Record<string, unknown>>(text).then((result) => result.rows));
  } finally {
    await old.close();
    await writeFile(join(dataDir, 'pglite.pid'), String(deadPid()));
  }
}

/** Every filled table as JSON text, in UTC, so two databases' rows compare as strings. */
async function snapshot(
  query: (text: string) => Promise<Record<string, unknown>[]>,
): Promise<Record<string, string>> {
  await query(`set timezone = 'UTC'`);
  const tables: Record<string, string> = {};
  for (const table of filledTables) tables[table] = String((await query(snapshotText(table)))[0]?.rows);
  return tables;
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (!pid) throw new Error('could not run a child process');
  return pid;
}

async function startOn(dataDir: string): Promise<{ service: Service; logLines: string[] }> {
  const settings = loadSettings({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LEADBRIDGE_ADMIN_TOKEN: adminToken,
    LEADBRIDGE_SECRET_KEY: secretKey,
    LOG_LEVEL: 'info',
  });
  const logLines: string[] = [];
  const service = await startService({
    settings,
    clock: new ManualClock(new Date('2026-12-06T23:00:00Z')),
    startWorker: false,
    logger: createLogger(settings, { write: (line: string) => void logLines.push(line) }),
  });
  return { service, logLines };
}

const script = (database: Database, text: string, params: unknown[] = []) =>
  database.script((run) => run(text, params));
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe.skipIf(onPostgres)(
  'the PGlite data of an earlier release, on the first start on its DATA_DIR',
  () => {
    it('is carried over whole into the embedded server, ids go on after it, and DATA_DIR/pglite is moved aside', {
      timeout: 120_000,
    }, async () => {
      const dataDir = await freshDataDir();
      const before = await writeEarlierReleaseData(dataDir);

      const { service, logLines } = await startOn(dataDir);
      try {
        const { database } = service.context;
        await database.script(async (run) => {
          // The same rows with the same values, table by table.
          expect(await snapshot((text) => run(text, []))).toEqual(before);
        });

        // The partner's key from before the upgrade still finds its leads.
        const found = await injectInto(service)({
          method: 'GET',
          url: '/v1/leads?click_id=old-click-1',
          headers: { 'x-api-key': partnerKey },
        });
        expect(found.status).toBe(200);
        expect((found.body as { leads: { lead_id: string }[] }).leads.map((lead) => lead.lead_id)).toEqual([
          'lead_old1',
        ]);

        // New rows take ids after the imported ones (and after the status row deleted before the upgrade).
        const [audit] = await script(
          database,
          `insert into audit_log (at, event, detail) values (now(), 'test.after_import', '{}') returning id::int as id`,
        );
        expect(audit?.id).toBe(4);
        const [history] = await script(
          database,
          `insert into lead_status_history (lead_id, status_id, source, changed_at, recorded_at)
           values ('lead_old1', '4', 'webhook', now(), now()) returning id::int as id`,
        );
        expect(history?.id).toBe(4);

        // The directory is kept under a dated name, the old pid file is gone, and the log says what came over.
        expect((await readdir(dataDir)).filter((name) => name.startsWith('pglite'))).toEqual([
          'pglite-imported-20261206T230000Z',
        ]);
        const log = logLines.map(
          (line) => JSON.parse(line) as { msg: string; table?: string; rows?: number },
        );
        expect(log.find((line) => line.table === 'leads')).toMatchObject({
          msg: 'copied a table from PGlite',
          rows: 2,
        });
        expect(log.some((line) => line.msg === 'imported the PGlite data' && line.rows === 15)).toBe(true);
      } finally {
        await service.close();
      }

      // A second start imports nothing and refuses nothing.
      const second = await startOn(dataDir);
      try {
        const [counted] = await script(
          second.service.context.database,
          'select count(*)::int as n from leads',
        );
        expect(counted?.n).toBe(2);
        expect(second.logLines.join('')).not.toContain('PGlite');
      } finally {
        await second.service.close();
      }
    });

    it('only moves the directory aside when the last start died after the import committed', {
      timeout: 120_000,
    }, async () => {
      const dataDir = await freshDataDir();
      await writeEarlierReleaseData(dataDir);
      const first = await startOn(dataDir);
      await first.service.close();
      // As if that start had died between its commit and the rename.
      await rename(join(dataDir, 'pglite-imported-20261206T230000Z'), join(dataDir, 'pglite'));

      const { service, logLines } = await startOn(dataDir);
      try {
        const [counted] = await script(service.context.database, 'select count(*)::int as n from audit_log');
        expect(counted?.n).toBe(3);
        expect(logLines.join('')).toContain('imported before but not moved aside');
        expect(await exists(join(dataDir, 'pglite'))).toBe(false);
      } finally {
        await service.close();
      }
    });
  },
);

describe('an import the operator has to decide on', () => {
  const silent = { info() {}, warn() {} };
  const now = () => new Date('2026-12-06T23:00:00Z');

  it('is refused with PGLITE_IMPORT_TARGET_NOT_EMPTY when the server already holds data, and copies nothing', async () => {
    const dataDir = await freshDataDir();
    await writeEarlierReleaseData(dataDir);
    const target = await createTestDatabase();
    try {
      await migrate(target.database);
      await script(
        target.database,
        `insert into clients (id, kind, name, created_at) values ('ptn_new', 'partner', 'New partner', now())`,
      );
      const refused = await importPgliteDataIfPresent({
        dataDir,
        target: target.database,
        log: silent,
        now,
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PgliteImportRefusedError);
      expect(refused).toMatchObject({
        code: 'PGLITE_IMPORT_TARGET_NOT_EMPTY',
        details: { tables: ['clients'] },
      });
      expect(await script(target.database, 'select id from clients')).toEqual([{ id: 'ptn_new' }]);
      expect(
        await script(target.database, 'select id from lb_migrations where id = $1', [importMarker]),
      ).toEqual([]);
      expect(await exists(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    } finally {
      await target.drop();
    }
  });

  it('is refused with PGLITE_IMPORT_IN_USE while the earlier release still runs on the directory', async () => {
    const dataDir = await freshDataDir();
    await writeEarlierReleaseData(dataDir);
    // A live process other than this one: the test runner that started this worker.
    await writeFile(join(dataDir, 'pglite.pid'), String(process.ppid));
    const target = await createTestDatabase();
    try {
      await migrate(target.database);
      await expect(
        importPgliteDataIfPresent({ dataDir, target: target.database, log: silent, now }),
      ).rejects.toMatchObject({ code: 'PGLITE_IMPORT_IN_USE', details: { pid: process.ppid } });
      expect(await script(target.database, 'select count(*)::int as n from leads')).toEqual([{ n: 0 }]);
    } finally {
      await target.drop();
    }
  });

  it('answers at once, without PGlite, when DATA_DIR holds no PGlite data', async () => {
    const dataDir = await freshDataDir();
    const target = {
      script: () => Promise.reject(new Error('the target is not touched')),
    } as unknown as Database;
    expect(await importPgliteDataIfPresent({ dataDir, target, log: silent, now })).toEqual({
      imported: false,
    });
  });
});
