// Releases the leads held for a SalesRender schema fault: their create jobs become due now.
import { type SQL, sql } from 'drizzle-orm';

/**
 * For every campaign in `campaignIds`: pending create_order jobs of leads held with SR_SCHEMA_FAULT are
 * made due at `now` (the worker takes them at once; NOTIFY wakes every instance). Answers the lead ids.
 */
export function releaseHeldLeadsSql(campaignIds: string[], now: Date, channel: string): SQL {
  return sql`with held as (
      select id from leads where campaign_id in (select jsonb_array_elements_text(${JSON.stringify(campaignIds)}::jsonb)) and state = 'queued'
        and error_code = 'SR_SCHEMA_FAULT'),
    released as (
      update jobs set next_attempt_at = ${now.toISOString()}, updated_at = ${now.toISOString()}
      where kind = 'create_order' and state = 'pending' and lead_id in (select id from held)
      returning lead_id)
    select lead_id, pg_notify(${channel}, '') from released`;
}
