// After migration 0011 made a connection of each company: CRM campaigns whose token is their connection's use it.
import type { TokenCipher } from '../campaigns/token-cipher.js';
import type { Database } from '../db/connection.js';
import {
  auditSettledTokensText,
  type CampaignTokenRow,
  clearCampaignTokenText,
  listCampaignTokensText,
  settleMigratedTokensMarker,
  takeSettleMarkerText,
} from '../db/sql/settle-migrated-tokens.js';

export interface SettledTokens {
  /** Campaigns now on their connection's token (theirs was the same). */
  joined: string[];
  /** Campaigns that keep a token of their own, which differs from their connection's. */
  overrides: { campaign: string; connection: string }[];
}

/**
 * The migration could only compare ciphertexts, which differ for equal tokens (each has its own IV): it
 * gave each company the most recently updated CRM campaign's token, and left every other campaign its
 * own. Here, once (a marker row in lb_migrations, in the same transaction), the decrypted tokens are
 * compared: an equal one is cleared, so rotating the connection's token reaches that campaign; a
 * different one stays as the campaign's override and is reported (log and audit). Returns null when the
 * pass ran before.
 */
export async function settleMigratedTokens(
  database: Pick<Database, 'script'>,
  cipher: TokenCipher,
  log: { info(detail: object, message: string): void; warn(detail: object, message: string): void },
): Promise<SettledTokens | null> {
  const settled = await database.script(async (run) => {
    const taken = await run(takeSettleMarkerText, [settleMigratedTokensMarker]);
    if (taken.length === 0) return null;
    const report: SettledTokens = { joined: [], overrides: [] };
    const rows = (await run(listCampaignTokensText, [])) as unknown as CampaignTokenRow[];
    for (const row of rows) {
      if (row.connection_token && sameToken(cipher, row.own_token, row.connection_token)) {
        await run(clearCampaignTokenText, [row.id]);
        report.joined.push(row.alias);
      } else report.overrides.push({ campaign: row.alias, connection: row.connection_id });
    }
    if (rows.length > 0) await run(auditSettledTokensText, [JSON.stringify(report)]);
    return report;
  });
  if (settled && settled.overrides.length > 0)
    log.warn(
      { overrides: settled.overrides },
      "these campaigns keep a SalesRender token of their own that differs from their connection's",
    );
  if (settled && settled.joined.length > 0)
    log.info({ campaigns: settled.joined }, "campaigns now use their connection's SalesRender token");
  return settled;
}

/** Whether two stored tokens decrypt to the same text; one that cannot be decrypted is kept apart. */
function sameToken(cipher: TokenCipher, a: string, b: string): boolean {
  try {
    return cipher.decrypt(a) === cipher.decrypt(b);
  } catch {
    return false;
  }
}
