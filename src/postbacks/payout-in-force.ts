// The payout a lead earns for a label: its partner's on the campaign (per country first), else the campaign's.
import type { Campaign } from '../campaigns/campaign.js';

/** A partner's payouts on one campaign, in minor units (null: none set). */
export interface PartnerPayouts {
  payouts: Record<string, number> | null;
  payoutsByCountry: Record<string, Record<string, number>> | null;
  /** Null: the campaign's currency. */
  currency: string | null;
}

export interface Payout {
  /** Minor units; null when nothing is paid for the label. */
  minor: number | null;
  currency: string;
}

/**
 * The payout in force for `label`: the partner's for the lead's country, then the partner's, then the
 * campaign's. It is recorded with the status change and posted back from there, so a rate edited later
 * never changes what a change already earned.
 */
export function payoutInForce(
  campaign: Pick<Campaign, 'payoutsMinor' | 'currency'>,
  partner: PartnerPayouts | null,
  country: string | null,
  label: string,
): Payout {
  const partnerCurrency = partner?.currency ?? campaign.currency;
  const byCountry = country ? partner?.payoutsByCountry?.[country]?.[label] : undefined;
  if (byCountry !== undefined) return { minor: byCountry, currency: partnerCurrency };
  const own = partner?.payouts?.[label];
  if (own !== undefined) return { minor: own, currency: partnerCurrency };
  return { minor: campaign.payoutsMinor[label] ?? null, currency: campaign.currency };
}
