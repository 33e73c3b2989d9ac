// Lead counts for the dashboard and campaign page: per campaign by label group, per day, and the leads
// flagged for the operator (held for a schema problem, possible duplicates).
import type { Executor } from '../db/connection.js';
import { countFlaggedLeads } from '../db/sql/count-flagged-leads.js';
import { countLeadsByCampaignAndLabel } from '../db/sql/count-leads-by-campaign-and-label.js';
import { countLeadsByDay } from '../db/sql/count-leads-by-day.js';
import { executeSql } from '../db/sql/statement.js';
import { type LabelGroup, labelGroup } from '../statuses/label-group.js';

export interface Period {
  from: Date;
  to: Date;
}

export type GroupCounts = Record<LabelGroup | 'leads', number>;

export interface CampaignStats extends GroupCounts {
  campaignId: string;
  /** accepted / (leads − trash): trash never had a chance to be approved. Null when nothing counts. */
  approvalRate: number | null;
}

const emptyCounts = (): GroupCounts => ({
  leads: 0,
  pending: 0,
  accepted: 0,
  rejected: 0,
  trash: 0,
  other: 0,
});

/** Approval rate as networks quote it: accepted among leads that were not trash. */
export function approvalRate(counts: GroupCounts): number | null {
  const eligible = counts.leads - counts.trash;
  return eligible > 0 ? counts.accepted / eligible : null;
}

function add(counts: GroupCounts, label: string | null, count: number) {
  counts.leads += count;
  // A lead without a label yet (still queued for SalesRender) is pending from the network's point of view.
  counts[labelGroup(label) ?? 'pending'] += count;
}

/** Leads created in the period, per campaign, counted by the canonical group of their current label. */
export async function campaignStats(db: Executor, period: Period): Promise<CampaignStats[]> {
  const rows = await executeSql(db, countLeadsByCampaignAndLabel, period);
  const byCampaign = new Map<string, GroupCounts>();
  for (const row of rows) {
    const counts = byCampaign.get(row.campaignId) ?? emptyCounts();
    add(counts, row.label, row.count);
    byCampaign.set(row.campaignId, counts);
  }
  return [...byCampaign].map(([campaignId, counts]) => ({
    campaignId,
    ...counts,
    approvalRate: approvalRate(counts),
  }));
}

export interface DayStats {
  day: string;
  leads: number;
  accepted: number;
}

/** Leads and accepted leads per UTC day of creation, every day of the period present (zeros included). */
export async function dailyStats(db: Executor, period: Period, campaignId?: string): Promise<DayStats[]> {
  const rows = await executeSql(db, countLeadsByDay, { ...period, campaignId: campaignId ?? null });
  const days = new Map<string, DayStats>();
  const dayMs = 86_400_000;
  const first = Math.floor(period.from.getTime() / dayMs) * dayMs;
  for (let at = first; at < period.to.getTime() && days.size < 400; at += dayMs) {
    const day = new Date(at).toISOString().slice(0, 10);
    days.set(day, { day, leads: 0, accepted: 0 });
  }
  for (const row of rows) {
    const entry = days.get(row.day) ?? { day: row.day, leads: 0, accepted: 0 };
    entry.leads += row.count;
    if (labelGroup(row.label) === 'accepted') entry.accepted += row.count;
    days.set(row.day, entry);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

export interface LeadFlagCounts {
  /** Leads created in the period that were sent again after a lost create answer (SalesRender may hold two orders). */
  possibleDuplicates: number;
  /** Leads held now, whenever they arrived, because what LeadBridge sends does not fit the live schema. */
  heldForSchema: number;
}

/** Both counts in one statement (of one campaign, when given; count-flagged-leads.ts says why so). */
export async function leadFlagCounts(
  db: Executor,
  filter: { period?: Period; campaignId?: string },
): Promise<LeadFlagCounts> {
  const { period, campaignId } = filter;
  const [row] = await executeSql(db, countFlaggedLeads, {
    from: period?.from ?? null,
    to: period?.to ?? null,
    campaignId: campaignId ?? null,
  });
  return { possibleDuplicates: row?.possibleDuplicates ?? 0, heldForSchema: row?.heldForSchema ?? 0 };
}
