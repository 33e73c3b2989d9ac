// Reads one partner endpoint: once per postback to a partner's endpoint (deliver-postback.ts), for its URL
// and signing secret as they are now.
import {
  type PostbackEndpointRow,
  postbackEndpointColumnsText,
  postbackEndpointFromRow,
} from './postback-endpoint-row.js';
import { defineStatement } from './statement.js';

export const findPostbackEndpoint = defineStatement<{ id: string }, PostbackEndpointRow>({
  name: 'find_postback_endpoint',
  text: `select ${postbackEndpointColumnsText} from postback_endpoints where id = $1::text limit 1`,
  values: (input) => [input.id],
  row: postbackEndpointFromRow,
});
