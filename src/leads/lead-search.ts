// The operator's lead search: filters by campaign, partner, label, period, click id, phone, order id; newest first.
import { and, desc, eq, lt, or } from 'drizzle-orm';
import { type LeadFilter, leadConditions } from '../audit/lead-export.js';
import type { Executor } from '../db/connection.js';
import { leads } from '../db/schema.js';
import type { LeadRow } from './lead-repository.js';

export interface LeadSearch extends LeadFilter {
  partnerId?: string;
  label?: string;
  clickId?: string;
  /** Matched as E.164: whatever is typed, only `+` and digits count. */
  phone?: string;
  orderId?: string;
  /** Keyset cursor: continue with rows older than this one (`<created_at ISO>|<lead id>`). */
  before?: string;
}

export interface LeadPage {
  leads: LeadRow[];
  /** Cursor for the next (older) page, or null at the end. */
  next: string | null;
}

const cursorOf = (row: LeadRow) => `${row.createdAt.toISOString()}|${row.id}`;

function parseCursor(cursor: string): { at: Date; id: string } | null {
  const [at, id] = cursor.split('|');
  const date = at ? new Date(at) : null;
  return date && id && !Number.isNaN(date.getTime()) ? { at: date, id } : null;
}

export async function searchLeads(db: Executor, search: LeadSearch, pageSize = 50): Promise<LeadPage> {
  const conditions = leadConditions(search);
  if (search.partnerId) conditions.push(eq(leads.partnerId, search.partnerId));
  if (search.label) conditions.push(eq(leads.label, search.label));
  if (search.clickId) conditions.push(eq(leads.clickId, search.clickId));
  if (search.orderId) conditions.push(eq(leads.orderId, search.orderId));
  if (search.phone) {
    const digits = search.phone.replace(/\D/g, '');
    if (digits) conditions.push(eq(leads.phone, `+${digits}`));
  }
  const cursor = search.before ? parseCursor(search.before) : null;
  if (cursor) {
    const older = or(
      lt(leads.createdAt, cursor.at),
      and(eq(leads.createdAt, cursor.at), lt(leads.id, cursor.id)),
    );
    if (older) conditions.push(older);
  }
  const rows = await db
    .select()
    .from(leads)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(leads.createdAt), desc(leads.id))
    .limit(pageSize + 1);
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return { leads: page, next: rows.length > pageSize && last ? cursorOf(last) : null };
}
