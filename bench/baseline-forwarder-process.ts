// The bare forwarder as a process of its own, so `npm run bench:cpu` can measure its CPU per lead: the
// floor of what any proxy spends on the HTTP exchange in, the SalesRender call and the answer.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ForwarderProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `baseline-forwarder-main.ts` (through tsx's loader, one node process) and waits for its URL. */
export async function spawnBaselineForwarder(salesrenderUrl: string): Promise<ForwarderProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/baseline-forwarder-main.ts', salesrenderUrl],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  process.once('exit', () => child.kill('SIGTERM'));
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const [url] = (await once(lines, 'line')) as [string];
  return {
    url,
    pid: child.pid ?? 0,
    async stop() {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
