// `npm run bench [-- --quick]`: LeadBridge (PGlite, and PostgreSQL when a URL is set) against a bare forwarder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { openPglite } from '../src/db/connection.js';
import { startBaseline } from './baseline-forwarder.js';
import { startLeadBridge } from './leadbridge-process.js';
import { type LoadResult, type PacedResult, pacedLoad } from './paced-load.js';
import { startStandIns } from './stand-ins.js';

const quick = process.argv.includes('--quick');
const seconds = quick ? 5 : 20;
const delayMs = Number(process.env.BENCH_SALESRENDER_DELAY_MS ?? 50);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const postgresUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? null;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * A closed-loop phase ends with requests still in flight (autocannon stops sending, LeadBridge is still
 * answering): the next phase waits this long, and for an empty job queue, so it measures itself.
 */
const settleMs = 2_000;

let phone = 0;
/** Fresh leads: unique phones and click ids (the campaign's dedupe window is 0). */
const leadBody = () => {
  phone++;
  return JSON.stringify({
    name: 'Bench Lead',
    phone: `+7913${String(phone % 10_000_000).padStart(7, '0')}`,
    click_id: `b${phone}-${Date.now()}`,
  });
};

async function load(options: {
  url: string;
  connections: number;
  headers?: Record<string, string>;
  body: () => string;
  /** Seconds; the phase length by default. */
  duration?: number;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.duration ?? seconds,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: options.body() }) }],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p95: result.latency.p97_5 ?? result.latency.p90,
    p99: result.latency.p99,
    ok: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
    cutOff: Math.max(
      0,
      result.requests.sent - result['2xx'] - result.non2xx - result.errors - result.timeouts,
    ),
  };
}

/** LeadBridge's latency minus the baseline's, signed, to 0.1 ms. */
const added = (ms: number, baseline: number) =>
  `${ms >= baseline ? '+' : '-'}${Math.abs(ms - baseline).toFixed(1)} ms`;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)
    : 0;
};

async function benchBaseline() {
  const standIns = await startStandIns(delayMs);
  const baseline = await startBaseline(standIns.salesrenderUrl);
  // Warmed up like LeadBridge (JIT), not reported.
  await load({ url: baseline.url, connections: 50, body: leadBody, duration: 5 });
  await pause(settleMs);
  const c50 = await load({ url: baseline.url, connections: 50, body: leadBody });
  const c200 = await load({ url: baseline.url, connections: 200, body: leadBody });
  await pause(settleMs);
  const at500 = await pacedLoad({ url: baseline.url, rate: 500, amount: 500 * seconds, body: leadBody });
  const accepted = c50.ok + c200.ok + at500.ok;
  const created = standIns.ordersCreated();
  await baseline.close();
  await standIns.close();
  return { target: 'baseline', intake: { c50, c200, at500 }, lost: { accepted, orders_created: created } };
}

