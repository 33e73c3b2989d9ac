// Fills a tracker's postback template: {click_id}, {status}, {payout}... URL-escaped, in one pass.
import { createHash } from 'node:crypto';

export const postbackMacros = [
  'click_id',
  'status',
  'status_id',
  'payout',
  'currency',
  'order_id',
  'lead_id',
  'tid',
  'event_id',
  'comment',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'country',
  'campaign',
  'timestamp',
] as const;
export type PostbackMacro = (typeof postbackMacros)[number];
export type PostbackValues = Record<PostbackMacro, string>;

/**
 * Replaces every known `{macro}` with its URL-escaped value. It is one pass over the template, so a
 * value that itself contains `{payout}` is inserted as text and never expanded. Unknown `{words}` stay
 * as they are: some trackers use braces of their own.
 */
export function renderPostbackUrl(template: string, values: PostbackValues): string {
  return template.replace(/\{([a-z_0-9]+)\}/g, (whole, name: string) =>
    name in values ? encodeURIComponent(values[name as PostbackMacro]) : whole,
  );
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 20);

/**
 * `{tid}`: one value per lead (so per order), the same for every status change and every retry. Trackers
 * key a conversion on (click id, tid): Keitaro counts a new tid as one more sale, Orbitra upserts on it
 * (../shared/docs/trackers.md), so the same tid is what moves one conversion lead -> sale -> rejected.
 * From the lead, not the order id, which an in-doubt create found twice could change. `perLabel`: the
 * value before tid was per order, kept for leads whose tracker already holds it.
 */
export function transactionId(subject: {
  campaignId: string;
  leadId: string;
  orderId: string;
  label: string;
  perLabel?: boolean;
}): string {
  return subject.perLabel
    ? digest(`${subject.campaignId}:${subject.orderId}:${subject.label}`)
    : digest(`${subject.campaignId}:${subject.leadId}`);
}

/** `{event_id}`: one value per status change (status id and SalesRender's time of it), the same on retries. */
export function eventId(campaignId: string, orderId: string, statusId: string, changedAt: Date): string {
  return digest(`${campaignId}:${orderId}:${statusId}:${changedAt.toISOString()}`);
}

/** Payout in minor units as the decimal string trackers expect ("12.5", "0"). */
export function formatPayout(minor: number | undefined): string {
  if (!minor) return '0';
  const sign = minor < 0 ? '-' : '';
  const absolute = Math.abs(minor);
  const units = Math.floor(absolute / 100);
  const cents = absolute % 100;
  if (cents === 0) return `${sign}${units}`;
  return `${sign}${units}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

/** Hides credentials a tracker URL may carry (`token=`, `key=`...) for the audit log and listings. */
export function redactPostbackUrl(url: string): string {
  return url.replace(
    /([?&](?:token|key|api_key|apikey|secret|password|auth|signature|sig)=)[^&#]*/gi,
    '$1[redacted]',
  );
}
