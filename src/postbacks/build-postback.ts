// Turns a lead's new label into the postback the campaign's tracker should get (URL, method, body).
import type { Campaign } from '../campaigns/campaign.js';
import type { PostbackRow } from '../db/schema.js';
import type { PostbackPayload } from './deliver-postback.js';
import type { Payout } from './payout-in-force.js';
import {
  eventId,
  formatPayout,
  type PostbackValues,
  renderPostbackUrl,
  transactionId,
} from './render-postback.js';

export interface PostbackSubject {
  leadId: string;
  orderId: string;
  clickId: string | null;
  country: string | null;
  subs: Record<string, string>;
  statusId: string;
  label: string;
  comment: string | null;
  changedAt: Date;
  /** The lead keeps the per-label `{tid}` it had before tid became per order (migration 0007). */
  tidPerLabel?: boolean;
  /** The payout recorded with the change (payoutInForce); a sample or test uses the campaign's. */
  payout?: Payout;
}

/** The macro values for one status change; `{status}` is the tracker's own word when `status_values` has one. */
export function postbackValues(
  campaign: Campaign,
  postback: PostbackRow,
  subject: PostbackSubject,
): PostbackValues {
  return {
    click_id: subject.clickId ?? '',
    status: postback.status_values[subject.label] ?? subject.label,
    status_id: subject.statusId,
    payout: formatPayout(
      subject.payout ? (subject.payout.minor ?? undefined) : campaign.payoutsMinor[subject.label],
    ),
    currency: subject.payout?.currency ?? campaign.currency,
    order_id: subject.orderId,
    lead_id: subject.leadId,
    tid: transactionId({
      campaignId: campaign.id,
      leadId: subject.leadId,
      orderId: subject.orderId,
      label: subject.label,
      perLabel: subject.tidPerLabel,
    }),
    event_id: eventId(campaign.id, subject.orderId, subject.statusId, subject.changedAt),
    comment: subject.comment ?? '',
    sub1: subject.subs.sub1 ?? '',
    sub2: subject.subs.sub2 ?? '',
    sub3: subject.subs.sub3 ?? '',
    sub4: subject.subs.sub4 ?? '',
    sub5: subject.subs.sub5 ?? '',
    country: subject.country ?? '',
    campaign: campaign.alias,
    timestamp: String(Math.floor(subject.changedAt.getTime() / 1000)),
  };
}

/** GET: the template with macros filled. POST: the URL filled the same way, and the fields as a JSON body. */
export function buildPostbackPayload(
  campaign: Campaign,
  postback: PostbackRow,
  subject: PostbackSubject,
): PostbackPayload {
  const values = postbackValues(campaign, postback, subject);
  return {
    method: postback.method,
    url: renderPostbackUrl(postback.url, values),
    body: postback.method === 'POST' ? JSON.stringify(values) : null,
    tid: values.tid,
    event_id: values.event_id,
    ...(postback.success_match ? { success_match: postback.success_match } : {}),
    label: subject.label,
    status_id: subject.statusId,
    order_id: subject.orderId,
    lead_id: subject.leadId,
  };
}
