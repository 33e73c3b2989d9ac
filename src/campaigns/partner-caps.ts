// A partner's own caps on one of its campaigns (per (partner, campaign): daily and total), set by an operator.
import { z } from 'zod';
import type { Orm } from '../db/connection.js';
import { parseInput } from '../errors.js';
import type { CapLimits } from './campaign.js';
import { dropCapCounter } from './cap-counter-reset.js';
import { findPartnerCampaign, setPartnerCampaignTerms } from './partner-campaign-terms.js';
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
    const campaign = await findPartnerCampaign(tx, partnerId, alias);
    await setPartnerCampaignTerms(tx, partnerId, campaign, alias, {
      dailyCap: caps.daily,
      totalCap: caps.total,
    });
    await dropCapCounter(tx, campaign.id);
    return { partner_id: partnerId, campaign: alias, caps };
  });
}
