// A partner's own caps on one of its campaigns (per (partner, campaign): daily and total), set by an operator.
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Orm } from '../db/connection.js';
import { campaigns, clientCampaigns, clients } from '../db/schema.js';
import { AppError, parseInput } from '../errors.js';
import type { CapLimits } from './campaign-repository.js';
import { dropCapCounter } from './cap-counter-reset.js';
import { capsShape } from './traffic-rules-input.js';

/** Both caps are set at once: a key left out is no cap. */
export const partnerCapsInput = z
  .object({ daily: capsShape.daily.default(null), total: capsShape.total.default(null) })
  .strict();

export interface PartnerCapsView {
  partner_id: string;
  campaign: string;
  caps: CapLimits;
}

/**
 * Sets the caps of partner `partnerId` on the campaign `alias` (which it must already be allowed), and
 * drops the campaign's counter row so the next lead counts again from the leads table under the new caps.
 */
export async function setPartnerCaps(
  db: Orm,
  partnerId: string,
  alias: string,
  body: unknown,
): Promise<PartnerCapsView> {
  const caps = parseInput(partnerCapsInput, body ?? {});
  return db.transaction(async (tx) => {
    const [partner] = await tx
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.id, partnerId), eq(clients.kind, 'partner')));
    if (!partner) throw new AppError('CLIENT_NOT_FOUND');
    const [campaign] = await tx
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(eq(campaigns.alias, alias));
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    const updated = await tx
      .update(clientCampaigns)
      .set({ dailyCap: caps.daily, totalCap: caps.total })
      .where(and(eq(clientCampaigns.clientId, partnerId), eq(clientCampaigns.campaignId, campaign.id)))
      .returning({ campaignId: clientCampaigns.campaignId });
    if (updated.length === 0) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: { campaign: `the partner may not send leads to ${alias}: allow it the campaign first` },
      });
    }
    await dropCapCounter(tx, campaign.id);
    return { partner_id: partnerId, campaign: alias, caps };
  });
}
