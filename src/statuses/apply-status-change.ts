// What a status change does, from any source (webhook, reconciliation, advertiser): history, label, postback.
import { type SQL, sql } from 'drizzle-orm';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Campaign } from '../campaigns/campaign-repository.js';
import type { Clock } from '../clock.js';
import { type Executor, queryRows } from '../db/connection.js';
import { claimedJob, jobInsertSql, type NewJob } from '../db/queue/enqueue-job.js';
import type { Job } from '../db/queue/job.js';
import { jobsChannel } from '../db/queue/notify-jobs.js';
import type { StatusSource } from '../db/schema.js';
import { supersedeOlderPostbacksSql } from '../db/sql/supersede-older-postbacks.js';
import type { IdSource } from '../ids.js';
import { type LeadRow, leadFromRow } from '../leads/lead-repository.js';
import { postbackAttempts } from '../metrics.js';
import { postbackJobFor } from '../postbacks/postback-job.js';

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
  | {
      kind: 'changed';
      label: string | null;
      previousLabel: string | null;
      postbackId: string | null;
      /** The postback job, when it was queued already claimed (`claimPostbackFor`): the caller runs it. */
      claimedPostback: Job | null;
    };

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
  options: {
    /**
     * Queue the postback claimed by this worker, so it can be sent as soon as the transaction commits,
     * in the same worker slot (no NOTIFY, no claim). The lease covers a crash before it is sent.
     */
    claimPostbackFor?: { workerId: string; leaseUntil: Date };
    /**
     * The caller's own writes for this transaction, as data-modifying CTEs each followed by a comma
     * (`name as (...),`): run in the statement that locks the lead, one round trip fewer.
     */
    alongside?: SQL;
  } = {},
): Promise<StatusChangeResult> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const label = campaign.statusMap[observation.statusId] ?? null;
  // Lock and re-read the lead (two workers applying changes to one order must see each other's result,
  // or an older status could overwrite a newer one) and record the observation, in one statement.
  const [locked] = await queryRows(
    tx,
    sql`with ${options.alongside ?? sql``} lead as (select * from leads where id = ${staleLead.id} for update),
      recorded as (
        insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at, recorded_at)
        select id, ${observation.statusId}, ${label}, ${observation.comment}, ${observation.source},
          ${observation.changedAt.toISOString()}, ${at} from lead
        on conflict do nothing
        returning id)
      select lead.*, (select id from recorded) as history_id from lead`,
  );
  if (!locked) throw new Error(`lead ${staleLead.id} disappeared`);
  const lead = leadFromRow(locked);
  if (locked.history_id === null || locked.history_id === undefined) return { kind: 'duplicate' };
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
  const updateLead = sql`update leads set status_id = ${observation.statusId}, label = ${label}, comment = ${comment},
      status_changed_at = ${observation.changedAt.toISOString()}, updated_at = ${at}
    where id = ${lead.id}`;
  if (lead.statusId === observation.statusId && previousLabel === label) {
    // The status we already hold, now with SalesRender's own timestamp (and maybe a new comment).
    await tx.execute(sql`with updated as (${updateLead}),
      audited as (${deps.audit.insert({
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
      })})
      select 1`);
    return { kind: 'unchanged' };
  }

  let postbackJob: NewJob | null = null;
  let queuePostback = sql``;
  if (label && label !== previousLabel && lead.orderId) {
    postbackJob = postbackJobFor(
      campaign,
      lead,
      {
        orderId: lead.orderId,
        statusId: observation.statusId,
        label,
        comment,
        changedAt: observation.changedAt,
        seq: Number(locked.history_id),
        dedupeKey: `postback:${lead.id}:${locked.history_id}`,
      },
      { ids: deps.ids, now, claimFor: options.claimPostbackFor },
    );
  }
  const postbackId = postbackJob?.id ?? null;
  if (postbackJob) {
    // The lead's older postbacks still waiting are never sent: this one carries the newer status.
    queuePostback = sql`queued as (${jobInsertSql(postbackJob, now)} returning id),
      superseded as (${supersedeOlderPostbacksSql({ leadId: lead.id, newJobId: postbackJob.id, at: now })}),`;
  }
  // Label, outbox job and audit in one statement. An unclaimed job is announced by NOTIFY, which reaches
  // workers when the transaction commits; a claimed one is the caller's to run.
  const wake = postbackJob && !postbackJob.claimFor && !postbackJob.skippedBecause;
  const [written] = await queryRows(
    tx,
    sql`with updated as (${updateLead}),
    ${queuePostback}
    audited as (${deps.audit.insert({
      ...base,
      event: 'status.changed',
      actor: observation.source,
      outcome: label
        ? postbackJob?.skippedBecause
          ? 'postback_skipped'
          : postbackId
            ? 'postback_queued'
            : 'no_postback'
        : 'unmapped_status',
      detail: {
        status_id: observation.statusId,
        label,
        previous_label: previousLabel,
        comment,
        changed_at: observation.changedAt.toISOString(),
        postback_id: postbackId,
        ...(postbackJob?.skippedBecause ? { postback_skipped: postbackJob.skippedBecause } : {}),
      },
    })})
    select ${postbackJob ? sql`(select count(*) from queued)::int` : sql`0`} as queued,
      ${postbackJob ? sql`(select count(*) from superseded)::int` : sql`0`} as superseded
      ${wake ? sql`, pg_notify(${jobsChannel}, '')` : sql``}`,
  );
  if (postbackJob?.skippedBecause && Number(written?.queued) === 1)
    postbackAttempts.inc({ outcome: 'skipped' });
  if (Number(written?.superseded) > 0)
    postbackAttempts.inc({ outcome: 'superseded' }, Number(written?.superseded));
  const claimedPostback =
    postbackJob?.claimFor && Number(written?.queued) === 1
      ? claimedJob({ ...postbackJob, claimFor: postbackJob.claimFor })
      : null;
  return { kind: 'changed', label, previousLabel, postbackId, claimedPostback };
}
