// One LeadBridge target of `npm run bench`: the embedded default (no URL) or PostgreSQL from a URL.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../src/db/connection.js';
import { spawnLeadBridge, startLeadBridge } from './leadbridge-process.js';
import {
  delayMs,
  leadBody,
  load,
  logLevel,
  pause,
  percentile,
  postgresUrl,
  seconds,
  settleMs,
} from './load.js';
import { pacedLoad } from './paced-load.js';
import { sampleTreeMemory, treeMemory } from './process-tree-memory.js';
import { startStandIns } from './stand-ins.js';

/** `embedded`: LeadBridge without DATABASE_URL, on whatever database it keeps in DATA_DIR itself. */
export type LeadBridgeTarget = 'embedded' | 'postgres';
export type LeadBridgeRun = Awaited<ReturnType<typeof benchLeadBridge>>;

/** After /readyz and the campaign's setup, before any load: what the service holds when it has just started. */
const idleSettleMs = 3_000;
const restarts = 3;
const mb = (bytes: number) => Math.round(bytes / 1_048_576);

/** Read after LeadBridge has stopped: the embedded database is opened as LeadBridge opens it, whatever it is. */
async function databaseSize(url: string | null, dataDir: string) {
  const query = `select (select count(*) from leads)::int as leads,
    ((select count(*) from leads) + (select count(*) from audit_log) + (select count(*) from jobs)
      + (select count(*) from lead_status_history) + (select count(*) from delivery_attempts))::int as rows,
    (pg_total_relation_size('leads') + pg_total_relation_size('audit_log') + pg_total_relation_size('jobs')
      + pg_total_relation_size('lead_status_history') + pg_total_relation_size('delivery_attempts'))::bigint as bytes`;
  type Size = { leads: number; rows: number; bytes: string };
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(query);
    await client.end();
    return { ...(rows[0] as Size), kind: 'postgres' };
  }
  const database = await openDatabase({ dataDir });
  const rows = await database.script((run) => run(query, []));
  await database.close();
  return { ...(rows[0] as Size), kind: database.kind };
}

/**
 * Removes the run's database: left behind, each run's half a gigabyte stays in PostgreSQL's cluster and
 * competes for its buffer cache with the next run's (BENCH_KEEP_DATABASE=1 keeps it for inspection).
 */
async function dropDatabase(url: string | null, dataDir: string) {
  if (process.env.BENCH_KEEP_DATABASE === '1') return;
  await rm(dataDir, { recursive: true, force: true });
  if (!url || !postgresUrl) return;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(
    `drop database if exists ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} with (force)`,
  );
  await admin.end();
}

