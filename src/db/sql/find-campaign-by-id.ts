// Reads one campaign by id, with its connection's token: for each job, webhook and status change of its
// leads that the cache of hot-lookups.ts misses.
import { type CampaignWithConnectionRow, campaignFromRow, campaignSelectText } from './campaign-row.js';
import { defineStatement } from './statement.js';

export const findCampaignById = defineStatement<{ id: string }, CampaignWithConnectionRow>({
  name: 'find_campaign_by_id',
  text: `${campaignSelectText} where campaign.id = $1::text limit 1`,
  values: (input) => [input.id],
  row: campaignFromRow,
});
