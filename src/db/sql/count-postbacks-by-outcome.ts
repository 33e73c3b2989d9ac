// The postbacks queued in a period, counted by how their delivery stands: the dashboard's postback health.
import { defineStatement } from './statement.js';

/** Where a postback stands: the dashboard's buckets. */
export type PostbackOutcome = 'delivered' | 'retrying' | 'queued' | 'failed' | 'skipped' | 'superseded';

export const countPostbacksByOutcome = defineStatement<
  { from: Date; to: Date },
  { outcome: PostbackOutcome; count: number }
>({
  name: 'count_postbacks_by_outcome',
  text: `select case when state = 'done' then 'delivered'
                     when state = 'failed' then 'failed'
                     when state = 'skipped' then 'skipped'
                     when state = 'superseded' then 'superseded'
                     when state = 'pending' and attempts > 0 then 'retrying'
                     else 'queued' end as bucket,
                count(*) as count
    from jobs
    where kind = 'postback' and created_at >= $1::timestamptz and created_at < $2::timestamptz
    group by 1`,
  values: (input) => [input.from.toISOString(), input.to.toISOString()],
  row: (raw) => ({ outcome: raw.bucket as PostbackOutcome, count: Number(raw.count) }),
});
