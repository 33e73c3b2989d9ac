// Leads held for a SalesRender schema fault go through at once when their campaign is fixed.
import type { Executor } from '../db/connection.js';
import { releaseHeldLeads as releaseHeldLeadsStatement } from '../db/sql/release-held-leads.js';
import { executeSql } from '../db/sql/statement.js';

/** Makes the held leads of these campaigns due now; returns how many were released. */
export async function releaseHeldLeads(db: Executor, campaignIds: string[], now: Date): Promise<number> {
  if (campaignIds.length === 0) return 0;
  return (await executeSql(db, releaseHeldLeadsStatement, { campaignIds, now })).length;
}
