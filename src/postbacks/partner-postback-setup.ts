// What a status change of a partner's lead needs besides its campaign: the partner's payouts and endpoints.
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { clientCampaigns } from '../db/schema.js';
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
  const [terms] = await db
    .select({
      payouts: clientCampaigns.payouts,
      payoutsByCountry: clientCampaigns.payoutsByCountry,
      currency: clientCampaigns.payoutCurrency,
    })
    .from(clientCampaigns)
    .where(and(eq(clientCampaigns.clientId, partnerId), eq(clientCampaigns.campaignId, campaignId)))
    .limit(1);
  return { payouts: terms ?? null, endpoints: await endpointsFor(db, partnerId, campaignId) };
}
