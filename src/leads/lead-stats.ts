// Lead counts for the dashboard and campaign page: per campaign by label group, per day, and the leads
// flagged for the operator (held for a schema problem, possible duplicates).
import { sql } from 'drizzle-orm';
import { type Executor, queryRows } from '../db/connection.js';
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
  const rows = await queryRows<{ campaign_id: string; label: string | null; count: string }>(
    db,
    sql`select campaign_id, label, count(*) as count from leads
        where created_at >= ${period.from.toISOString()} and created_at < ${period.to.toISOString()}
        group by campaign_id, label`,
  );
  const byCampaign = new Map<string, GroupCounts>();
  for (const row of rows) {
    const counts = byCampaign.get(row.campaign_id) ?? emptyCounts();
    add(counts, row.label, Number(row.count));
    byCampaign.set(row.campaign_id, counts);
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
  const rows = await queryRows<{ day: string; label: string | null; count: string }>(
    db,
    sql`select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, label, count(*) as count from leads
        where created_at >= ${period.from.toISOString()} and created_at < ${period.to.toISOString()}
        ${campaignId ? sql`and campaign_id = ${campaignId}` : sql``}
        group by 1, 2`,
  );
  const days = new Map<string, DayStats>();
  const dayMs = 86_400_000;
  const first = Math.floor(period.from.getTime() / dayMs) * dayMs;
  for (let at = first; at < period.to.getTime() && days.size < 400; at += dayMs) {
    const day = new Date(at).toISOString().slice(0, 10);
    days.set(day, { day, leads: 0, accepted: 0 });
  }
  for (const row of rows) {
    const entry = days.get(row.day) ?? { day: row.day, leads: 0, accepted: 0 };
    entry.leads += Number(row.count);
    if (labelGroup(row.label) === 'accepted') entry.accepted += Number(row.count);
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

/**
 * Both counts in one pass over the leads (of one campaign, when given). The held count ignores the
 * period on purpose: a lead held for a week still waits for the operator. Without a period, possible
 * duplicates are counted over all time.
 */
export async function leadFlagCounts(
  db: Executor,
  filter: { period?: Period; campaignId?: string },
): Promise<LeadFlagCounts> {
  const { period, campaignId } = filter;
  const inPeriod = period
    ? sql`created_at >= ${period.from.toISOString()} and created_at < ${period.to.toISOString()}`
    : sql`true`;
  const ofCampaign = campaignId ? sql`and campaign_id = ${campaignId}` : sql``;
  // Two counts, each on its own partial index (migration 0006), rather than one pass over every lead.
  const [row] = await queryRows<{ possible_duplicates: string | number; held_for_schema: string | number }>(
    db,
    sql`select
          (select count(*) from leads where possible_duplicate and ${inPeriod} ${ofCampaign}) as possible_duplicates,
          (select count(*) from leads where state = 'queued' and error_code = 'SR_SCHEMA_FAULT' ${ofCampaign})
            as held_for_schema`,
  );
  return {
    possibleDuplicates: Number(row?.possible_duplicates ?? 0),
    heldForSchema: Number(row?.held_for_schema ?? 0),
  };
}
