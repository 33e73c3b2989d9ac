// `npm run bench [-- --quick]`: LeadBridge (the embedded default, and PostgreSQL when a URL is set) against a
// bare forwarder.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startBaseline } from './baseline-forwarder.js';
import { benchLeadBridge, type LeadBridgeRun } from './leadbridge-target.js';
import { delayMs, leadBody, load, logLevel, pause, postgresUrl, quick, seconds, settleMs } from './load.js';
import { type LoadResult, type PacedResult, pacedLoad } from './paced-load.js';
import { startStandIns } from './stand-ins.js';
import { evaluateTargets, printTargets } from './targets.js';

/** LeadBridge's latency minus the baseline's, signed, to 0.1 ms. */
const added = (ms: number, baseline: number) =>
  `${ms >= baseline ? '+' : '-'}${Math.abs(ms - baseline).toFixed(1)} ms`;

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

// BENCH_ONLY=postgres|embedded skips the other LeadBridge target (the baseline always runs: ratios need
// it); `pglite`, the embedded default's name before, still means `embedded`.
const only = process.env.BENCH_ONLY === 'pglite' ? 'embedded' : process.env.BENCH_ONLY;
const baseline = await benchBaseline();
const leadBridgeRuns: LeadBridgeRun[] = [];
if (only !== 'postgres') leadBridgeRuns.push(await benchLeadBridge('embedded'));
if (postgresUrl && only !== 'embedded') leadBridgeRuns.push(await benchLeadBridge('postgres'));
const runs = [baseline, ...leadBridgeRuns];
const targets = evaluateTargets(baseline.intake.c200, leadBridgeRuns);

console.log(
  `\nLeadBridge benchmark (${quick ? 'quick, ' : ''}${seconds}s per phase, SalesRender delay ${delayMs} ms, LOG_LEVEL=${logLevel})`,
);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 1_073_741_824)} GiB\n`,
);
// The first column fits `leadbridge-embedded`.
const row = (cells: (string | number)[]) =>
  console.log(cells.map((cell, index) => String(cell).padEnd(index === 0 ? 22 : 18)).join(''));
row(['target', 'c50 leads/s', 'c50 p99 ms', 'c200 leads/s', 'c200 p99 ms', '@500/s p50/p99']);
for (const run of runs) {
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
for (const run of leadBridgeRuns) {
  console.log(
    `\n${run.target}: throughput ${Math.round((run.intake.c50.requestsPerSecond / base.c50.requestsPerSecond) * 100)}% of the baseline at c50, ` +
      `${Math.round((run.intake.c200.requestsPerSecond / base.c200.requestsPerSecond) * 100)}% at c200; ` +
      `added latency at 500/s: p50 ${added(run.intake.at500.p50, base.at500.p50)}, p99 ${added(run.intake.at500.p99, base.at500.p99)}`,
  );
  console.log(JSON.stringify(run.webhooks), JSON.stringify({ per_lead: run.per_lead }));
  const { memory } = run;
  console.log(
    `memory (${memory.measure === 'pss' ? 'PSS' : 'RSS, as /proc/<pid>/smaps_rollup could not be read'}, ` +
      `${memory.processes} process${memory.processes === 1 ? '' : 'es'}): idle after start ${memory.idle_after_start_mb} MB, ` +
      `peak ${memory.peak_mb} MB (${memory.samples} samples); VmHWM of the node process ${memory.node_vmhwm_mb} MB`,
  );
  console.log(
    `start to /readyz on the existing DATA_DIR (database: ${run.database_kind}): median ${run.start_to_ready_ms.median} ms ` +
      `(${run.start_to_ready_ms.runs.join(', ')})`,
  );
  console.log(`nothing lost: ${run.lost.none ? 'yes' : 'NO'}`, JSON.stringify(run.lost));
}
printTargets(targets, quick);
await mkdir('bench/results', { recursive: true });
const file = join(
  'bench/results',
  `${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`,
);
await writeFile(
  file,
  JSON.stringify(
    { at: new Date().toISOString(), quick, seconds, delayMs, logLevel, cores: cpus().length, runs, targets },
    null,
    2,
  ),
);
console.log(`\nwritten to ${file}`);
process.exit(0);
