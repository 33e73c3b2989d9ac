// A partner's postback endpoints, oldest first: its postback setup (read for each status change of its
// leads that the cache of hot-lookups.ts misses) and the admin lists.
import {
  type PostbackEndpointRow,
  postbackEndpointColumnsText,
  postbackEndpointFromRow,
} from './postback-endpoint-row.js';
import { defineStatement } from './statement.js';

export const listPartnerEndpoints = defineStatement<{ partnerId: string }, PostbackEndpointRow>({
  name: 'list_partner_endpoints',
  text: `select ${postbackEndpointColumnsText} from postback_endpoints where partner_id = $1::text
    order by created_at, id`,
  values: (input) => [input.partnerId],
  row: postbackEndpointFromRow,
});
