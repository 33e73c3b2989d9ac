// The console's audit search: newest first, filtered by campaign, lead, order, event and period, paged by id.
import { and, desc, eq, like, lt } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { auditLog } from '../db/schema.js';
import { type AuditFilter, auditConditions } from './audit-export.js';

export interface AuditSearch extends AuditFilter {
  orderId?: string;
  /** An event name, or a prefix ending in `.` (`postback.`) for a family of events. */
  event?: string;
  /** Continue with rows older than this id. */
  beforeId?: number;
}

export async function searchAudit(db: Executor, search: AuditSearch, pageSize = 100) {
  const conditions = auditConditions(search);
  if (search.orderId) conditions.push(eq(auditLog.orderId, search.orderId));
  if (search.event)
    conditions.push(
      search.event.endsWith('.')
        ? like(auditLog.event, `${search.event}%`)
        : eq(auditLog.event, search.event),
    );
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
