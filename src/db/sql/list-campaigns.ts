// Every campaign with its connection's token, by alias: the webhook directory (hot-lookups.ts) and the lists
// of the admin API, the console and the CLI.
import { type CampaignWithConnectionRow, campaignFromRow, campaignSelectText } from './campaign-row.js';
import { defineStatement } from './statement.js';

export const listCampaigns = defineStatement<Record<string, never>, CampaignWithConnectionRow>({
  name: 'list_campaigns',
  text: `${campaignSelectText} order by campaign.alias`,
  values: () => [],
  row: campaignFromRow,
});
