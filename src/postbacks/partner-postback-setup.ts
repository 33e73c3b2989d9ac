// What a status change of a partner's lead needs besides its campaign: the partner's payouts and endpoints.
import type { Executor } from '../db/connection.js';
import { findPartnerPayouts } from '../db/sql/find-partner-payouts.js';
import { executeSql } from '../db/sql/statement.js';
import type { PartnerPayouts } from './payout-in-force.js';
import { endpointsFor, type PostbackEndpoint } from './postback-endpoints.js';

export interface PartnerPostbackSetup {
  payouts: PartnerPayouts | null;
  /** The active endpoints that apply to the campaign (endpointsFor). */
  endpoints: PostbackEndpoint[];
}

export const noPartnerSetup: PartnerPostbackSetup = { payouts: null, endpoints: [] };

/** Reads partner `partnerId`'s payouts on `campaignId` and the endpoints its leads there go to. */
export async function loadPartnerPostbackSetup(
  db: Executor,
  partnerId: string,
  campaignId: string,
): Promise<PartnerPostbackSetup> {
  const [terms] = await executeSql(db, findPartnerPayouts, { partnerId, campaignId });
  return { payouts: terms ?? null, endpoints: await endpointsFor(db, partnerId, campaignId) };
}