async function databaseSize(kind: 'pglite' | 'postgres', url: string | null, dataDir: string) {
  const query = `select (select count(*) from leads)::int as leads,
    ((select count(*) from leads) + (select count(*) from audit_log) + (select count(*) from jobs)
      + (select count(*) from lead_status_history) + (select count(*) from delivery_attempts))::int as rows,
    (pg_total_relation_size('leads') + pg_total_relation_size('audit_log') + pg_total_relation_size('jobs')
      + pg_total_relation_size('lead_status_history') + pg_total_relation_size('delivery_attempts'))::bigint as bytes`;
  if (kind === 'postgres' && url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(query);
    await client.end();
    return rows[0] as { leads: number; rows: number; bytes: string };
  }
  const database = await openPglite(dataDir);
  const rows = await database.script((run) => run(query, []));
  await database.close();
  return rows[0] as { leads: number; rows: number; bytes: string };
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

async function benchLeadBridge(kind: 'pglite' | 'postgres') {
  const standIns = await startStandIns(delayMs);
  const dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-bench-'));
  let databaseUrl: string | null = null;
  if (kind === 'postgres' && postgresUrl) {
    const name = `lb_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  }
  const lb = await startLeadBridge({
    databaseUrl,
    dataDir,
    salesrenderUrl: standIns.salesrenderUrl,
    trackerUrl: standIns.trackerUrl,
    logLevel,
  });
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
   * that work between phases, so a phase does not pay for the previous one's dead rows. PGlite has no
   * autovacuum at all: LeadBridge vacuums it itself (EMBEDDED_VACUUM_MINUTES).
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
      await new Promise((resolve) => setTimeout(resolve, 100));
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
  const peakRss = await lb.peakRssBytes();
  await lb.stop();
  const size = await databaseSize(kind, databaseUrl, dataDir);
  await dropDatabase(databaseUrl, dataDir);
  const result = {
    target: `leadbridge-${kind}`,
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
    peak_rss_mb: Math.round(peakRss / 1_048_576),
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

// BENCH_ONLY=postgres|pglite skips the other LeadBridge target (the baseline always runs: ratios need it).
const only = process.env.BENCH_ONLY;
const baseline = await benchBaseline();
const runs: Record<string, unknown>[] = [baseline];
if (only !== 'postgres') runs.push(await benchLeadBridge('pglite'));
if (postgresUrl && only !== 'pglite') runs.push(await benchLeadBridge('postgres'));

console.log(
  `\nLeadBridge benchmark (${quick ? 'quick, ' : ''}${seconds}s per phase, SalesRender delay ${delayMs} ms, LOG_LEVEL=${logLevel})`,
);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 1_073_741_824)} GiB\n`,
);
const row = (cells: (string | number)[]) =>
  console.log(cells.map((cell) => String(cell).padEnd(18)).join(''));
row(['target', 'c50 leads/s', 'c50 p99 ms', 'c200 leads/s', 'c200 p99 ms', '@500/s p50/p99']);
for (const run of runs as { target: string; intake: Record<string, LoadResult> }[]) {
  const { c50, c200, at500 } = run.intake as { c50: LoadResult; c200: LoadResult; at500: PacedResult };
  row([
    run.target,
    c50.requestsPerSecond,
    c50.p99,
    c200.requestsPerSecond,
    c200.p99,
    `${at500.p50}/${at500.p99}`,
  ]);
}
const base = baseline.intake;
for (const run of runs.slice(1) as {
  target: string;
  intake: { c50: LoadResult; c200: LoadResult; at500: PacedResult };
}[]) {
  console.log(
    `\n${run.target}: throughput ${Math.round((run.intake.c50.requestsPerSecond / base.c50.requestsPerSecond) * 100)}% of the baseline at c50, ` +
      `${Math.round((run.intake.c200.requestsPerSecond / base.c200.requestsPerSecond) * 100)}% at c200; ` +
      `added latency at 500/s: p50 ${added(run.intake.at500.p50, base.at500.p50)}, p99 ${added(run.intake.at500.p99, base.at500.p99)}`,
  );
  console.log(
    JSON.stringify((run as Record<string, unknown>).webhooks),
    JSON.stringify({
      peak_rss_mb: (run as Record<string, unknown>).peak_rss_mb,
      per_lead: (run as Record<string, unknown>).per_lead,
    }),
  );
  const lost = (run as unknown as { lost: { none: boolean } }).lost;
  console.log(`nothing lost: ${lost.none ? 'yes' : 'NO'}`, JSON.stringify(lost));
}
await mkdir('bench/results', { recursive: true });
const file = join(
  'bench/results',
  `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`,
);
await writeFile(
  file,
  JSON.stringify(
    { at: new Date().toISOString(), quick, seconds, delayMs, logLevel, cores: cpus().length, runs },
    null,
    2,
  ),
);
console.log(`\nwritten to ${file}`);
process.exit(0);
