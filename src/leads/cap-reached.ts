// Takes a lead under its caps (opening its campaign's counter when there is none yet), and words the 429 when a cap has no room.
import type { Orm } from '../db/connection.js';
import { openCapCounter } from '../db/sql/open-cap-counter.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError } from '../errors.js';
import { capRefusals } from '../metrics.js';
import { type CapCounts, capDayStart, type LeadCaps, reachedCap } from './lead-caps.js';
import type { StoreLeadResult } from './store-lead.js';

/**
 * Runs `submit` (the lead store); when the lead's campaign has no counter row yet, opens it from the
 * leads table and submits again. Two tries after the first: a row dropped again at once (its caps
 * changed twice meanwhile) is not worth a third.
 */
export async function storeUnderCaps(
  db: Orm,
  caps: LeadCaps | null,
  submit: () => Promise<StoreLeadResult>,
): Promise<StoreLeadResult> {
  let result = await submit();
  for (let retry = 0; caps && result.kind === 'no_cap_counter' && retry < 2; retry++) {
    await executeSql(db, openCapCounter, {
      campaignId: caps.campaignId,
      day: caps.day,
      dayStart: capDayStart(caps),
    });
    result = await submit();
  }
  if (result.kind === 'no_cap_counter') throw new Error('the campaign cap counter could not be opened');
  return result;
}

/**
 * The 429 for a lead a cap refused: `cap: {scope, period, limit}` and `resets_at` (ISO-8601 UTC, null
 * for a total cap) in `error`, and for a daily cap `retry_after_seconds` (the error renderer's
 * Retry-After). Counted in leadbridge_cap_refusals_total.
 */
export function capReachedError(caps: LeadCaps, counts: CapCounts, now: Date): AppError {
  // The statement refused the lead because some cap had no room; the counts it read name which.
  const reached = reachedCap(caps, counts) ?? {
    scope: 'campaign' as const,
    period: 'total' as const,
    limit: caps.campaign.total ?? 0,
    resetsAt: null,
  };
  capRefusals.inc({ scope: reached.scope, period: reached.period });
  const whose = reached.scope === 'campaign' ? "The campaign's" : 'Your';
  const resets = reached.resetsAt ? `; it resets at ${reached.resetsAt.toISOString()}` : '';
  return new AppError(
    'CAP_REACHED',
    `${whose} ${reached.period} cap of ${reached.limit} leads is reached${resets}`,
    {
      details: {
        cap: { scope: reached.scope, period: reached.period, limit: reached.limit },
        resets_at: reached.resetsAt?.toISOString() ?? null,
        ...(reached.resetsAt
          ? {
              retry_after_seconds: Math.max(
                1,
                Math.ceil((reached.resetsAt.getTime() - now.getTime()) / 1000),
              ),
            }
          : {}),
      },
    },
  );
}
