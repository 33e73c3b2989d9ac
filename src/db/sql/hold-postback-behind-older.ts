// Puts a running postback back to wait for an older one of its lead that is being sent, if one still is.
import { defineStatement } from './statement.js';

/** The `last_error` of a postback waiting for an older one; what release-held-postbacks.ts looks for to release it. */
export const waitingForOlderPostback = 'waiting for an older postback of the lead';

export interface HoldPostbackBehindOlderInput {
  job: { id: string; lockedBy: string | null; leadId: string | null };
  /** Its partner endpoint (null: the campaign's own postback) and its place in the lead's sequence. */
  endpointId: string | null;
  seq: number;
  at: Date;
  nextAttemptAt: Date;
}

/**
 * Waits without counting an attempt, but only while an older postback to the same endpoint is still
 * claimed with a live lease: the check and the wait are one statement, so an older one that ended since
 * the caller looked (superseded, or answered) does not leave this one waiting for nothing. No row: the
 * older one is gone, send now.
 *
 * The older row is read `for share`: while its worker's statement that ends it (supersede-postback.ts,
 * record-postback-attempt.ts) is uncommitted, this one waits for it and then reads the ended row, so it
 * does not wait; and once this one holds the row, that statement waits until this wait is committed, and
 * then releases it (release-held-postbacks.ts). Either way, the two statements never both miss each
 * other. The older row is locked before this one's own, the order every statement here keeps.
 */
export const holdPostbackBehindOlder = defineStatement<HoldPostbackBehindOlderInput, { id: string }>({
  name: 'hold_postback_behind_older',
  text: `update jobs set state = 'pending', attempts = greatest(attempts - 1, 0), next_attempt_at = $3::timestamptz,
      finished_at = null, locked_until = null, locked_by = null, last_error = $8::text,
      last_http_status = null, updated_at = $2::timestamptz
    where id = $1::text and state = 'running' and locked_by = $4::text
      and exists (select 1 from jobs older where older.kind = 'postback' and older.lead_id = $5::text
        and older.id <> $1::text and older.payload->>'endpoint_id' is not distinct from $6::text
        and coalesce((older.payload->>'seq')::bigint, -1) < $7::bigint and older.state = 'running'
        and older.locked_until > $2::timestamptz for share)
    returning id`,
  values: (input) => [
    input.job.id,
    input.at.toISOString(),
    input.nextAttemptAt.toISOString(),
    input.job.lockedBy ?? '',
    input.job.leadId ?? '',
    input.endpointId,
    input.seq,
    waitingForOlderPostback,
  ],
  row: (raw) => ({ id: raw.id as string }),
});
