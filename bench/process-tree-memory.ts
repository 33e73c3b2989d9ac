// Memory of a process and all its descendants (LeadBridge and any database server it starts), from /proc.
//
// Summed RSS counts a shared page once per process that maps it: PostgreSQL's backends all map the same
// shared buffers and binary, so RSS over its processes overstates what the service costs the machine. PSS
// splits each shared page among the processes sharing it, so the sum over a tree is what the tree holds.
import { readdir, readFile } from 'node:fs/promises';

/** `pss` when every process's smaps_rollup was readable, otherwise `rss` for the whole sample. */
export type MemoryMeasure = 'pss' | 'rss';

export interface TreeMemory {
  bytes: number;
  measure: MemoryMeasure;
  processes: number;
}

/** Field 4 (ppid) and field 3 (state) of /proc/<pid>/stat; the command name before them may hold spaces or `)`. */
async function statOf(pid: number): Promise<{ ppid: number; state: string } | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const [state = '', ppid = ''] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state };
  } catch {
    return null;
  }
}

/** Whether `pid` is a live process (a zombie is not: it only waits to be reaped). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await statOf(pid);
  return stat !== null && stat.state !== 'Z';
}

/** `root` and its descendants, from every process's parent pid (zombies left out: they hold no memory). */
export async function processTree(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry)).map(Number);
  const children = new Map<number, number[]>();
  const stats = await Promise.all(pids.map(async (pid) => ({ pid, stat: await statOf(pid) })));
  for (const { pid, stat } of stats) {
    if (!stat || stat.state === 'Z') continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const rootStat = stats.find((entry) => entry.pid === root)?.stat;
  if (!rootStat || rootStat.state === 'Z') return [];
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    tree.push(...(children.get(tree[index] ?? 0) ?? []));
  }
  return tree;
}

/** kB of a `Name:   123 kB` line, or null when the file cannot be read or lacks the line. */
async function kilobytes(path: string, field: string): Promise<number | null> {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(await readFile(path, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ESRCH'
    ) {
      return 0; // exited between the walk and the read
    }
    return null;
  }
}

/**
 * PSS of the tree under `root`; RSS instead (labelled) when smaps_rollup cannot be read (another user's
 * processes, a kernel before 4.14). A sample is all PSS or all RSS, never a mix.
 */
export async function treeMemory(root: number): Promise<TreeMemory> {
  const pids = await processTree(root);
  const pss = await Promise.all(pids.map((pid) => kilobytes(`/proc/${pid}/smaps_rollup`, 'Pss')));
  if (pss.every((kb) => kb !== null)) {
    return { bytes: sum(pss) * 1024, measure: 'pss', processes: pids.length };
  }
  const rss = await Promise.all(pids.map((pid) => kilobytes(`/proc/${pid}/status`, 'VmRSS')));
  return { bytes: sum(rss) * 1024, measure: 'rss', processes: pids.length };
}

const sum = (values: (number | null)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);

export interface TreeMemoryPeak {
  peakBytes: number;
  /** `rss` if any sample had to fall back to it. */
  measure: MemoryMeasure;
  samples: number;
  /** The most processes seen in one sample: more than 1 means the service runs a database server of its own. */
  maxProcesses: number;
}

/**
 * Samples the tree every `intervalMs` and keeps the maximum. `root` is asked each time, since the service
 * is restarted (new pid) within one target's run; null skips the sample.
 */
export function sampleTreeMemory(root: () => number | null, intervalMs = 500) {
  const peak: TreeMemoryPeak = { peakBytes: 0, measure: 'pss', samples: 0, maxProcesses: 0 };
  let sampling: Promise<void> = Promise.resolve();
  const sample = async () => {
    const pid = root();
    if (!pid) return;
    const memory = await treeMemory(pid);
    if (!memory.processes) return;
    peak.samples++;
    peak.peakBytes = Math.max(peak.peakBytes, memory.bytes);
    peak.maxProcesses = Math.max(peak.maxProcesses, memory.processes);
    if (memory.measure === 'rss') peak.measure = 'rss';
  };
  // A slow /proc walk under load must not pile up samples: the next waits for the previous.
  const timer = setInterval(() => {
    sampling = sampling.then(sample).catch(() => {});
  }, intervalMs);
  return {
    async stop(): Promise<TreeMemoryPeak> {
      clearInterval(timer);
      await sampling;
      return peak;
    },
  };
}
