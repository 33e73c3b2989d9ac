// Starts LeadBridge as its own process for benchmarks (so its CPU and memory are its own), with one campaign.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { pause } from './load.js';
import { isRunning, processTree } from './process-tree-memory.js';

/**
 * Node flags for LeadBridge: none by default, as `npm run serve` runs it. BENCH_NODE_FLAGS
 * (space-separated) adds some, to measure other settings. `--max-semi-space-size=64` was tried: 13 % less
 * CPU per lead at c200, but each young-generation collection then paused the event loop for 15-25 ms, and
 * the p99 at 500 leads/s rose by about 10 ms (bench/README.md, sixth session).
 */
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/** A LeadBridge process, as spawned: no campaign set up (a restart on an existing DATA_DIR needs none). */
export interface LeadBridgeProcess {
  url: string;
  pid: number;
  /** From spawn to the first /readyz 200 (ms, to the poll interval). */
  readyMs: number;
  /** VmHWM of the node process alone (its database server's processes, if any, are not in it). */
  peakRssBytes(): Promise<number>;
  /** SIGTERM, then waits for it and every process it had started (a database server) to be gone. */
  stop(): Promise<void>;
}

export interface BenchLeadBridge extends LeadBridgeProcess {
  apiKey: string;
  webhookPath: string;
}

export interface SpawnOptions {
  databaseUrl: string | null;
  dataDir: string;
  logLevel: string;
  /** Called with the pid as soon as it is spawned, before it is ready. */
  onSpawn?: (pid: number) => void;
}

const adminToken = 'bench-admin-token-0123456789';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Spawns `leadbridge serve` and polls /readyz every `pollMs` until it answers 200. */
export async function spawnLeadBridge(options: SpawnOptions, pollMs = 100): Promise<LeadBridgeProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    LEADBRIDGE_ADMIN_TOKEN: adminToken,
    LEADBRIDGE_SECRET_KEY: 'b'.repeat(64),
    LEADBRIDGE_ALLOW_PRIVATE_TARGETS: '1',
    LOG_LEVEL: options.logLevel,
    RECONCILE_INTERVAL_SECONDS: '0',
    // Off unless BENCH_RATE_LIMIT_PER_MINUTE sets it, to measure the limiter's cost on the intake.
    RATE_LIMIT_PER_MINUTE: process.env.BENCH_RATE_LIMIT_PER_MINUTE ?? '0',
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  // BENCH_CPU_PROF=1 writes a V8 CPU profile of LeadBridge to bench/results/prof/ when it stops.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', 'bench/results/prof'] : [];
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, ...profile, 'bin/leadbridge.js', 'serve'],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const pid = child.pid ?? 0;
  options.onSpawn?.(pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // SIGTERM, not SIGKILL, if the bench dies first: LeadBridge then stops the database server it started,
  // which a killed LeadBridge would leave running on its DATA_DIR.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', onExit);
  const url = `http://127.0.0.1:${port}`;
  let readyMs = 0;
  for (;;) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) {
        readyMs = performance.now() - spawnedAt;
        break;
      }
    } catch {
      // starting
    }
    if (child.exitCode !== null) throw new Error(`LeadBridge exited with ${child.exitCode} before /readyz`);
    if (performance.now() - spawnedAt > 60_000) throw new Error('LeadBridge did not start');
    await pause(pollMs);
  }
  return {
    url,
    pid,
    readyMs: Math.round(readyMs),
    async peakRssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      return match ? Number(match[1]) * 1024 : 0;
    },
    async stop() {
      const descendants = (await processTree(pid)).slice(1);
      child.kill('SIGTERM');
      await exited;
      process.removeListener('exit', onExit);
      // The next start on this DATA_DIR, or the bench's own reading of it, needs the database server gone.
      for (let waited = 0; waited < 30_000; waited += 50) {
        const running = await Promise.all(descendants.map(isRunning));
        if (!running.includes(true)) return;
        await pause(50);
      }
      console.warn(`LeadBridge ${pid} exited, but some of its processes still run 30 s later`);
    },
  };
}

/** LeadBridge with one campaign and one partner, as the load phases use it. */
export async function startLeadBridge(
  options: SpawnOptions & { salesrenderUrl: string; trackerUrl: string },
): Promise<BenchLeadBridge> {
  const lb = await spawnLeadBridge(options);
  const { url } = lb;
  const admin = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };
  const campaign = await admin('/admin/api/campaigns', {
    alias: 'bench',
    name: 'Benchmark',
    salesrender: {
      base_url: options.salesrenderUrl,
      company_id: '1',
      token: 'eyJ.bench.token',
      project_id: '1',
      initial_status_id: '1',
    },
    status_map: { '1': 'pending', '3': 'accepted' },
    payouts: { accepted: 10 },
    postback: {
      url: `${options.trackerUrl}/pb?order={order_id}&status={status}&clickid={click_id}`,
      on: ['accepted'],
    },
    default_country: 'RU',
    dedupe_window_hours: 0,
  });
  const partner = await admin('/admin/api/partners', { name: 'Bench partner', campaigns: ['bench'] });
  return {
    ...lb,
    apiKey: partner.api_key as string,
    webhookPath: new URL(campaign.webhook_url as string).pathname,
  };
}
