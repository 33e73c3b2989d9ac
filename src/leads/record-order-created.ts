// Writes an order's creation: the lead's new state, its first status history entry and the audit rows, in one statement.
import { type SQL, sql } from 'drizzle-orm';
import { type AuditEntry, type AuditWriter, auditBatchInsertText } from '../audit/audit-writer.js';
import { type Orm, queryText } from '../db/connection.js';
import { jobInsertSql, type NewJob } from '../db/queue/enqueue-job.js';
import { jobsChannel } from '../db/queue/notify-jobs.js';
import { StatementBatcher } from '../db/statement-batcher.js';
import type { Payout } from '../postbacks/payout-in-force.js';

export interface OrderCreatedRecord {
  leadId: string;
  orderId: string;
  /** The CRM's initial status (null for the CPA module: no history entry then). */
  statusId: string | null;
  label: string;
  at: Date;
  /** The SalesRender exchange rows and the `order.created` row, in this order. */
  entries: AuditEntry[];
  /** The payout in force for the starting label, recorded in the first history entry. */
  payout: Payout | null;
  /**
   * The postbacks for the label the order starts with (a tracker's `lead`/hold): the campaign's own when
   * it wants one, and each of the lead's partner endpoints that does.
   */
  postbacks: NewJob[];
}

/**
 * One lead's creation together with its worker job's completion (`jobDone`), as one statement (atomic as a
 * transaction): the worker's retries. The intake's inline attempts have no job row and use the shared
 * statement below. The history entry is on our clock; statusChangedAt stays null so that only
 * SalesRender's own timestamps are ever compared with each other.
 */
export function orderCreatedSql(audit: AuditWriter, record: OrderCreatedRecord, jobDone: SQL): SQL {
  const at = record.at.toISOString();
  const { leadId, orderId, statusId, label } = record;
  return sql`with created_lead as (
      update leads set state = 'created', order_id = ${orderId}, status_id = ${statusId}, label = ${label},
        error_code = null, error_message = null, inline_lease_until = null, updated_at = ${at}
      where id = ${leadId}),
    finished_job as (${jobDone}),
    ${
      statusId
        ? sql`first_status as (insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at,
              recorded_at, payout_minor, payout_currency)
            values (${leadId}, ${statusId}, ${label}, null, 'created', ${at}, ${at}, ${record.payout?.minor ?? null}::bigint,
              ${record.payout?.currency ?? null}::text) on conflict do nothing),`
        : sql``
    }
    ${sql.join(
      record.postbacks.map(
        (postback, index) => sql`${sql.raw(`postback_${index}`)} as (${jobInsertSql(postback, record.at)}),`,
      ),
    )}
    audited as (${audit.insertMany(record.entries)})
    select 1${record.postbacks.some((postback) => !postback.skippedBecause) ? sql`, pg_notify(${jobsChannel}, '')` : sql``}`;
}

/**
 * Several leads' creations in one statement whose text never changes: $1 the creations as JSON, $2 the
 * audit rows (audit batchJson), $3 the postbacks. One JSON parameter rather than arrays, so PostgreSQL
 * plans it once (see store-lead.ts). Answers the ids of the leads it recorded.
 *
 * Only a lead still held by its inline attempt is recorded (`queued`, its inline lease not yet taken by
 * the sweep in recover-inline-attempts.ts); its history entry and postback hang off that update. A lead
 * the sweep has handed to a worker job is the job's: the job looks the order up as an in-doubt create.
 * This matters when the record comes late (the database was away: record-created-order-later.ts), or a
 * SalesRender call outlived its lease; the audit rows are written either way (the call did happen).
 *
 * The leads are found by `id = any(array(...))` on top of the join: PostgreSQL guesses 100 rows for any
 * json_to_recordset, and joining 100 rows to a leads table of 15,000 it chose a hash join over a full scan
 * of leads, so every creation read the whole table, costing more as the table grows. An array
 * condition is planned as an index lookup on the primary key whatever the table's size
 * (test/integration/hot-statement-plans.test.ts). A plan made while the table was nearly empty still
 * scans it, until an ANALYZE (autovacuum's) re-plans the statement: README, operations.
 */
