// The jobs not finished yet, counted per kind and state: the queue-depth gauge, read at scrape time.
import { defineStatement } from './statement.js';

export const countUnfinishedJobs = defineStatement<
  Record<string, never>,
  { kind: string; state: string; count: number }
>({
  name: 'count_unfinished_jobs',
  text: `select kind, state, count(*)::int as count from jobs
    where state not in ('done', 'skipped', 'superseded') group by kind, state`,
  values: () => [],
  row: (raw) => ({ kind: String(raw.kind), state: String(raw.state), count: Number(raw.count) }),
});
