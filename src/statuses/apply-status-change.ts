// What a status change does, from any source (webhook, reconciliation, advertiser): history, label, postback.
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import type { Campaign } from '../campaigns/campaign.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { claimedJob, type NewJob } from '../db/queue/enqueue-job.js';
import type { Job } from '../db/queue/job.js';
import type { StatusSource } from '../db/schema.js';
import { recordStatusChange } from '../db/sql/record-status-change.js';
import { recordStatusObservation } from '../db/sql/record-status-observation.js';
import { executeSql } from '../db/sql/statement.js';
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
     * The job that observed the status and its audit rows: the job is completed (while its worker still
     * holds it) and the rows written by the statement that locks the lead, one round trip fewer.
     */
    observedBy?: { job: Job; at: Date; entries: AuditEntry[] };
  } = {},
): Promise<StatusChangeResult> {
  const now = deps.clock.now();
  const label = campaign.statusMap[observation.statusId] ?? null;
  // Lock and re-read the lead (two workers applying changes to one order must see each other's result,
  // or an older status could overwrite a newer one) and record the observation, in one statement.
  const observedBy = options.observedBy;
  const [locked] = await executeSql(tx, recordStatusObservation, {
    leadId: staleLead.id,
    statusId: observation.statusId,
    label,
    comment: observation.comment,
    source: observation.source,
    changedAt: observation.changedAt,
    recordedAt: now,
    finishJob: observedBy
      ? { id: observedBy.job.id, lockedBy: observedBy.job.lockedBy, at: observedBy.at }
      : null,
    auditRows: deps.audit.batchJson((observedBy?.entries ?? []).map((entry) => ({ entry }))),
  });
  if (!locked) throw new Error(`lead ${staleLead.id} disappeared`);
  const lead = leadFromRow(locked.lead);
  const historyId = locked.historyId;
  if (historyId === null) return { kind: 'duplicate' };
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
  // The lead's new status, label and comment, the payout on the history entry, the postbacks and the audit
  // row: one statement whatever the outcome.
  const change = {
    leadId: lead.id,
    statusId: observation.statusId,
    label,
    comment,
    changedAt: observation.changedAt,
    at: now,
    historyId,
    payout,
  };
  if (lead.statusId === observation.statusId && previousLabel === label) {
    // The status we already hold, now with SalesRender's own timestamp (and maybe a new comment).
    await executeSql(tx, recordStatusChange, {
      ...change,
      postbacks: [],
      wake: false,
      auditRows: deps.audit.batchJson([
        {
          entry: {
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
          },
        },
      ]),
    });
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
            seq: historyId,
            dedupeKey: `postback:${lead.id}:${historyId}`,
            ...(payout ? { payout } : {}),
          },
          { ids: deps.ids, now, claimFor: options.claimPostbackFor },
        )
      : [];
  const postbackJob = postbackJobs[0] ?? null;
  const postbackId = postbackJob?.id ?? null;
  // An unclaimed job is announced by NOTIFY, which reaches workers when the transaction commits; a
  // claimed one is the caller's to run.
  const wake = postbackJobs.some((job) => !job.claimFor && !job.skippedBecause);
  const [written] = await executeSql(tx, recordStatusChange, {
    ...change,
    postbacks: postbackJobs,
    wake,
    auditRows: deps.audit.batchJson([
      {
        entry: {
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
        },
      },
    ]),
  });
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
