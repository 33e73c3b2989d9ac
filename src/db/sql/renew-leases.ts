// Extends the leases of jobs a live worker is still running.
import { defineStatement } from './statement.js';

export interface RenewLeasesInput {
  workerId: string;
  jobIds: readonly string[];
  leaseUntil: Date;
}

/**
 * Only rows still running under this worker's name are touched: a job already finished, or swept and
 * taken by another, stays as it is. The ids go in as one JSON array, so the text never changes.
 *
 * Rows are locked a lead's postbacks older first, the order in which a postback waiting for an older one
 * and the release of such waits lock them (hold-postback-behind-older.ts, release-held-postbacks.ts): a
 * worker renewing both of a lead's postbacks while one of them waits for the other would otherwise
 * deadlock with it.
 */
export const renewLeases = defineStatement<RenewLeasesInput>({
  name: 'renew_leases',
  text: `update jobs set locked_until = $1::timestamptz
    where id in (select held.id from jobs held
      where held.id in (select jsonb_array_elements_text($2::jsonb))
        and held.state = 'running' and held.locked_by = $3::text
      order by held.lead_id, coalesce((held.payload->>'seq')::bigint, -1), held.id
      for no key update of held)
    returning id`,
  values: (input) => [input.leaseUntil.toISOString(), JSON.stringify(input.jobIds), input.workerId],
});
