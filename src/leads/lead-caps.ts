// Which caps a lead is under (its campaign's and its partner's on that campaign), and which one refused it.
import type { Campaign, CapLimits } from '../campaigns/campaign.js';
import { localDay, nextLocalMidnight, startOfLocalDay } from './cap-calendar.js';

/** The caps one lead is taken under, with the day they count in. */
export interface LeadCaps {
  campaignId: string;
  partnerId: string;
  /** The lead's local date in the campaign's time zone (YYYY-MM-DD). */
  day: string;
  /** The campaign's time zone and the lead's time: the day's bounds are worked out only when needed. */
  timeZone: string;
  at: Date;
  campaign: CapLimits;
  partner: CapLimits;
}

/** When the lead's local day began (UTC): a counter opened from the leads table counts the day from here. */
export const capDayStart = (caps: LeadCaps): Date => startOfLocalDay(caps.at, caps.timeZone);

/** The counts after a take, read under the counter row's lock (store-lead.ts). */
export interface CapCounts {
  granted: boolean;
  campaignDay: number;
  campaignTotal: number;
  partnerDay: number;
  partnerTotal: number;
}

export interface ReachedCap {
  scope: 'campaign' | 'partner';
  period: 'daily' | 'total';
  limit: number;
  /** When the cap lets leads in again; null for a total cap. */
  resetsAt: Date | null;
}

const hasCap = (limits: CapLimits) => limits.daily !== null || limits.total !== null;

/** The caps `partnerId`'s lead to `campaign` is under at `now`, or null when it is under none (not counted). */
export function capsForLead(
  campaign: Campaign,
  partnerId: string,
  partnerCaps: CapLimits | undefined,
  now: Date,
): LeadCaps | null {
  const partner = partnerCaps ?? { daily: null, total: null };
  if (!hasCap(campaign.caps) && !hasCap(partner)) return null;
  return {
    campaignId: campaign.id,
    partnerId,
    day: localDay(now, campaign.timezone),
    timeZone: campaign.timezone,
    at: now,
    campaign: { ...campaign.caps },
    partner: { ...partner },
  };
}

/**
 * The cap that refused a lead, from the counts read under the row's lock. Total caps are named before
 * daily ones (a total cap does not reset: it is the one to know about), the campaign's before the partner's.
 */
export function reachedCap(caps: LeadCaps, counts: CapCounts): ReachedCap | null {
  const checks: [ReachedCap['scope'], ReachedCap['period'], number | null, number][] = [
    ['campaign', 'total', caps.campaign.total, counts.campaignTotal],
    ['partner', 'total', caps.partner.total, counts.partnerTotal],
    ['campaign', 'daily', caps.campaign.daily, counts.campaignDay],
    ['partner', 'daily', caps.partner.daily, counts.partnerDay],
  ];
  for (const [scope, period, limit, used] of checks) {
    if (limit !== null && used >= limit) {
      return {
        scope,
        period,
        limit,
        resetsAt: period === 'daily' ? nextLocalMidnight(caps.at, caps.timeZone) : null,
      };
    }
  }
  return null;
}
