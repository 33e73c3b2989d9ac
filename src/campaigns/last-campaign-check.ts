// A campaign's last recorded check (drift watch, CLI or the console's "Check now"), for its page.
import type { Executor } from '../db/connection.js';
import { type CampaignCheckRow, findCampaignCheck } from '../db/sql/record-campaign-check.js';
import { executeSql } from '../db/sql/statement.js';

export type { CampaignCheckRow };

/** Null before the campaign's first check. */
export async function lastCampaignCheck(db: Executor, campaignId: string): Promise<CampaignCheckRow | null> {
  const [check] = await executeSql(db, findCampaignCheck, { campaignId });
  return check ?? null;
}
