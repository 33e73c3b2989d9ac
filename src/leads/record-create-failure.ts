// Records a failed create attempt: held (schema fault), retried (transient), or rejected (the lead's own).
import type { AuditEntry } from '../audit/audit-writer.js';
import type { Campaign } from '../campaigns/campaign.js';
import type { Executor } from '../db/connection.js';
import { failJob, holdJob, retryOrFailJob } from '../db/queue/finish-job.js';
import { type Job, retryDelayMs } from '../db/queue/job.js';
import { insertJob } from '../db/sql/insert-job.js';
import { markCreateInDoubt } from '../db/sql/mark-create-in-doubt.js';
import { setLeadAfterFailure as setLeadAfterFailureStatement } from '../db/sql/set-lead-after-failure.js';
import { executeSql } from '../db/sql/statement.js';
import type { SalesRenderError } from '../salesrender/errors.js';
import {
  type CreateOrderDeps,
  type CreateOrderOutcome,
  createOrderRetrySchedule,
} from './create-order-job.js';
import type { LeadRow } from './lead-repository.js';
import { holdInlineLease, type InlineAttempt, jobAfterFailedInlineAttempt } from './lead-write-protocol.js';
import { isInDoubt } from './settle-in-doubt-create.js';

/** How long a lead held for a schema fault waits between attempts (until a check passes or the campaign changes). */
export const schemaFaultRetryMs = 5 * 60_000;

/** The lead's state after a failed attempt, with the error, and its inline lease cleared. */
async function setLeadAfterFailure(
  tx: Executor,
  lead: LeadRow,
  state: LeadRow['state'],
  error: SalesRenderError,
  now: Date,
): Promise<LeadRow | undefined> {
  const [updated] = await executeSql(tx, setLeadAfterFailureStatement, {
    leadId: lead.id,
    state,
    errorCode: error.code,
    errorMessage: error.message,
    now,
  });
  return updated;
}

/** Rolls back a failure's record when the inline attempt no longer holds its lead. */
class InlineLeasePassed extends Error {}

/**
 * Records a failed attempt's outcome with its exchange's audit rows, in one transaction. An inline attempt
 * records it only while the lead is still leased to it (lead-write-protocol.ts, step 3); otherwise nothing
 * is written and `lease_passed` is answered (the caller audits the call: the sweep's job owns the lead).
 */
export async function recordCreateFailure(
  deps: CreateOrderDeps,
  job: Job<'create_order'>,
  lead: LeadRow,
  campaign: Campaign,
  error: SalesRenderError,
  requestId: string | null,
  exchangeEntries: AuditEntry[],
  inline: InlineAttempt | null,
  attemptStartedAt: Date,
): Promise<CreateOrderOutcome | 'lease_passed'> {
  try {
    return await recordFailure();
  } catch (caught) {
    if (caught instanceof InlineLeasePassed) return 'lease_passed';
    throw caught;
  }

  async function recordFailure(): Promise<CreateOrderOutcome> {
    const { db, clock, audit } = deps;
    const inDoubt = isInDoubt(error);
    return db.transaction(async (tx) => {
      if (inline && !(await holdInlineLease(tx, lead.id))) throw new InlineLeasePassed();
      if (exchangeEntries.length > 0) await audit.writeMany(tx, exchangeEntries);
      const now = clock.now();
      // The inline attempt's job is written as it ran, so the usual outcome below applies to it; the lead's
      // inline lease is cleared with the outcome (lead-write-protocol.ts, step 3). An in-doubt call is noted
      // on the job, so the next attempt looks for the order it may have made before sending again.
      if (inline) {
        const job = jobAfterFailedInlineAttempt(inline, inDoubt ? attemptStartedAt : null);
        await executeSql(tx, insertJob, { job, now });
      } else if (inDoubt) {
        await executeSql(tx, markCreateInDoubt, { jobId: job.id, since: attemptStartedAt });
      }
      const detail = {
        attempt: job.attempts,
        code: error.code,
        sr_code: error.details.srCode ?? null,
        message: error.message,
        ...(inDoubt ? { in_doubt: true } : {}),
      };
      if (error.code === 'SR_SCHEMA_FAULT') {
        if (error.details.httpStatus !== undefined && campaign.module === 'crm') {
          const sr = campaign.salesrender;
          const token = deps.cipher.decrypt(campaign.tokenEncrypted);
          deps.schemas.refreshSoon({ baseUrl: sr.baseUrl, companyId: sr.companyId, token });
        }
        // The operator's to fix, not the lead's: held without using up its attempts, tried again every few
        // minutes, and released at once when a check passes or the campaign changes (release-held-leads.ts).
        await holdJob(tx, job, {
          now,
          delayMs: schemaFaultRetryMs,
          error: `${error.code}: ${error.message}`,
        });
        const updated = await setLeadAfterFailure(tx, lead, 'queued', error, now);
        await audit.write(tx, {
          event: 'order.held',
          requestId,
          campaignId: campaign.id,
          leadId: lead.id,
          actor: 'leadbridge',
          outcome: 'held',
          detail: {
            ...detail,
            reason: 'salesrender_schema',
            next_attempt_at: new Date(now.getTime() + schemaFaultRetryMs).toISOString(),
          },
        });
        return { kind: 'queued' as const, lead: updated ?? lead };
      }
      if (error.transient) {
        const delayMs = Math.max(
          retryDelayMs(createOrderRetrySchedule, job.attempts, deps.random),
          error.details.retryAfterMs ?? 0,
        );
        const state = await retryOrFailJob(tx, job, {
          now,
          delayMs,
          error: `${error.code}: ${error.message}`,
          httpStatus: error.details.httpStatus,
        });
        const updated = await setLeadAfterFailure(
          tx,
          lead,
          state === 'failed' ? 'failed' : 'queued',
          error,
          now,
        );
        await audit.write(tx, {
          event: state === 'failed' ? 'order.failed' : 'order.retry_scheduled',
          requestId,
          campaignId: campaign.id,
          leadId: lead.id,
          actor: 'leadbridge',
          outcome: state === 'failed' ? 'failed' : 'retry',
          detail: {
            ...detail,
            next_attempt_at: state === 'failed' ? null : new Date(now.getTime() + delayMs).toISOString(),
          },
        });
        return state === 'failed'
          ? { kind: 'failed' as const, lead: updated ?? lead, error }
          : { kind: 'queued' as const, lead: updated ?? lead };
      }
      await failJob(tx, job, {
        now,
        error: `${error.code}: ${error.message}`,
        httpStatus: error.details.httpStatus,
      });
      const updated = await setLeadAfterFailure(tx, lead, 'rejected', error, now);
      await audit.write(tx, {
        event: 'order.rejected',
        requestId,
        campaignId: campaign.id,
        leadId: lead.id,
        actor: 'leadbridge',
        outcome: 'rejected',
        detail,
      });
      return { kind: 'rejected' as const, lead: updated ?? lead, error };
    });
  }
}
