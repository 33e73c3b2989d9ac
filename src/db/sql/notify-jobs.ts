// Tells every worker (this process and others on the same PostgreSQL) that jobs are waiting.
import { defineStatement } from './statement.js';

/** The channel workers LISTEN on; a latency hint only, since workers also poll. */
export const jobsChannel = 'leadbridge_jobs';

/** Run inside the transaction that inserted the jobs: the NOTIFY is delivered when it commits. */
export const notifyJobs = defineStatement<Record<string, never>>({
  name: 'notify_jobs',
  text: `select pg_notify('${jobsChannel}', '')`,
  values: () => [],
});
