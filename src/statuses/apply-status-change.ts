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
import {
  loadPartnerPostbackSetup,
  noPartnerSetup,
  type PartnerPostbackSetup,
} from '../postbacks/partner-postback-setup.js';
import { type Payout, payoutInForce } from '../postbacks/payout-in-force.js';
import { postbackJobsFor } from '../postbacks/postback-job.js';

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
      /** The first postback queued (the campaign's own when it wants one), for the caller's report. */
      postbackId: string | null;
      /** Every postback queued: the campaign's own and each partner endpoint's. */
      postbackIds: string[];
      /** The postback job, when it was queued already claimed (`claimPostbackFor`): the caller runs it. */
      claimedPostback: Job | null;
    };

export interface StatusChangeDeps {
  clock: Clock;
  ids: IdSource;
  audit: AuditWriter;
  /** Cached reads of a partner's payouts and endpoints on a campaign; without it they are read in `tx`. */
  lookups?: {
    partnerPostbackSetup(
      partnerId: string,
      campaignId: string,
      executor: Executor,
    ): Promise<PartnerPostbackSetup>;
  };
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
  const setup = !label
    ? noPartnerSetup
    : lead.partnerId
      ? await (deps.lookups?.partnerPostbackSetup(lead.partnerId, campaign.id, tx) ??
          loadPartnerPostbackSetup(tx, lead.partnerId, campaign.id))
      : noPartnerSetup;
  // The payout in force now is recorded with the change: a rate edited later never rewrites it.
  const payout: Payout | null = label ? payoutInForce(campaign, setup.payouts, lead.country, label) : null;
  const recordPayout = sql`paid as (update lead_status_history
      set payout_minor = ${payout?.minor ?? null}::bigint, payout_currency = ${payout ? payout.currency : null}::text
      where id = ${Number(locked.history_id)}),`;
  const updateLead = sql`update leads set status_id = ${observation.statusId}, label = ${label}, comment = ${comment},
      status_changed_at = ${observation.changedAt.toISOString()}, updated_at = ${at}
    where id = ${lead.id}`;
  if (lead.statusId === observation.statusId && previousLabel === label) {
    // The status we already hold, now with SalesRender's own timestamp (and maybe a new comment).
    await tx.execute(sql`with updated as (${updateLead}),
      ${recordPayout}
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

  const postbackJobs: NewJob<'postback'>[] =
    label && label !== previousLabel && lead.orderId
      ? postbackJobsFor(
          campaign,
          setup.endpoints,
          lead,
          {
            orderId: lead.orderId,
            statusId: observation.statusId,
            label,
            comment,
            changedAt: observation.changedAt,
            seq: Number(locked.history_id),
            dedupeKey: `postback:${lead.id}:${locked.history_id}`,
            ...(payout ? { payout } : {}),
          },
          { ids: deps.ids, now, claimFor: options.claimPostbackFor },
        )
      : [];
  const postbackJob = postbackJobs[0] ?? null;
  const postbackId = postbackJob?.id ?? null;
  // Each postback's older ones of its endpoint still waiting are never sent: it carries the newer status.
  const queuePostback = sql.join(
    postbackJobs.map(
      (job, index) => sql`${sql.raw(`queued_${index}`)} as (${jobInsertSql(job, now)} returning id),
      ${sql.raw(`superseded_${index}`)} as (${supersedeOlderPostbacksSql({
        leadId: lead.id,
        newJobId: job.id,
        endpointId: job.payload.endpoint_id ?? null,
        at: now,
      })}),`,
    ),
  );
  const count = (name: string) =>
    postbackJobs.length
      ? sql.raw(postbackJobs.map((_, index) => `(select count(*) from ${name}_${index})`).join(' + '))
      : sql.raw('0');
  // Label, outbox jobs and audit in one statement. An unclaimed job is announced by NOTIFY, which reaches
  // workers when the transaction commits; a claimed one is the caller's to run.
  const wake = postbackJobs.some((job) => !job.claimFor && !job.skippedBecause);
  const [written] = await queryRows(
    tx,
    sql`with updated as (${updateLead}),
    ${recordPayout}
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
        payout: payout?.minor ?? null,
        currency: payout?.currency ?? null,
        postback_id: postbackId,
        ...(postbackJobs.length > 1 ? { postback_ids: postbackJobs.map((job) => job.id) } : {}),
        ...(postbackJob?.skippedBecause ? { postback_skipped: postbackJob.skippedBecause } : {}),
      },
    })})
    select (${count('queued')})::int as queued, (${count('superseded')})::int as superseded
      ${wake ? sql`, pg_notify(${jobsChannel}, '')` : sql``}`,
  );
  const skipped = postbackJobs.filter((job) => job.skippedBecause).length;
  if (skipped > 0 && Number(written?.queued) === postbackJobs.length)
    postbackAttempts.inc({ outcome: 'skipped' }, skipped);
  if (Number(written?.superseded) > 0)
    postbackAttempts.inc({ outcome: 'superseded' }, Number(written?.superseded));
  const claimedPostback =
    postbackJob?.claimFor && Number(written?.queued) === postbackJobs.length
      ? claimedJob({ ...postbackJob, claimFor: postbackJob.claimFor })
      : null;
  return {
    kind: 'changed',
    label,
    previousLabel,
    postbackId,
    postbackIds: postbackJobs.map((job) => job.id),
    claimedPostback,
  };
}
