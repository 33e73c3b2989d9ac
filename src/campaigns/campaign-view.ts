// A campaign as the admin API, the console and the CLI show it: everything but its token.
import type { Campaign } from './campaign.js';
import { trafficRulesOf } from './campaign-repository.js';
import { toMajorUnits } from './input-values.js';
import type { TokenCipher } from './token-cipher.js';

/**
 * What the admin API, the console and the CLI show: everything but the token, plus the webhook URL to give SalesRender
 * and, when a cipher is given, the postback signing secret the tracker needs to verify POST postbacks.
 */
export function campaignView(campaign: Campaign, publicBaseUrl: string, cipher?: TokenCipher) {
  const sr = campaign.salesrender;
  return {
    id: campaign.id,
    alias: campaign.alias,
    name: campaign.name,
    module: campaign.module,
    connection_id: campaign.connectionId,
    salesrender: {
      base_url: sr.baseUrl,
      company_id: sr.companyId,
      token: '(set, write-only)' as const,
      /** `campaign`: its own (a CRM override, or the CPA webmaster's); `connection`: the connection's CRM token. */
      token_from: campaign.ownTokenEncrypted ? ('campaign' as const) : ('connection' as const),
      project_id: sr.projectId,
      initial_status_id: sr.initialStatusId,
      offer_id: sr.offerId,
      webmaster_id: sr.webmasterId,
      cart: sr.cart,
      fields: sr.fields,
    },
    status_map: campaign.statusMap,
    advertiser_status_map: campaign.advertiserStatusMap,
    payouts: toMajorUnits(campaign.payoutsMinor),
    currency: campaign.currency,
    postback: campaign.postback,
    postback_signing_secret:
      cipher && campaign.postbackSecretEncrypted
        ? cipher.decrypt(campaign.postbackSecretEncrypted)
        : undefined,
    default_country: campaign.defaultCountry,
    dedupe_window_hours: campaign.dedupeWindowHours,
    ...trafficRulesOf(campaign),
    active: campaign.active,
    // The campaign's own URL keeps working; one URL for the whole company is its connection's.
    webhook_url: `${publicBaseUrl}/v1/webhooks/salesrender/${campaign.webhookSecret}`,
    created_at: campaign.createdAt.toISOString(),
    updated_at: campaign.updatedAt.toISOString(),
  };
}
