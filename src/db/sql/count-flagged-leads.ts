// The leads flagged for the operator (of one campaign, or all): possible duplicates created in a period
// (null: all time), and leads held now for a schema problem whenever they arrived.
import { defineStatement } from './statement.js';

/**
 * Two counts, each on its own partial index (migration 0006), rather than one pass over every lead. The
 * held count ignores the period on purpose: a lead held for a week still waits for the operator.
 */
export const countFlaggedLeads = defineStatement<
  { from: Date | null; to: Date | null; campaignId: string | null },
  { possibleDuplicates: number; heldForSchema: number }
>({
  name: 'count_flagged_leads',
  planEachCall: true,
  text: `select
      (select count(*) from leads where possible_duplicate
        and ($1::timestamptz is null or (created_at >= $1::timestamptz and created_at < $2::timestamptz))
        and ($3::text is null or campaign_id = $3::text)) as possible_duplicates,
      (select count(*) from leads where state = 'queued' and error_code = 'SR_SCHEMA_FAULT'
        and ($3::text is null or campaign_id = $3::text)) as held_for_schema`,
  values: (input) => [input.from?.toISOString() ?? null, input.to?.toISOString() ?? null, input.campaignId],
  row: (raw) => ({
    possibleDuplicates: Number(raw.possible_duplicates ?? 0),
    heldForSchema: Number(raw.held_for_schema ?? 0),
  }),
});
