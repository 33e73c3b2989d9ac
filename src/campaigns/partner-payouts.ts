// A partner's own payouts on one of its campaigns (optionally per country), overriding the campaign's.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Orm } from '../db/connection.js';
import { clientCampaigns } from '../db/schema.js';
import { parseInput } from '../errors.js';
import type { PartnerPayouts } from '../postbacks/payout-in-force.js';
import { countryCode, label, money, toMajorUnits, toMinorUnits } from './input-values.js';
import { findPartnerCampaign, setPartnerCampaignTerms } from './partner-campaign-terms.js';

/** Amounts in major units, as the campaign's `payouts`; stored in minor units. */
export const partnerPayoutsSchema = z
  .object({
    payouts: z.record(label, money).default({}),
    payouts_by_country: z.record(countryCode, z.record(label, money)).default({}),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217 code such as USD')
      .nullish()
      .describe("The partner's payout currency; default: the campaign's"),
  })
  .strict();

export interface PartnerPayoutsView {
  partner_id: string;
  campaign: string;
  payouts: Record<string, number>;
  payouts_by_country: Record<string, Record<string, number>>;
  currency: string | null;
}

/** Partner `partnerId`'s payouts on each of its campaigns, by campaign id (minor units, as stored). */
export async function listPartnerPayouts(db: Orm, partnerId: string): Promise<Map<string, PartnerPayouts>> {
  const rows = await db
    .select({
      campaignId: clientCampaigns.campaignId,
      payouts: clientCampaigns.payouts,
      payoutsByCountry: clientCampaigns.payoutsByCountry,
      currency: clientCampaigns.payoutCurrency,
    })
    .from(clientCampaigns)
    .where(eq(clientCampaigns.clientId, partnerId));
  return new Map(rows.map(({ campaignId, ...payouts }) => [campaignId, payouts]));
}

/**
 * Sets partner `partnerId`'s payouts on campaign `alias` (which it must already be allowed), replacing the
 * ones set before. Postbacks already queued and status changes already recorded keep the payout they were
 * made with: only later changes get the new rate.
 */
export async function setPartnerPayouts(
  db: Orm,
  partnerId: string,
  alias: string,
  body: unknown,
): Promise<PartnerPayoutsView> {
  const input = parseInput(partnerPayoutsSchema, body ?? {});
  const campaign = await findPartnerCampaign(db, partnerId, alias);
  const byCountry = Object.fromEntries(
    Object.entries(input.payouts_by_country).map(([code, amounts]) => [code, toMinorUnits(amounts)]),
  );
  await setPartnerCampaignTerms(db, partnerId, campaign, alias, {
    payouts: toMinorUnits(input.payouts),
    payoutsByCountry: byCountry,
    payoutCurrency: input.currency ?? null,
  });
  return {
    partner_id: partnerId,
    campaign: alias,
    payouts: input.payouts,
    payouts_by_country: Object.fromEntries(
      Object.entries(byCountry).map(([code, amounts]) => [code, toMajorUnits(amounts)]),
    ),
    currency: input.currency ?? null,
  };
}
