// Removes a test's DATA_DIR once the embedded server a killed LeadBridge left in it has finished stopping.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { isRunning, postmasterPid } from '../../src/db/embedded-server/leftover-server.js';

/**
 * A SIGKILLed LeadBridge's server gets its parent-death signal and shuts down by itself, writing a
 * last checkpoint on the way: removing the directory meanwhile races with those writes (ENOTEMPTY).
 * Waits up to 30 s for the server's pid (postmaster.pid's first line) to be gone, then removes it all.
 */
export async function removeDataDir(dataDir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const pid = await postmasterPid(join(dataDir, 'postgres'));
    if (pid === null || !isRunning(pid) || Date.now() > deadline) break;
    await pause(100);
  }
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
}
