// The console's audit search: newest first, filtered by campaign, lead, order, event and period, paged by id.
import { and, desc, eq, gte, like, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { auditLog } from '../db/schema.js';
import type { AuditFilter } from './audit-export.js';

export interface AuditSearch extends AuditFilter {
  orderId?: string;
  /** An event name, or a prefix ending in `.` (`postback.`) for a family of events. */
  event?: string;
  /** Continue with rows older than this id. */
  beforeId?: number;
}

export async function searchAudit(db: Executor, search: AuditSearch, pageSize = 100) {
  const conditions: SQL[] = [];
  if (search.campaignId) conditions.push(eq(auditLog.campaignId, search.campaignId));
  if (search.leadId) conditions.push(eq(auditLog.leadId, search.leadId));
  if (search.orderId) conditions.push(eq(auditLog.orderId, search.orderId));
  if (search.event)
    conditions.push(
      search.event.endsWith('.')
        ? like(auditLog.event, `${search.event}%`)
        : eq(auditLog.event, search.event),
    );
  if (search.from) conditions.push(gte(auditLog.at, search.from));
  if (search.to) conditions.push(lt(auditLog.at, search.to));
  if (search.beforeId) conditions.push(lt(auditLog.id, search.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize);
  return { rows: page, nextBeforeId: rows.length > pageSize ? (page.at(-1)?.id ?? null) : null };
}
