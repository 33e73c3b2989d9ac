// Gives back the cap slot of a lead SalesRender rejected while its buyer waited (answered 422, not
// forwarded): one statement on the campaign's counter row, under its lock like a take.
import { defineStatement } from './statement.js';

export interface ReleaseCapSlotInput {
  campaignId: string;
  partnerId: string;
  /** The local date the lead's slot was taken on: a day count that moved on since is left alone. */
  day: string;
}

/** Counts never go below 0: a row rebuilt from the leads table meanwhile did not count the lead. */
export const releaseCapSlot = defineStatement<ReleaseCapSlotInput>({
  name: 'release_cap_slot',
  text: `update cap_counters set
    day_used = case when day = $2 then greatest(day_used - 1, 0) else day_used end,
    total_used = greatest(total_used - 1, 0),
    partners = case when partners ? $3 then jsonb_set(partners, array[$3], jsonb_build_object(
        'day', partners -> $3 -> 'day',
        'day_used', case when partners -> $3 ->> 'day' = $2
          then greatest((partners -> $3 ->> 'day_used')::integer - 1, 0)
          else (partners -> $3 ->> 'day_used')::integer end,
        'total_used', greatest((partners -> $3 ->> 'total_used')::integer - 1, 0)))
      else partners end
  where campaign_id = $1`,
  values: (input) => [input.campaignId, input.day, input.partnerId],
});
