// Reads the campaign a lead's URL names (`/v1/leads/{alias}`), with its connection's token: once per lead
// the cache of hot-lookups.ts misses.
import { type CampaignWithConnectionRow, campaignFromRow, campaignSelectText } from './campaign-row.js';
import { defineStatement } from './statement.js';

export const findCampaignByAlias = defineStatement<{ alias: string }, CampaignWithConnectionRow>({
  name: 'find_campaign_by_alias',
  text: `${campaignSelectText} where campaign.alias = $1::text limit 1`,
  values: (input) => [input.alias],
  row: campaignFromRow,
});