export const ordersCreatedText = `with created as (
    select * from json_to_recordset($1::json) as created (id text, order_id text, status_id text, label text,
      at timestamptz, payout_minor bigint, payout_currency text)),
  created_lead as (
    update leads set state = 'created', order_id = created.order_id, status_id = created.status_id,
      label = created.label, error_code = null, error_message = null, inline_lease_until = null,
      updated_at = created.at
    from created where leads.id = created.id and leads.id = any (array(select id from created))
      and leads.state = 'queued' and leads.inline_lease_until is not null
    returning leads.id),
  first_status as (insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at,
      recorded_at, payout_minor, payout_currency)
    select id, status_id, label, null, 'created', at, at, payout_minor, payout_currency from created
    where status_id is not null and id in (select id from created_lead)
    on conflict do nothing),
  audited as (${auditBatchInsertText('$2')}),
  postbacks as (
    insert into jobs (id, kind, campaign_id, lead_id, payload, state, attempts, max_attempts, next_attempt_at,
      dedupe_key, last_error, finished_at, created_at, updated_at)
    select id, 'postback', campaign_id, lead_id, payload, state, 0, max_attempts, at, dedupe_key, last_error,
      case when state = 'skipped' then at end, at, at
    from json_to_recordset($3::json) as postback (id text, campaign_id text, lead_id text, payload jsonb,
      state text, max_attempts int, at timestamptz, dedupe_key text, last_error text)
    where lead_id in (select id from created_lead)
    on conflict do nothing
    returning state),
  notified as (
    select pg_notify('${jobsChannel}', '') from (select 1) as one
    where exists (select 1 from postbacks where state = 'pending'))
  select id, (select count(*) from notified) as notified from created_lead`;

/** Records `records` in one statement; answers the ids of the leads recorded (see `ordersCreatedText`). */
export async function recordOrdersCreated(
  db: Orm,
  audit: AuditWriter,
  records: OrderCreatedRecord[],
): Promise<Set<string>> {
  const created = records.map((record) => ({
    id: record.leadId,
    order_id: record.orderId,
    status_id: record.statusId,
    label: record.label,
    at: record.at.toISOString(),
    payout_minor: record.payout?.minor ?? null,
    payout_currency: record.payout?.currency ?? null,
  }));
  const auditRows = records.flatMap((record) => record.entries.map((entry) => ({ entry })));
  const postbacks = records.flatMap(({ postbacks, at }) =>
    postbacks.map((postback) => ({
      id: postback.id,
      campaign_id: postback.campaignId,
      lead_id: postback.leadId,
      payload: postback.payload,
      state: postback.skippedBecause ? 'skipped' : 'pending',
      max_attempts: postback.maxAttempts,
      at: at.toISOString(),
      dedupe_key: postback.dedupeKey,
      last_error: postback.skippedBecause ?? null,
    })),
  );
  const rows = await queryText(db, ordersCreatedText, [
    JSON.stringify(created),
    audit.batchJson(auditRows),
    JSON.stringify(postbacks),
  ]);
  return new Set(rows.map((row) => String(row.id)));
}

/** Answers, per record, whether the lead was recorded (false: the sweep had taken it, see above). */
export type OrderCreatedWriter = StatementBatcher<OrderCreatedRecord, boolean>;

/**
 * The intake's writer of created orders: under load, the creations of concurrent leads share one
 * statement and one commit (fewer round trips for LeadBridge and less work per lead for PostgreSQL).
 */
export function createOrderCreatedWriter(
  db: Orm,
  audit: AuditWriter,
  options: {
    maxBatch?: number;
    maxInFlight?: number;
    /** Why a shared statement failed before its items were written one by one (see StatementBatcher). */
    onBatchError?: (error: unknown, items: number) => void;
  } = {},
): OrderCreatedWriter {
  return new StatementBatcher<OrderCreatedRecord, boolean>({
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 4,
    onBatchError: options.onBatchError,
    runOne: async (record) => (await recordOrdersCreated(db, audit, [record])).has(record.leadId),
    runBatch: async (records) => {
      const recorded = await recordOrdersCreated(db, audit, records);
      return records.map((record) => recorded.has(record.leadId));
    },
  });
}
