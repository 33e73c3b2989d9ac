// Queues again every postback matching the operator's filter that is pending, failed or done (bulk retry),
// answering the ids it queued.
import { type PostbackFilterInput, postbackFilterText, postbackFilterValues } from './postback-filter.js';
import { requeuedPostbackText } from './retry-postback.js';
import { defineStatement } from './statement.js';

/**
 * Only a lead's newest postback to each endpoint is sent again: replaying its older ones too would move
 * the tracker's conversion back (and the worker would supersede them anyway, newer-first checks in
 * deliver-postback.ts).
 */
export const replayPostbacks = defineStatement<{ filter: PostbackFilterInput; now: Date }, { id: string }>({
  name: 'replay_postbacks',
  planEachCall: true,
  text: `update jobs set ${requeuedPostbackText('$8')}
    where ${postbackFilterText} and jobs.state in ('pending', 'failed', 'done')
      and not exists (select 1 from jobs as newer where newer.kind = 'postback'
        and newer.lead_id = jobs.lead_id and newer.id <> jobs.id
        and newer.payload->>'endpoint_id' is not distinct from jobs.payload->>'endpoint_id'
        and coalesce((newer.payload->>'seq')::bigint, -1) > coalesce((jobs.payload->>'seq')::bigint, -1))
    returning jobs.id`,
  values: (input) => [...postbackFilterValues(input.filter), input.now.toISOString()],
  row: (raw) => ({ id: raw.id as string }),
});
