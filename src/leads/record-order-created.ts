// Writes an order's creation: the lead's new state, its first status history entry and the audit rows, in one statement.
import { type SQL, sql } from 'drizzle-orm';
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import type { Executor } from '../db/connection.js';
import { StatementBatcher } from '../db/statement-batcher.js';

export interface OrderCreatedRecord {
  leadId: string;
  orderId: string;
  /** The CRM's initial status (null for the CPA module: no history entry then). */
  statusId: string | null;
  label: string;
  at: Date;
  /** The SalesRender exchange rows and the `order.created` row, in this order. */
  entries: AuditEntry[];
}

/**
 * One lead's creation as one statement (atomic as a transaction). `extra` adds a CTE that belongs with
 * it (the worker's job completion). The history entry is on our clock; statusChangedAt stays null so
 * that only SalesRender's own timestamps are ever compared with each other.
 */
export function orderCreatedSql(audit: AuditWriter, record: OrderCreatedRecord, extra?: SQL): SQL {
  const at = record.at.toISOString();
  const { leadId, orderId, statusId, label } = record;
  return sql`with created_lead as (
      update leads set state = 'created', order_id = ${orderId}, status_id = ${statusId}, label = ${label},
        error_code = null, error_message = null, inline_lease_until = null, updated_at = ${at}
      where id = ${leadId}),
    ${extra ? sql`extra as (${extra}),` : sql``}
    ${
      statusId
        ? sql`first_status as (insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at, recorded_at)
            values (${leadId}, ${statusId}, ${label}, null, 'created', ${at}, ${at}) on conflict do nothing),`
        : sql``
    }
    audited as (${audit.insertMany(record.entries)})
    select 1`;
}

/** Several leads' creations as one statement whose text does not depend on their number (arrays). */
export function ordersCreatedSql(audit: AuditWriter, records: OrderCreatedRecord[]): SQL {
  const column = <T>(pick: (record: OrderCreatedRecord) => T) => sql.param(records.map(pick));
  return sql`with created (id, order_id, status_id, label, at) as (
      select * from unnest(${column((r) => r.leadId)}::text[], ${column((r) => r.orderId)}::text[],
        ${column((r) => r.statusId)}::text[], ${column((r) => r.label)}::text[],
        ${column((r) => r.at.toISOString())}::timestamptz[])),
    created_lead as (
      update leads set state = 'created', order_id = created.order_id, status_id = created.status_id,
        label = created.label, error_code = null, error_message = null, inline_lease_until = null,
        updated_at = created.at
      from created where leads.id = created.id),
    first_status as (insert into lead_status_history (lead_id, status_id, label, comment, source, changed_at, recorded_at)
      select id, status_id, label, null, 'created', at, at from created where status_id is not null
      on conflict do nothing),
    audited as (${audit.insertBatch(records.flatMap((record) => record.entries.map((entry) => ({ entry }))))})
    select 1`;
}

export type OrderCreatedWriter = StatementBatcher<OrderCreatedRecord, void>;

/**
 * The intake's writer of created orders: under load, the creations of concurrent leads share one
 * statement and one commit (fewer round trips for LeadBridge and less work per lead for PostgreSQL).
 */
export function createOrderCreatedWriter(
  db: Executor,
  audit: AuditWriter,
  options: { maxBatch?: number; maxInFlight?: number } = {},
): OrderCreatedWriter {
  return new StatementBatcher<OrderCreatedRecord, void>({
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 4,
    runOne: async (record) => {
      await db.execute(orderCreatedSql(audit, record));
    },
    runBatch: async (records) => {
      await db.execute(ordersCreatedSql(audit, records));
      return records.map(() => undefined);
    },
  });
}
