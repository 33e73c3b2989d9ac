// `npm run bench:cpu`: CPU time per lead of each process (LeadBridge, PostgreSQL, load generator) under closed-loop load.
// Linux only (reads /proc). Needs DATABASE_URL or TEST_DATABASE_URL: it creates and drops its own database.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { spawnBaselineForwarder } from './baseline-forwarder-process.js';
import { startLeadBridge } from './leadbridge-process.js';
import { leadBody } from './load.js';
import { clockTicksPerSecond, cpuTicks } from './process-cpu.js';
import { startStandIns } from './stand-ins.js';

const adminUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error('set DATABASE_URL or TEST_DATABASE_URL');
const connections = Number(process.env.BENCH_CONNECTIONS ?? 200);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

const postgresPids = (): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres');
      } catch {
        return false;
      }
    });
const machine = () => {
  const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number);
  return { all: ticks.reduce((sum, tick) => sum + tick, 0), idle: (ticks[3] ?? 0) + (ticks[4] ?? 0) };
};

const standIns = await startStandIns(Number(process.env.BENCH_SALESRENDER_DELAY_MS ?? 50));
const name = `lb_cpu_${Date.now()}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${name}`;
const dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-cpu-'));
// BENCH_CPU_TARGET=forwarder measures the bare forwarder instead (no database; its PostgreSQL column
// is then the machine's other database work, about nothing): the floor of the HTTP work per lead.
const lb =
  process.env.BENCH_CPU_TARGET === 'forwarder'
    ? { ...(await spawnBaselineForwarder(standIns.salesrenderUrl)), apiKey: 'none' }
    : await startLeadBridge({
        databaseUrl: databaseUrl.toString(),
        dataDir,
        salesrenderUrl: standIns.salesrenderUrl,
        trackerUrl: standIns.trackerUrl,
        logLevel: 'warn',
      });
const run = (duration: number) =>
  autocannon({
    url: `${lb.url}/v1/leads/bench`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', 'x-api-key': lb.apiKey },
    requests: [{ setupRequest: (request) => ({ ...request, body: leadBody() }) }],
  });

await run(5); // warm-up: JIT, connection pool, caches
// Re-plans LeadBridge's prepared statements on tables that are no longer empty, as autovacuum's ANALYZE
// would on a production server (this machine's runs without autovacuum; bench/run.ts, warm-up).
const analyzer = new pg.Client({ connectionString: databaseUrl.toString() });
await analyzer.connect();
await analyzer.query('analyze');
await analyzer.end();
const pids = postgresPids();
const before = {
  lb: cpuTicks(lb.pid),
  pg: pids.reduce((sum, pid) => sum + cpuTicks(pid), 0),
  generator: process.cpuUsage(),
  machine: machine(),
};
const result = await run(seconds);
const after = {
  lb: cpuTicks(lb.pid),
  pg: postgresPids().reduce((sum, pid) => sum + cpuTicks(pid), 0),
  generator: process.cpuUsage(before.generator),
  machine: machine(),
};
const leads = result.requests.total;
const msPerLead = (ticks: number) => Math.round(((ticks * 1000) / clockTicksPerSecond / leads) * 1000) / 1000;
const busyTicks = after.machine.all - after.machine.idle - (before.machine.all - before.machine.idle);
const figures = {
  connections,
  seconds,
  leads_per_second: Math.round(result.requests.average),
  p99_ms: result.latency.p99,
  non_2xx: result.non2xx + result.errors + result.timeouts,
  cpu_ms_per_lead: {
    leadbridge: msPerLead(after.lb - before.lb),
    postgresql: msPerLead(after.pg - before.pg),
    // This process: autocannon and the SalesRender and tracker stand-ins.
    generator_and_stand_ins:
      Math.round(((after.generator.user + after.generator.system) / 1000 / leads) * 1000) / 1000,
    whole_machine: msPerLead(busyTicks),
  },
  machine_idle_percent: Math.round(1000 * (1 - busyTicks / (after.machine.all - before.machine.all))) / 10,
};
console.log(JSON.stringify(figures, null, 2));
await lb.stop();
await standIns.close();
await admin.query(`drop database ${name} with (force)`);
await admin.end();
await rm(dataDir, { recursive: true, force: true });
