// Releases the leads held for a SalesRender schema fault: their create jobs become due now.
import { jobsChannel } from './notify-jobs.js';
import { defineStatement } from './statement.js';

/**
 * For every campaign in `campaignIds`: pending create_order jobs of leads held with SR_SCHEMA_FAULT are
 * made due at `now` (the worker takes them at once; NOTIFY wakes every instance). Answers the lead ids.
 */
export const releaseHeldLeads = defineStatement<{ campaignIds: string[]; now: Date }, { leadId: string }>({
  name: 'release_held_leads',
  text: `with held as (
      select id from leads where campaign_id in (select jsonb_array_elements_text($1::jsonb)) and state = 'queued'
        and error_code = 'SR_SCHEMA_FAULT'),
    released as (
      update jobs set next_attempt_at = $2::timestamptz, updated_at = $2::timestamptz
      where kind = 'create_order' and state = 'pending' and lead_id in (select id from held)
      returning lead_id)
    select lead_id, pg_notify('${jobsChannel}', '') from released`,
  values: (input) => [JSON.stringify(input.campaignIds), input.now.toISOString()],
  row: (raw) => ({ leadId: String(raw.lead_id) }),
});
