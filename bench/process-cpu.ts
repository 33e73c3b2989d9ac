// CPU time of a process from /proc (Linux), for the benchmarks that measure CPU per lead.
import { readFileSync } from 'node:fs';

/** USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux. */
export const clockTicksPerSecond = 100;

/** User + system CPU of a process, in clock ticks (0 when it is gone or not on this machine). */
export function cpuTicks(pid: number): number {
  try {
    const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
