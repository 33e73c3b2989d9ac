// `npm run bench:pg-work`: PostgreSQL's work per lead in counters that do not depend on the machine's load
// (WAL, buffers touched, rows and index bytes written), for comparing schema and statement changes on a
// noisy machine. Needs DATABASE_URL or TEST_DATABASE_URL: it creates and drops its own database there.
// With pg_stat_statements loaded on that server (shared_preload_libraries), it also lists the statements.
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startLeadBridge } from './leadbridge-process.js';
import { leadBody, pause } from './load.js';
import { cpuTicks } from './process-cpu.js';
import { startStandIns } from './stand-ins.js';

const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error('set DATABASE_URL or TEST_DATABASE_URL');
const leadCount = Number(process.env.BENCH_LEADS ?? 5_000);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const standIns = await startStandIns(Number(process.env.BENCH_SALESRENDER_DELAY_MS ?? 50));
const name = `lb_pgwork_${Date.now()}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${name}`;
const dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-pgwork-'));
const lb = await startLeadBridge({
  databaseUrl: databaseUrl.toString(),
  dataDir,
  salesrenderUrl: standIns.salesrenderUrl,
  trackerUrl: standIns.trackerUrl,
  logLevel: 'warn',
});
const db = new pg.Client({ connectionString: databaseUrl.toString() });
await db.connect();

const send = (amount: number) =>
  autocannon({
    url: `${lb.url}/v1/leads/bench`,
    method: 'POST',
    connections,
    amount,
    headers: { 'content-type': 'application/json', 'x-api-key': lb.apiKey },
    requests: [{ setupRequest: (request) => ({ ...request, body: leadBody() }) }],
  });
/** Waits until every stored lead has left `queued` (its order recorded). */
const settle = async () => {
  for (;;) {
    const { rows } = await db.query(`select count(*)::int as queued from leads where state = 'queued'`);
    if (rows[0].queued === 0) return;
    await pause(200);
  }
};

// Only where the server preloads it: elsewhere the view cannot be read, and the statements are left out.
const statements = await db
  .query('create extension if not exists pg_stat_statements')
  .then(() => db.query('select 1 from pg_stat_statements limit 1'))
  .then(() => true)
  .catch(() => false);

