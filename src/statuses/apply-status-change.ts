// What a status change does, from any source (webhook, reconciliation, advertiser): history, label, postback.
import { eq } from 'drizzle-orm';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Campaign } from '../campaigns/campaign-repository.js';
import type { Clock, IdSource } from '../db/clock.js';
import type { Executor } from '../db/connection.js';
import { enqueueJob } from '../db/queue/enqueue-job.js';
import { notifyJobs } from '../db/queue/notify-jobs.js';
import { leadStatusHistory, leads, type StatusSource } from '../db/schema.js';
import type { LeadRow } from '../leads/lead-repository.js';
import { buildPostbackPayload } from '../postbacks/build-postback.js';
import { postbackJobKind, postbackRetrySchedule } from '../postbacks/deliver-postback.js';

export interface StatusObservation {
  statusId: string;
  /** SalesRender's statusChangedAt: with the status id, the identity of a change. */
  changedAt: Date;
  /** The call-centre comment as read now; null when unknown (then the stored one is kept). */
  comment: string | null;
  source: StatusSource;
  requestId?: string | null;
}

export type StatusChangeResult =
  | { kind: 'duplicate' }
  | { kind: 'stale' }
  | { kind: 'unchanged' }
  | { kind: 'changed'; label: string | null; previousLabel: string | null; postbackId: string | null };

export interface StatusChangeDeps {
  clock: Clock;
  ids: IdSource;
  audit: AuditWriter;
}

/**
 * Applies one observed status inside the caller's transaction. The history row's unique key
 * (lead, status id, changed at) makes repeats no-ops; an observation older than the lead's current
 * status is kept in the history but changes nothing; a postback is queued only when the label really
 * changes and the campaign wants that label. Status, history, outbox job and audit commit together.
 */
export async function applyStatusChange(
  tx: Executor,
  deps: StatusChangeDeps,
  campaign: Campaign,
  staleLead: Pick<LeadRow, 'id'>,
  observation: StatusObservation,
): Promise<StatusChangeResult> {
  const now = deps.clock.now();
  // Lock and re-read the lead: two workers applying changes to one order must see each other's result,
  // or an older status could overwrite a newer one.
  const [lead] = await tx.select().from(leads).where(eq(leads.id, staleLead.id)).for('update');
  if (!lead) throw new Error(`lead ${staleLead.id} disappeared`);
  const label = campaign.statusMap[observation.statusId] ?? null;
  const inserted = await tx
    .insert(leadStatusHistory)
    .values({
      leadId: lead.id,
      statusId: observation.statusId,
      label,
      comment: observation.comment,
      source: observation.source,
      changedAt: observation.changedAt,
      recordedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: leadStatusHistory.id });
  if (inserted.length === 0) return { kind: 'duplicate' };
  const base = {
    requestId: observation.requestId ?? null,
    campaignId: campaign.id,
    leadId: lead.id,
    orderId: lead.orderId,
  };
  if (lead.statusChangedAt && observation.changedAt < lead.statusChangedAt) {
    await deps.audit.write(tx, {
      ...base,
      event: 'status.stale',
      actor: observation.source,
      outcome: 'ignored',
      detail: { status_id: observation.statusId, changed_at: observation.changedAt.toISOString() },
    });
    return { kind: 'stale' };
  }

  const previousLabel = lead.label;
  const comment = observation.comment ?? lead.comment;
  await tx
    .update(leads)
    .set({
      statusId: observation.statusId,
      label,
      comment,
      statusChangedAt: observation.changedAt,
      updatedAt: now,
    })
    .where(eq(leads.id, lead.id));
  if (lead.statusId === observation.statusId && previousLabel === label) {
    // The status we already hold, now with SalesRender's own timestamp (and maybe a new comment).
    await deps.audit.write(tx, {
      ...base,
      event: 'status.confirmed',
      actor: observation.source,
      outcome: 'unchanged',
      detail: {
        status_id: observation.statusId,
        label,
        comment,
        changed_at: observation.changedAt.toISOString(),
      },
    });
    return { kind: 'unchanged' };
  }

  let postbackId: string | null = null;
  const postback = campaign.postback;
  if (label && label !== previousLabel && postback?.on.includes(label) && lead.orderId) {
    postbackId = deps.ids.next('pb');
    const payload = buildPostbackPayload(campaign, postback, {
      leadId: lead.id,
      orderId: lead.orderId,
      clickId: lead.clickId,
      country: lead.country,
      subs: lead.subs,
      statusId: observation.statusId,
      label,
      comment,
      changedAt: observation.changedAt,
    });
    await enqueueJob(
      tx,
      {
        id: postbackId,
        kind: postbackJobKind,
        campaignId: campaign.id,
        leadId: lead.id,
        payload: { ...payload },
        maxAttempts: postbackRetrySchedule.maxAttempts,
        runAt: now,
        dedupeKey: `postback:${lead.id}:${inserted[0]?.id}`,
      },
      now,
    );
    await notifyJobs(tx);
  }
  await deps.audit.write(tx, {
    ...base,
    event: 'status.changed',
    actor: observation.source,
    outcome: label ? (postbackId ? 'postback_queued' : 'no_postback') : 'unmapped_status',
    detail: {
      status_id: observation.statusId,
      label,
      previous_label: previousLabel,
      comment,
      changed_at: observation.changedAt.toISOString(),
      postback_id: postbackId,
    },
  });
  return { kind: 'changed', label, previousLabel, postbackId };
}
