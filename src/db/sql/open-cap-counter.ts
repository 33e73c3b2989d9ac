// Opens a capped campaign's counter row, counting the leads it already holds: one statement, so the
// first count of a campaign (or the count after its caps changed) starts from the leads table itself.
import { defineStatement } from './statement.js';

export interface OpenCapCounterInput {
  campaignId: string;
  /** The local date (YYYY-MM-DD, the campaign's time zone) the day count is for. */
  day: string;
  /** When that date began (UTC): leads created since count for the day. */
  dayStart: Date;
}

/**
 * Counts the campaign's live leads (all but those SalesRender rejected), in all and since `dayStart`,
 * per campaign and per partner, and inserts the row; a row another instance opened first is kept (ON
 * CONFLICT DO NOTHING), since leads are taken from it already. While a campaign has no row none of its
 * capped leads is stored (store-lead.ts), so the count cannot miss a lead stored meanwhile. Reads the
 * campaign's leads through leads_campaign_phone (campaign_id first); it runs once per campaign and change
 * of caps, not per lead.
 */
export const openCapCounter = defineStatement<OpenCapCounterInput>({
  name: 'open_cap_counter',
  text: `insert into cap_counters (campaign_id, day, day_used, total_used, partners, last_granted)
  select $1, $2, coalesce(sum(per_partner.day_used), 0), coalesce(sum(per_partner.total_used), 0),
      coalesce(jsonb_object_agg(per_partner.partner_id, jsonb_build_object('day', $2::text,
        'day_used', per_partner.day_used, 'total_used', per_partner.total_used))
        filter (where per_partner.partner_id is not null), '{}'),
      false
    from (select partner_id, count(*) filter (where created_at >= $3::timestamptz) as day_used,
        count(*) as total_used
      from leads where campaign_id = $1 and state <> 'rejected'
      group by partner_id) per_partner
  on conflict (campaign_id) do nothing`,
  values: (input) => [input.campaignId, input.day, input.dayStart.toISOString()],
});
