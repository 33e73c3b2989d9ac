// Removes a test's DATA_DIR once the embedded server a killed LeadBridge left in it has finished stopping.
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A SIGKILLed LeadBridge's server gets its parent-death signal and shuts down by itself, writing a
 * last checkpoint on the way: removing the directory meanwhile races with those writes (ENOTEMPTY).
 * Waits up to 30 s for the server's pid (postmaster.pid's first line) to be gone, then removes it all.
 */
export async function removeDataDir(dataDir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = await serverPid(dataDir);
    if (pid === null || !isRunning(pid) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
}

async function serverPid(dataDir: string): Promise<number | null> {
  try {
    const first = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0];
    return Number(first) || null;
  } catch {
    return null;
  }
}

/** A zombie (exited, not yet reaped by whoever inherited it) is not running. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
