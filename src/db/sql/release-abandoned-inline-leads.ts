// Takes the leads whose inline SalesRender attempt died with its process: their inline leases are cleared.
import { defineStatement } from './statement.js';

export interface AbandonedInlineLead {
  id: string;
  campaignId: string;
  createdAt: Date;
  /** The request that brought the lead (its `lead.accepted` audit row), for the job's audit rows. */
  requestId: string | null;
}

/**
 * A lead still `queued` after its inline lease has passed was being sent by a process that died. Rows
 * are locked SKIP LOCKED, so instances sweeping at once never both take one lead; oldest lease first,
 * at most `limit` (one sweep stays a short transaction after a mass crash).
 */
export const releaseAbandonedInlineLeads = defineStatement<{ now: Date; limit: number }, AbandonedInlineLead>(
  {
    name: 'release_abandoned_inline_leads',
    text: `update leads set inline_lease_until = null
    where id in (
      select id from leads
      where state = 'queued' and inline_lease_until is not null and inline_lease_until < $1::timestamptz
      order by inline_lease_until
      limit $2::int
      for update skip locked)
    returning id, campaign_id, created_at,
      (select request_id from audit_log
        where audit_log.lead_id = leads.id and event = 'lead.accepted' limit 1) as request_id`,
    values: (input) => [input.now.toISOString(), input.limit],
    row: (raw) => ({
      id: String(raw.id),
      campaignId: String(raw.campaign_id),
      createdAt: new Date(raw.created_at as string | Date),
      requestId: (raw.request_id as string | null) ?? null,
    }),
  },
);
