// Runs `leadbridge serve` as a real child process, so tests can SIGKILL it and start it again on the same data.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { adminToken, secretKey } from './harness.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ChildService {
  url: string;
  process: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the CLI's `serve` with the given database and waits until /readyz answers 200. */
export async function startChildService(options: {
  database: { url: string | null; dataDir: string };
  port: number;
  env?: Record<string, string>;
  /** Run as this operating-system user (the test runs as root). */
  user?: { uid: number; gid: number };
}): Promise<ChildService> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(options.port),
    HOST: '127.0.0.1',
    DATA_DIR: options.database.dataDir,
    LEADBRIDGE_ADMIN_TOKEN: adminToken,
    LEADBRIDGE_SECRET_KEY: secretKey,
    LOG_LEVEL: 'info',
    WORKER_POLL_MS: '100',
    ...options.env,
  };
  if (options.database.url) env.DATABASE_URL = options.database.url;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['bin/leadbridge.js', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.user ? { uid: options.user.uid, gid: options.user.gid } : {}),
  });
  // A test that times out must not leave a server running on the machine.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${options.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`leadbridge exited early:\n${output.join('')}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`leadbridge did not become ready:\n${output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output,
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      return exited;
    },
  };
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
