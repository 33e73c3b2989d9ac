// Starts LeadBridge as its own process for benchmarks (so its CPU and memory are its own), with one campaign.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/**
 * Node flags for LeadBridge: none by default, as `npm run serve` runs it. BENCH_NODE_FLAGS
 * (space-separated) adds some, to measure other settings. `--max-semi-space-size=64` was tried: 13 % less
 * CPU per lead at c200, but each young-generation collection then paused the event loop for 15-25 ms, and
 * the p99 at 500 leads/s rose by about 10 ms (bench/README.md, sixth session).
 */
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export interface LeadBridgeProcess {
  url: string;
  pid: number;
  apiKey: string;
  webhookPath: string;
  peakRssBytes(): Promise<number>;
  stop(): Promise<void>;
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

export async function startLeadBridge(options: {
  databaseUrl: string | null;
  dataDir: string;
  salesrenderUrl: string;
  trackerUrl: string;
  logLevel: string;
}): Promise<LeadBridgeProcess> {
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
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeFlags, ...profile, 'bin/leadbridge.js', 'serve'],
    {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // starting
    }
    if (tries > 600) throw new Error('LeadBridge did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
    url,
    pid: child.pid ?? 0,
    apiKey: partner.api_key as string,
    webhookPath: new URL(campaign.webhook_url as string).pathname,
    async peakRssBytes() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      return match ? Number(match[1]) * 1024 : 0;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
