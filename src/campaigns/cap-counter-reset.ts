// Drops a campaign's cap counter row when what it counts changes (its caps, its time zone, a partner's caps).
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { capCounters } from '../db/schema.js';

/**
 * The row counts only capped leads, and its day in the old time zone: after a change it is rebuilt from
 * the leads table by the next capped lead (open-cap-counter.ts), which counts every live lead.
 */
export async function dropCapCounter(db: Executor, campaignId: string): Promise<void> {
  await db.delete(capCounters).where(eq(capCounters.campaignId, campaignId));
}
