// One LeadBridge process owns DATA_DIR: a second one would start a second server on the same files.
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Takes `DATA_DIR/leadbridge.pid`, or throws when a live process holds it (or the pid file of an
 * earlier release that ran PGlite here). A file left by a killed process is taken over: its pid is no
 * longer alive, or (after a reboot or a container restart, when pids are handed out again) the process
 * now holding that pid started at another time than the one the file records. Returns the release.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  for (const file of ['leadbridge.pid', 'pglite.pid']) {
    const holder = await readHolder(join(dataDir, file));
    if (holder && holder.pid !== process.pid && isAlive(holder.pid, holder.startedAt))
      throw new Error(
        `the embedded database in ${dataDir} is in use by process ${holder.pid}; stop it first, or use the admin API`,
      );
  }
  const path = join(dataDir, 'leadbridge.pid');
  const startedAt = processStartTime(process.pid);
  await writeFile(path, startedAt === null ? String(process.pid) : `${process.pid} ${startedAt}`);
  return () => rm(path, { force: true });
}

/** `pid` or `pid start-time` (this release writes the second; PGlite's release wrote the first). */
export async function readHolder(path: string): Promise<{ pid: number; startedAt: string | null } | null> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const [pid, startedAt] = text.split(/\s+/);
  return Number(pid) ? { pid: Number(pid), startedAt: startedAt ?? null } : null;
}

/**
 * The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), which tells a
 * process from a later one given the same pid; null where there is no /proc.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether `pid` runs; when `startedAt` is known, whether it is still the process that started then. */
export function isAlive(pid: number, startedAt: string | null = null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (startedAt === null) return true;
  const now = processStartTime(pid);
  return now === null || now === startedAt;
}
