// A partner's own terms on one of its campaigns (caps, payouts, CPA token) are columns of its link to the
// campaign: found and written the same way whichever term an operator sets.
import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { campaigns, clientCampaigns, clients } from '../db/schema.js';
import { AppError } from '../errors.js';

export interface PartnerCampaign {
  id: string;
  module: 'crm' | 'cpa';
}

/** The campaign `alias` for partner `partnerId`: CLIENT_NOT_FOUND or CAMPAIGN_NOT_FOUND when either is unknown. */
export async function findPartnerCampaign(
  db: Executor,
  partnerId: string,
  alias: string,
): Promise<PartnerCampaign> {
  const [partner] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, partnerId), eq(clients.kind, 'partner')));
  if (!partner) throw new AppError('CLIENT_NOT_FOUND');
  const [campaign] = await db
    .select({ id: campaigns.id, module: campaigns.module })
    .from(campaigns)
    .where(eq(campaigns.alias, alias));
  if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
  return campaign;
}

/** Writes `terms` on the partner's link to the campaign; a campaign it may not use is refused by name. */
export async function setPartnerCampaignTerms(
  db: Executor,
  partnerId: string,
  campaign: PartnerCampaign,
  alias: string,
  terms: Partial<typeof clientCampaigns.$inferInsert>,
): Promise<void> {
  const updated = await db
    .update(clientCampaigns)
    .set(terms)
    .where(and(eq(clientCampaigns.clientId, partnerId), eq(clientCampaigns.campaignId, campaign.id)))
    .returning({ campaignId: clientCampaigns.campaignId });
  if (updated.length === 0) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      fields: { campaign: `the partner may not send leads to ${alias}: allow it the campaign first` },
    });
  }
}
