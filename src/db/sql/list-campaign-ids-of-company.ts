// The ids of the campaigns on one SalesRender company (equal base URL and company id): the campaigns a
// `dedupe_scope` of `connection` looks across, read once per lead the cache of hot-lookups.ts misses.
import { defineStatement } from './statement.js';

export const listCampaignIdsOfCompany = defineStatement<{ baseUrl: string; companyId: string }, string>({
  name: 'list_campaign_ids_of_company',
  text: `select id from campaigns where sr_base_url = $1::text and sr_company_id = $2::text order by id`,
  values: (input) => [input.baseUrl, input.companyId],
  row: (raw) => raw.id as string,
});
