// Lead counts for the dashboard: per campaign by label group, and per day, for a period.
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
