// The postbacks matching the operator's filter, newest first: the console's and admin API's lists, a
// partner endpoint's delivery log, and a lead's postbacks in its view.
import { type JobRow, jobColumnsText, jobRowFromRow } from './job-row.js';
import { type PostbackFilterInput, postbackFilterText, postbackFilterValues } from './postback-filter.js';
import { defineStatement } from './statement.js';

export const listPostbacks = defineStatement<{ filter: PostbackFilterInput; limit: number }, JobRow>({
  name: 'list_postbacks',
  planEachCall: true,
  text: `select ${jobColumnsText()} from jobs where ${postbackFilterText}
    order by jobs.created_at desc, jobs.id desc limit $8::int`,
  values: (input) => [...postbackFilterValues(input.filter), input.limit],
  row: jobRowFromRow,
});
