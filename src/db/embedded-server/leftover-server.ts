// A server left running on DATA_DIR by a LeadBridge that died: stopped before a new one starts.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as pause } from 'node:timers/promises';
import { isAlive } from './data-dir-lock.js';

/**
 * The server normally dies with LeadBridge (it is started with a parent-death signal), but it takes a
 * moment to shut down, and a platform without `setpriv` gives no such signal. LeadBridge holds DATA_DIR's
 * lock when this runs, so a postmaster still on `pgdata` is a leftover of ours: it is asked to shut down
 * fast (SIGINT: in-flight transactions are rolled back, committed ones are on disk) and waited for.
 */
export async function stopLeftoverServer(pgdata: string, timeoutMs = 30_000): Promise<number | null> {
  const pid = await postmasterPid(pgdata);
  if (pid === null || !isPostmasterOf(pid, pgdata)) return null;
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM')
      throw new Error(
        `a PostgreSQL server (process ${pid}) of another user is running on ${pgdata}: stop it first`,
      );
  }
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      await pause(500);
      break;
    }
    await pause(25);
  }
  return pid;
}

/** The postmaster's pid from `pgdata/postmaster.pid` (its first line), or null without one. */
export async function postmasterPid(pgdata: string): Promise<number | null> {
  try {
    const first = (await readFile(join(pgdata, 'postmaster.pid'), 'utf8')).split('\n')[0];
    return Number(first) || null;
  } catch {
    return null;
  }
}

/** The pid may have been reused by another program since: only a postgres started on `pgdata` counts. */
function isPostmasterOf(pid: number, pgdata: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /(^|\/)postgres$/.test(argv[0] ?? '') && argv.includes(pgdata);
  } catch {
    // No /proc (not Linux): trust the pid file while the process lives, as pg_ctl does.
    return isAlive(pid);
  }
}

/** Alive and not a zombie (an exited child not yet reaped by its parent still answers kill 0). */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    // No /proc (not Linux): alive, as far as can be told.
    return true;
  }
}
