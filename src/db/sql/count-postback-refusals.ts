// How many of a postback's earlier attempts the tracker refused (a 4xx but 408, 425 and 429).
import { defineStatement } from './statement.js';

export const countPostbackRefusals = defineStatement<{ jobId: string }, { refusals: number }>({
  name: 'count_postback_refusals',
  text: `select count(*)::int as refusals from delivery_attempts
    where job_id = $1::text and http_status between 400 and 499 and http_status not in (408, 425, 429)`,
  values: (input) => [input.jobId],
  row: (raw) => ({ refusals: Number(raw.refusals) }),
});
