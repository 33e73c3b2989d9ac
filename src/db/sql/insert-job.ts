// Inserts one job, unless a job with its dedupe key exists.
import type { NewJob } from '../queue/new-job.js';
import { insertJobsText, jobInsertRow } from './insert-jobs.js';
import { defineStatement } from './statement.js';

/** Answers the job's id when it was inserted (none: its dedupe key was taken). */
export const insertJob = defineStatement<{ job: NewJob; now: Date }, { id: string }>({
  name: 'insert_job',
  text: `${insertJobsText('$1')} returning id`,
  values: (input) => [JSON.stringify([jobInsertRow(input.job, input.now)])],
  row: (raw) => ({ id: String(raw.id) }),
});
