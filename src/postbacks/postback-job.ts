// The postback job a lead's new label calls for, from any source: the order's creation or a status change.
import type { Campaign } from '../campaigns/campaign-repository.js';
import type { NewJob } from '../db/queue/enqueue-job.js';
import type { IdSource } from '../ids.js';
import type { LeadRow } from '../leads/lead-repository.js';
import { buildPostbackPayload } from './build-postback.js';
import { postbackJobKind, postbackRetrySchedule } from './deliver-postback.js';

export interface PostbackChange {
  orderId: string;
  statusId: string;
  label: string;
  comment: string | null;
  /** SalesRender's time of the change (our clock for the creation). */
  changedAt: Date;
  /** Its place among the lead's postbacks: the history row's id, 0 for the creation. */
  seq: number;
  dedupeKey: string;
}

/** Why a postback must not be sent, or null: a template that needs the click id, for a lead without one. */
function skipReason(template: string, clickId: string | null): string | null {
  return template.includes('{click_id}') && !clickId
    ? 'the lead has no click id and the postback URL needs {click_id}: the tracker could not match it'
    : null;
}

/**
 * The job, or null when the campaign wants no postback for this label. A tracker refuses a postback
 * without the click id it keys conversions on (400 Missing subid) and no retry changes that: such a
 * postback is recorded as skipped, never sent with an empty value.
 */
export function postbackJobFor(
  campaign: Campaign,
  lead: Pick<LeadRow, 'id' | 'clickId' | 'country' | 'subs' | 'tidPerLabel'>,
  change: PostbackChange,
  options: { ids: IdSource; now: Date; claimFor?: { workerId: string; leaseUntil: Date } },
): NewJob | null {
  const postback = campaign.postback;
  if (!postback?.on.includes(change.label)) return null;
  const payload = buildPostbackPayload(campaign, postback, {
    leadId: lead.id,
    orderId: change.orderId,
    clickId: lead.clickId,
    country: lead.country,
    subs: lead.subs,
    statusId: change.statusId,
    label: change.label,
    comment: change.comment,
    changedAt: change.changedAt,
    tidPerLabel: lead.tidPerLabel,
  });
  const skippedBecause = skipReason(postback.url, lead.clickId);
  return {
    id: options.ids.next('pb'),
    kind: postbackJobKind,
    campaignId: campaign.id,
    leadId: lead.id,
    payload: { ...payload, seq: change.seq },
    maxAttempts: postbackRetrySchedule.maxAttempts,
    runAt: options.now,
    dedupeKey: change.dedupeKey,
    ...(skippedBecause ? { skippedBecause } : {}),
    ...(options.claimFor && !skippedBecause ? { claimFor: options.claimFor } : {}),
  };
}
