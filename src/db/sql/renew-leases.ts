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
 */
export const renewLeases = defineStatement<RenewLeasesInput>({
  name: 'renew_leases',
  text: `update jobs set locked_until = $1::timestamptz
    where id in (select jsonb_array_elements_text($2::jsonb))
      and state = 'running' and locked_by = $3::text
    returning id`,
  values: (input) => [input.leaseUntil.toISOString(), JSON.stringify(input.jobIds), input.workerId],
});
