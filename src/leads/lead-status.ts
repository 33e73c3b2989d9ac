// What a buyer may read of its own leads: order, label, SalesRender status id, comment, history, payout,
// and whether SalesRender may hold two orders for the lead.
import { findCampaignById } from '../campaigns/campaign-repository.js';
import type { Orm } from '../db/connection.js';
import { findPartnerLead } from '../db/sql/find-partner-lead.js';
import { listLeadStatusHistory } from '../db/sql/list-lead-status-history.js';
import { listPartnerLeadsByClickId } from '../db/sql/list-partner-leads-by-click-id.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError } from '../errors.js';
import { listPostbacks } from '../postbacks/postback-admin.js';
import { formatPayout } from '../postbacks/render-postback.js';
import { labelGroup } from '../statuses/label-group.js';
import { type LeadRow, leadStatusWord } from './lead-repository.js';
import { recordedPayouts } from './recorded-payouts.js';

/** A lead as buyers (and the console) see it: order, label, payout and status history. */
export async function leadView(db: Orm, lead: LeadRow) {
  const campaign = await findCampaignById(db, lead.campaignId);
  const history = await executeSql(db, listLeadStatusHistory, { leadId: lead.id });
  // What the lead earned for its current status, as recorded with the change; a change recorded before
  // payouts were is shown at the campaign's rate.
  const recorded = (await recordedPayouts(db, [lead.id])).get(lead.id);
  const payoutMinor = recorded
    ? (recorded.minor ?? undefined)
    : lead.label
      ? campaign?.payoutsMinor[lead.label]
      : undefined;
  return {
    lead_id: lead.id,
    campaign: campaign?.alias ?? null,
    click_id: lead.clickId,
    order_id: lead.orderId,
    status: leadStatusWord(lead),
    label: lead.label,
    label_group: labelGroup(lead.label),
    status_id: lead.statusId,
    comment: lead.comment,
    payout: Number(formatPayout(payoutMinor)),
    currency: recorded?.currency ?? campaign?.currency ?? null,
    created_at: lead.createdAt.toISOString(),
    status_changed_at: lead.statusChangedAt?.toISOString() ?? null,
    /** Sent again after a create whose outcome was unknown: SalesRender may hold two orders for it. */
    possible_duplicate: lead.possibleDuplicate,
    /** Each postback to the buyer's tracker: its label and state, and why it was skipped when it was. */
    postbacks: (await listPostbacks(db, { leadId: lead.id })).reverse().map((postback) => ({
      label: postback.label,
      state: postback.state,
      at: postback.created_at,
      ...(postback.state === 'skipped' ? { reason: postback.last_error } : {}),
    })),
    history: history.map((entry) => ({
      at: entry.changedAt.toISOString(),
      status_id: entry.statusId,
      label: entry.label,
      comment: entry.comment,
      source: entry.source,
      ...(entry.payoutCurrency
        ? { payout: Number(formatPayout(entry.payoutMinor ?? undefined)), currency: entry.payoutCurrency }
        : {}),
    })),
  };
}

/** One lead of this partner; another partner's lead is reported as not found, never as forbidden. */
export async function getPartnerLead(db: Orm, partnerId: string, leadId: string) {
  const [lead] = await executeSql(db, findPartnerLead, { partnerId, leadId });
  if (!lead) throw new AppError('LEAD_NOT_FOUND');
  return leadView(db, lead);
}

/** This partner's leads with a click id (one per campaign at most), newest first. */
export async function findPartnerLeadsByClickId(
  db: Orm,
  partnerId: string,
  clickId: string,
  campaignIds: string[],
) {
  if (campaignIds.length === 0) return [];
  const rows = await executeSql(db, listPartnerLeadsByClickId, { partnerId, clickId, campaignIds });
  return Promise.all(rows.map((lead) => leadView(db, lead)));
}