// The backends of this database on this machine (none if the server is elsewhere): their CPU, for reference only.
const backendPids = async () =>
  (
    await db.query(
      `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    )
  ).rows.map((row) => Number(row.pid));
const onThisMachine = (pid: number) => readdirSync('/proc').includes(String(pid));

const counters = async () => {
  const database = (
    await db.query(`select pg_current_wal_lsn() as lsn, blks_hit + blks_read as blocks, xact_commit
      from pg_stat_database where datname = current_database()`)
  ).rows[0];
  const tables = (
    await db.query(`select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables
      where relname in ('leads', 'audit_log', 'jobs', 'lead_status_history', 'delivery_attempts')`)
  ).rows;
  const sizes = (
    await db.query(`select c.relname, c.relkind, t.relname as table_name, pg_relation_size(c.oid)::bigint as bytes
      from pg_class c join pg_index i on i.indexrelid = c.oid join pg_class t on t.oid = i.indrelid
      where t.relname in ('leads', 'audit_log', 'jobs', 'lead_status_history')
      union all select relname, relkind, relname, pg_relation_size(oid)::bigint from pg_class
      where relname in ('leads', 'audit_log', 'jobs', 'lead_status_history')`)
  ).rows;
  const perStatement = statements
    ? (
        await db.query(`select queryid, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) as query, calls,
            shared_blks_hit + shared_blks_read as blocks, wal_records, wal_bytes::bigint as wal_bytes
          from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`)
      ).rows
    : [];
  return {
    wal: String(database.lsn),
    blocks: Number(database.blocks),
    commits: Number(database.xact_commit),
    tables,
    sizes,
    perStatement,
  };
};

// BENCH_SQL: run on the migrated database before the warm-up, to measure a schema change before writing it.
if (process.env.BENCH_SQL) await db.query(process.env.BENCH_SQL);
await send(500); // warm-up: the pool's connections, prepared statements, tables no longer empty
await settle();
await db.query('analyze'); // as autovacuum would, so the prepared statements are planned for real tables
if (statements) await db.query('select pg_stat_statements_reset()');
// An idle backend reports its table and database counters up to 10 s late (PGSTAT_IDLE_INTERVAL).
const statsDelayMs = 11_000;
await pause(statsDelayMs);
const before = await counters();
// Pool connections close when idle, so their CPU is read per process, right before and after the leads.
const cpuBefore = new Map((await backendPids()).filter(onThisMachine).map((pid) => [pid, cpuTicks(pid)]));
const result = await send(leadCount);
await settle();
const cpuPids = (await backendPids()).filter(onThisMachine);
const cpuTicksUsed = cpuPids.reduce((sum, pid) => sum + cpuTicks(pid) - (cpuBefore.get(pid) ?? 0), 0);
await pause(statsDelayMs);
const after = await counters();

const leads = Number((await db.query('select count(*)::int as n from leads')).rows[0].n) - 500;
const perLead = (value: number) => Math.round((value / leads) * 100) / 100;
const walBytes = Number(
  (await db.query('select pg_wal_lsn_diff($1, $2)::bigint as bytes', [after.wal, before.wal])).rows[0].bytes,
);
const row = <T extends { relname: string }>(rows: T[], name: string) => rows.find((r) => r.relname === name);
const tables = Object.fromEntries(
  after.tables.map((table) => {
    const was = row(before.tables, table.relname);
    const delta = (key: 'n_tup_ins' | 'n_tup_upd' | 'n_tup_hot_upd') =>
      Number(table[key]) - Number(was?.[key] ?? 0);
    return [
      table.relname,
      {
        inserted: perLead(delta('n_tup_ins')),
        updated: perLead(delta('n_tup_upd')),
        hot: perLead(delta('n_tup_hot_upd')),
      },
    ];
  }),
);
const bytes = Object.fromEntries(
  after.sizes
    .map((size) => [
      size.relname,
      perLead(Number(size.bytes) - Number(row(before.sizes, size.relname)?.bytes ?? 0)),
    ])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
);
const statementsPerLead = after.perStatement
  .map((statement) => ({
    query: statement.query,
    calls: perLead(Number(statement.calls)),
    blocks: perLead(Number(statement.blocks)),
    wal_bytes: perLead(Number(statement.wal_bytes)),
  }))
  .filter((statement) => statement.calls > 0.001)
  .sort((a, b) => b.wal_bytes - a.wal_bytes);
const indexBytes = after.sizes
  .filter((size) => size.relkind === 'i')
  .reduce((sum, size) => sum + Number(size.bytes) - Number(row(before.sizes, size.relname)?.bytes ?? 0), 0);
console.log(
  JSON.stringify(
    {
      leads,
      connections,
      wal_range: [before.wal, after.wal],
      non_2xx: result.non2xx + result.errors + result.timeouts,
      per_lead: {
        // Cluster-wide: other databases' writes on a shared server count here too.
        wal_bytes: perLead(walBytes),
        buffers_touched: perLead(after.blocks - before.blocks),
        commits: perLead(after.commits - before.commits),
        index_bytes: perLead(indexBytes),
        // Timing, not a counter: for reference on a quiet machine only.
        backend_cpu_ms: cpuPids.length ? perLead(cpuTicksUsed * 10) : null,
      },
      tables,
      bytes,
      statements: statementsPerLead.slice(0, Number(process.env.BENCH_STATEMENTS ?? 12)),
    },
    null,
    2,
  ),
);
await db.end();
await lb.stop();
await standIns.close();
// BENCH_KEEP_DATABASE=1 leaves the database for a look at its rows and plans.
if (process.env.BENCH_KEEP_DATABASE) console.warn(`kept database ${name}`);
else await admin.query(`drop database ${name} with (force)`);
await admin.end();
await rm(dataDir, { recursive: true, force: true });
