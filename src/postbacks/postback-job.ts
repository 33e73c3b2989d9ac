// The postback job a lead's new label calls for, from any source: the order's creation or a status change.
import type { Campaign } from '../campaigns/campaign.js';
import type { NewJob } from '../db/queue/enqueue-job.js';
import type { PostbackRow } from '../db/schema.js';
import type { IdSource } from '../ids.js';
import type { LeadRow } from '../leads/lead-repository.js';
import { buildPostbackPayload } from './build-postback.js';
import { postbackJobKind, postbackRetrySchedule } from './deliver-postback.js';
import type { Payout } from './payout-in-force.js';
import type { PostbackEndpoint } from './postback-endpoints.js';

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
  /** The payout recorded with the change. */
  payout?: Payout;
}

/** Why a postback must not be sent, or null: a template that needs the click id, for a lead without one. */
function skipReason(template: string, clickId: string | null): string | null {
  return template.includes('{click_id}') && !clickId
    ? 'the lead has no click id and the postback URL needs {click_id}: the tracker could not match it'
    : null;
}

/** The lead as a postback needs it. */
export type PostbackLead = Pick<LeadRow, 'id' | 'clickId' | 'country' | 'subs' | 'tidPerLabel'>;

/**
 * The job for one endpoint, or null when it wants no postback for this label. A tracker refuses a
 * postback without the click id it keys conversions on (400 Missing subid) and no retry changes that:
 * such a postback is recorded as skipped, never sent with an empty value.
 */
function jobFor(
  campaign: Campaign,
  postback: PostbackRow,
  endpointId: string | null,
  lead: PostbackLead,
  change: PostbackChange,
  options: { ids: IdSource; now: Date; claimFor?: { workerId: string; leaseUntil: Date } },
): NewJob<typeof postbackJobKind> | null {
  if (!postback.on.includes(change.label)) return null;
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
    ...(change.payout ? { payout: change.payout } : {}),
  });
  const skippedBecause = skipReason(postback.url, lead.clickId);
  return {
    id: options.ids.next('pb'),
    kind: postbackJobKind,
    campaignId: campaign.id,
    leadId: lead.id,
    payload: { ...payload, seq: change.seq, ...(endpointId ? { endpoint_id: endpointId } : {}) },
    maxAttempts: postbackRetrySchedule.maxAttempts,
    runAt: options.now,
    dedupeKey: endpointId ? `${change.dedupeKey}:${endpointId}` : change.dedupeKey,
    ...(skippedBecause ? { skippedBecause } : {}),
    ...(options.claimFor && !skippedBecause ? { claimFor: options.claimFor } : {}),
  };
}

/**
 * Every postback a lead's new label calls for: the campaign's own (the network's endpoint, for every lead
 * of the campaign) and one per partner endpoint that applies, each an independent delivery. Only the
 * first may be queued claimed by the caller's worker (`claimFor`); the others wait for any worker.
 */
export function postbackJobsFor(
  campaign: Campaign,
  endpoints: readonly PostbackEndpoint[],
  lead: PostbackLead,
  change: PostbackChange,
  options: { ids: IdSource; now: Date; claimFor?: { workerId: string; leaseUntil: Date } },
): NewJob<typeof postbackJobKind>[] {
  const jobs: NewJob<typeof postbackJobKind>[] = [];
  const { claimFor, ...unclaimed } = options;
  const network = campaign.postback ? jobFor(campaign, campaign.postback, null, lead, change, options) : null;
  if (network) jobs.push(network);
  for (const endpoint of endpoints) {
    const job = jobFor(
      campaign,
      endpoint.postback,
      endpoint.id,
      lead,
      change,
      jobs.length ? unclaimed : options,
    );
    if (job) jobs.push(job);
  }
  return jobs;
}
