// The targets, each with its measured value and met / not met, for the terminal and the results JSON.
import type { LeadBridgeRun } from './leadbridge-target.js';
import type { LoadResult } from './paced-load.js';

export interface TargetLine {
  /** Which LeadBridge target it is about: `embedded` (no URL) or `postgres`. */
  target: string;
  name: string;
  measured: number | boolean;
  unit: string;
  /** `≤ n` or `≥ n` in `unit`, or `yes` for a verdict. */
  bound: string;
  met: boolean;
}

const atMost = (target: string, name: string, measured: number, limit: number, unit: string): TargetLine => ({
  target,
  name,
  measured,
  unit,
  bound: `≤ ${limit}`,
  met: measured <= limit,
});
const atLeast = (
  target: string,
  name: string,
  measured: number,
  limit: number,
  unit: string,
): TargetLine => ({
  target,
  name,
  measured,
  unit,
  bound: `≥ ${limit}`,
  met: measured >= limit,
});
const nothingLost = (target: string, run: LeadBridgeRun): TargetLine => ({
  target,
  name: 'nothing lost',
  measured: run.lost.none,
  unit: '',
  bound: 'yes',
  met: run.lost.none,
});

/** Lines for the targets that ran; the ratios are against the bare forwarder of the same run. */
export function evaluateTargets(baselineC200: LoadResult, runs: LeadBridgeRun[]): TargetLine[] {
  const share = (run: LeadBridgeRun) =>
    Math.round((run.intake.c200.requestsPerSecond / baselineC200.requestsPerSecond) * 100);
  const lines: TargetLine[] = [];
  for (const run of runs) {
    if (run.target === 'leadbridge-embedded') {
      const t = 'embedded';
      // PSS unless the bench could not read smaps_rollup: then RSS, which overstates a multi-process tree.
      const memory = `${run.memory.measure.toUpperCase()} of the process tree`;
      const webhooks = run.webhooks.postback_delay_ms;
      lines.push(
        atMost(t, `memory idle after start (${memory})`, run.memory.idle_after_start_mb, 250, 'MB'),
        atMost(t, `memory peak in the bench (${memory})`, run.memory.peak_mb, 400, 'MB'),
        atMost(
          t,
          'start to /readyz 200, existing DATA_DIR (median)',
          run.start_to_ready_ms.median,
          3000,
          'ms',
        ),
        atMost(t, 'webhook answer p99 at 200 webhooks/s', webhooks.webhook_answer.p99, 50, 'ms'),
        atMost(t, 'webhook -> postback p99 at 200 webhooks/s', webhooks.p99, 100, 'ms'),
        atLeast(t, 'intake at c200, share of the bare forwarder', share(run), 60, '%'),
        nothingLost(t, run),
      );
    } else if (run.target === 'leadbridge-postgres') {
      lines.push(
        atLeast('postgres', 'intake at c200, share of the bare forwarder', share(run), 65, '%'),
        nothingLost('postgres', run),
      );
    }
  }
  return lines;
}

export function printTargets(lines: TargetLine[], quick: boolean) {
  console.log('\nTargets');
  if (quick) console.log('(quick run: 5 s phases; the peak memory target is for the full bench)');
  const withUnit = (text: string, unit: string) =>
    unit === '%' || !unit ? `${text}${unit}` : `${text} ${unit}`;
  for (const line of lines) {
    const measured =
      typeof line.measured === 'boolean' ? (line.measured ? 'yes' : 'no') : String(line.measured);
    console.log(
      line.target.padEnd(10) +
        line.name.padEnd(54) +
        withUnit(measured, line.unit).padStart(9) +
        `  ${withUnit(line.bound, line.unit)}`.padEnd(13) +
        (line.met ? 'met' : 'not met'),
    );
  }
}
