// Writes an order's creation: the lead's new state, its first status history entry and the audit rows, in one statement.
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import type { Orm } from '../db/connection.js';
import type { NewJob } from '../db/queue/enqueue-job.js';
import type { Job } from '../db/queue/job.js';
import { recordOrderCreatedByJob as recordOrderCreatedByJobStatement } from '../db/sql/record-order-created-by-job.js';
import { recordOrdersCreated as recordOrdersCreatedStatement } from '../db/sql/record-orders-created.js';
import { executeSql } from '../db/sql/statement.js';
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

/** Records `records` in one statement; answers the ids of the leads recorded (src/db/sql/record-orders-created.ts). */
export async function recordOrdersCreated(
  db: Orm,
  audit: AuditWriter,
  records: OrderCreatedRecord[],
): Promise<Set<string>> {
  const rows = await executeSql(db, recordOrdersCreatedStatement, {
    orders: records,
    auditRows: audit.batchJson(records.flatMap((record) => record.entries.map((entry) => ({ entry })))),
  });
  return new Set(rows.map((row) => row.leadId));
}

/** Records the order a create_order job made, completing the job, in one statement. */
export async function recordOrderCreatedByJob(
  db: Orm,
  audit: AuditWriter,
  record: OrderCreatedRecord,
  job: Job,
): Promise<void> {
  await executeSql(db, recordOrderCreatedByJobStatement, {
    order: record,
    job,
    auditRows: audit.batchJson(record.entries.map((entry) => ({ entry }))),
  });
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
