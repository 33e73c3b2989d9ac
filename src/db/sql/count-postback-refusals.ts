// How many of a postback's earlier attempts the tracker refused (a 4xx but 408, 425 and 429).
import { type SQL, sql } from 'drizzle-orm';

export function countPostbackRefusalsSql(jobId: string): SQL {
  return sql`select count(*)::int as refusals from delivery_attempts
    where job_id = ${jobId} and http_status between 400 and 499 and http_status not in (408, 425, 429)`;
}
