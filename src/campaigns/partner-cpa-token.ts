// A webmaster submitting as themself: a partner's own CPA webmaster token on a CPA campaign, so SalesRender
// counts the partner's leads as that webmaster's. Set by an operator, write-only like every token.
import { z } from 'zod';
import { salesRenderToken } from '../connections/connection-input.js';
import type { Executor, Orm } from '../db/connection.js';
import { findPartnerCpaToken as findPartnerCpaTokenStatement } from '../db/sql/find-partner-cpa-token.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError, parseInput } from '../errors.js';
import { findPartnerCampaign, setPartnerCampaignTerms } from './partner-campaign-terms.js';
import type { TokenCipher } from './token-cipher.js';

/** The token, or null to send the partner's leads with the campaign's token again. */
export const partnerCpaTokenInput = z
  .object({
    token: salesRenderToken.nullable().describe("The partner's webmaster token in the company's CPA module"),
  })
  .strict();

export interface PartnerCpaTokenView {
  partner_id: string;
  campaign: string;
  /** Whether the partner's leads on the campaign go with a token of its own (the token is never shown). */
  own_token: boolean;
}

/**
 * Sets (or clears, with null) partner `partnerId`'s own webmaster token on the CPA campaign `alias`, which
 * the partner must already be allowed. A CRM campaign is refused: its orders are made with the company's
 * token, and webmaster attribution there is the campaign's `webmaster_id`.
 */
export async function setPartnerCpaToken(
  db: Orm,
  cipher: TokenCipher,
  partnerId: string,
  alias: string,
  body: unknown,
): Promise<PartnerCpaTokenView> {
  const { token } = parseInput(partnerCpaTokenInput, body ?? {});
  return db.transaction(async (tx) => {
    const campaign = await findPartnerCampaign(tx, partnerId, alias);
    if (token !== null && campaign.module !== 'cpa') {
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: {
          token: `${alias} sends through the CRM module: a webmaster token applies to CPA campaigns only`,
        },
      });
    }
    await setPartnerCampaignTerms(tx, partnerId, campaign, alias, {
      cpaTokenEncrypted: token === null ? null : cipher.encrypt(token),
    });
    return { partner_id: partnerId, campaign: alias, own_token: token !== null };
  });
}

/** The partner's own webmaster token on the campaign, encrypted, or null when it has none. */
export async function findPartnerCpaToken(
  db: Executor,
  partnerId: string,
  campaignId: string,
): Promise<string | null> {
  const [row] = await executeSql(db, findPartnerCpaTokenStatement, { partnerId, campaignId });
  return row?.tokenEncrypted ?? null;
}