export async function benchLeadBridge(target: LeadBridgeTarget) {
  const standIns = await startStandIns(delayMs);
  const dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-bench-'));
  // mkdtemp makes it 0700: a LeadBridge run as root starts its embedded database server as another user
  // (PostgreSQL refuses root), which must be able to enter DATA_DIR to reach its own directory inside it.
  await chmod(dataDir, 0o755);
  let databaseUrl: string | null = null;
  if (target === 'postgres' && postgresUrl) {
    const name = `lb_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  // The service's memory is its whole process tree, sampled from spawn to the last restart's exit.
  let servicePid: number | null = null;
  const onSpawn = (pid: number) => {
    servicePid = pid;
  };
  const sampler = sampleTreeMemory(() => servicePid);
  const lb = await startLeadBridge({
    databaseUrl,
    dataDir,
    salesrenderUrl: standIns.salesrenderUrl,
    trackerUrl: standIns.trackerUrl,
    logLevel,
    onSpawn,
  });
  await pause(idleSettleMs);
  const idle = await treeMemory(lb.pid);
  const headers = { 'x-api-key': lb.apiKey };
  const intakeUrl = `${lb.url}/v1/leads/bench`;
  // Jobs pending or running, from /metrics: phases that measure latency start on an empty queue.
  const queued = async () => {
    const text = await (await fetch(`${lb.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => /^leadbridge_jobs\{.*state="(pending|running)"/.test(line))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };
  /**
   * This machine's PostgreSQL runs with autovacuum off (`show autovacuum`); a production server has it on,
   * and it keeps the dead rows that updated leads and jobs leave behind in check (without it, the 500/s
   * phase after the c200 phase cost PostgreSQL twice the CPU per lead: bench/README.md). The bench does
   * that work between phases, so a phase does not pay for the previous one's dead rows. The embedded
   * database is LeadBridge's own to look after (PGlite: EMBEDDED_VACUUM_MINUTES); the bench leaves it alone.
   */
  const vacuum = async () => {
    if (!databaseUrl) return;
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('vacuum (analyze)');
    // A manual VACUUM runs unthrottled (autovacuum sleeps between chunks) and leaves every page it touched
    // dirty: without a checkpoint, writing them out fell into the next phase, and the disk's queue stalled
    // its commits (a 316 ms stall, p99 234 ms at 500/s in the first 15 s after it; 80 ms with it).
    await client.query('checkpoint');
    await client.end();
  };
  const settle = async () => {
    await pause(settleMs);
    await vacuum();
    for (let waited = 0; (await queued()) > 0 && waited < 120_000; waited += 200) await pause(200);
  };
  /**
   * Warm-up, not reported: a production database is not empty, and its statistics are current (autovacuum
   * analyzes a table once 10 % of it changed). LeadBridge prepares its statements once per connection, and
   * PostgreSQL keeps a prepared plan until an ANALYZE invalidates it: planned on empty tables, the plans
   * stay those of an empty table (a full scan of leads in every created-order statement, auto_explain
   * showed) for as long as nothing analyzes them, which on this machine (autovacuum off) was the whole
   * c50 and c200 phases. Leads and the JIT warm up, then the settle's ANALYZE re-plans.
   */
  const warmUp = await load({ url: intakeUrl, connections: 50, headers, body: leadBody, duration: 5 });
  await settle();
  const c50 = await load({ url: intakeUrl, connections: 50, headers, body: leadBody });
  const c200 = await load({ url: intakeUrl, connections: 200, headers, body: leadBody });
  await settle();
  const at500 = await pacedLoad({
    url: intakeUrl,
    rate: 500,
    amount: 500 * seconds,
    headers,
    body: leadBody,
  });
  const accepted = warmUp.ok + c50.ok + c200.ok + at500.ok;
  const cutOff = (warmUp.cutOff ?? 0) + (c50.cutOff ?? 0) + (c200.cutOff ?? 0);

  // Webhook ingestion: repeated webhooks over the first 1,000 orders, each audited and queued.
  const webhookUrl = `${lb.url}${lb.webhookPath}`;
  let nextOrder = 0;
  const ingestion = await load({
    url: webhookUrl,
    connections: 50,
    body: () => JSON.stringify({ data: { id: String((nextOrder++ % 1000) + 1) } }),
  });
  const drain = async (expected: number) => {
    for (let waited = 0; standIns.postbacks.size < expected && waited < 60_000; waited += 100) {
      await pause(100);
    }
  };
  await drain(1000);
  // Repeated webhooks leave refresh jobs queued after the last distinct postback; the delay phase must
  // start on an empty queue or it measures the backlog.
  await settle();
  const backlog = await queued();
  if (backlog > 0) console.warn(`the delay phase starts with ${backlog} jobs still queued`);

  // Webhook -> postback delay at 200 webhooks/s, each for an order not yet accepted.
  const sentAt = new Map<string, number>();
  let delayOrder = 1000;
  const rateCount = 200 * seconds;
  const delayPhase = await pacedLoad({
    url: webhookUrl,
    rate: 200,
    amount: rateCount,
    body: (intended) => {
      const orderId = String(++delayOrder);
      sentAt.set(orderId, intended);
      return JSON.stringify({ data: { id: orderId } });
    },
  });
  await drain(1000 + rateCount);
  const delays = [...sentAt]
    .map(([orderId, sent]) => (standIns.postbacks.get(orderId) ?? Number.NaN) - sent)
    .filter(Number.isFinite);
  const nodePeakRss = await lb.peakRssBytes();
  await lb.stop();
  // Start to ready on a DATA_DIR that holds the migrated database and the phases' data, after a clean stop.
  const readyMs: number[] = [];
  for (let run = 0; run < restarts; run++) {
    const again = await spawnLeadBridge({ databaseUrl, dataDir, logLevel, onSpawn }, 25);
    readyMs.push(again.readyMs);
    await again.stop();
  }
  servicePid = null;
  const peak = await sampler.stop();
  const size = await databaseSize(databaseUrl, dataDir);
  await dropDatabase(databaseUrl, dataDir);
  const result = {
    target: `leadbridge-${target}`,
    database_kind: size.kind,
    intake: { c50, c200, at500 },
    webhooks: {
      ingestion,
      postback_delay_ms: {
        p50: Math.round(percentile(delays, 50) * 10) / 10,
        p99: Math.round(percentile(delays, 99) * 10) / 10,
        measured: delays.length,
        webhook_answer: delayPhase,
      },
    },
    memory: {
      // `pss` summed over LeadBridge's process tree; `rss` if /proc/<pid>/smaps_rollup could not be read.
      measure: idle.measure === 'rss' ? 'rss' : peak.measure,
      idle_after_start_mb: mb(idle.bytes),
      peak_mb: mb(Math.max(peak.peakBytes, idle.bytes)),
      processes: Math.max(idle.processes, peak.maxProcesses),
      samples: peak.samples,
      // The node process alone, over the load phases (the kernel's high-water mark; RSS, not PSS).
      node_vmhwm_mb: mb(nodePeakRss),
    },
    start_to_ready_ms: { median: percentile(readyMs, 50), runs: readyMs },
    per_lead: {
      rows: Math.round((size.rows / size.leads) * 10) / 10,
      bytes: Math.round(Number(size.bytes) / size.leads),
    },
    lost: {
      // Every lead answered 2xx is stored (`accepted` ≤ stored); the only other stored leads are those
      // cut off at a closed-loop phase's end; every stored lead has its order; every webhook its postback.
      none:
        size.leads >= accepted &&
        size.leads <= accepted + cutOff &&
        size.leads === standIns.ordersCreated() &&
        standIns.postbacks.size === 1000 + rateCount,
      accepted,
      cut_off_at_phase_end: cutOff,
      leads_stored: size.leads,
      orders_created: standIns.ordersCreated(),
      webhooks_for_distinct_orders: 1000 + rateCount,
      postbacks_delivered_distinct: standIns.postbacks.size,
      postbacks_delivered_total: standIns.postbackCount(),
    },
  };
  await standIns.close();
  await rm(dataDir, { recursive: true, force: true });
  return result;
}
