// Leads in the database: lookups that drive deduplication, and the summary buyers see.
import { and, desc, eq, gt, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { leads } from '../db/schema.js';
import type { LeadForOrder } from '../salesrender/order-input.js';

export type LeadRow = typeof leads.$inferSelect;

/** The INSERT for a new lead row, as an SQL fragment for a combined statement (see submitLead). */
export function leadInsertSql(row: LeadRow): SQL {
  return sql`insert into leads (id, campaign_id, partner_id, state, click_id, idempotency_key, phone, name, country,
      ip, user_agent, subs, extras, created_at, updated_at)
    values (${row.id}, ${row.campaignId}, ${row.partnerId}, ${row.state}, ${row.clickId}, ${row.idempotencyKey},
      ${row.phone}, ${row.name}, ${row.country}, ${row.ip}, ${row.userAgent}, ${JSON.stringify(row.subs)}::jsonb,
      ${JSON.stringify(row.extras)}::jsonb, ${row.createdAt.toISOString()}, ${row.updatedAt.toISOString()})`;
}

/** A `leads` row read with hand-written SQL (snake_case columns) in drizzle's shape. */
export function leadFromRow(row: Record<string, unknown>): LeadRow {
  const date = (value: unknown) =>
    value === null || value === undefined ? null : new Date(value as string | Date);
  const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? {}));
  return {
    id: row.id as string,
    campaignId: row.campaign_id as string,
    partnerId: (row.partner_id as string | null) ?? null,
    state: row.state as LeadRow['state'],
    clickId: (row.click_id as string | null) ?? null,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    phone: row.phone as string,
    name: (row.name as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    ip: (row.ip as string | null) ?? null,
    userAgent: (row.user_agent as string | null) ?? null,
    subs: json(row.subs),
    extras: json(row.extras),
    orderId: (row.order_id as string | null) ?? null,
    statusId: (row.status_id as string | null) ?? null,
    label: (row.label as string | null) ?? null,
    comment: (row.comment as string | null) ?? null,
    errorCode: (row.error_code as string | null) ?? null,
    errorMessage: (row.error_message as string | null) ?? null,
    statusChangedAt: date(row.status_changed_at),
    createdAt: date(row.created_at) ?? new Date(0),
    updatedAt: date(row.updated_at) ?? new Date(0),
  };
}

export async function findLeadById(db: Executor, id: string): Promise<LeadRow | null> {
  const [row] = await db.select().from(leads).where(eq(leads.id, id)).limit(1);
  return row ?? null;
}

export async function findLeadByIdempotencyKey(
  db: Executor,
  partnerId: string,
  key: string,
): Promise<LeadRow | null> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.partnerId, partnerId), eq(leads.idempotencyKey, key)))
    .limit(1);
  return row ?? null;
}

/** The live lead holding this click id in the campaign (a rejected one releases it). */
export async function findLeadByClickId(
  db: Executor,
  campaignId: string,
  clickId: string,
): Promise<LeadRow | null> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.campaignId, campaignId), eq(leads.clickId, clickId), ne(leads.state, 'rejected')))
    .limit(1);
  return row ?? null;
}

/**
 * One query for both duplicate rules: the live lead with this click id (a repeat: 200), else the newest
 * live lead with this phone since `since` (409). Click-id matches sort first.
 */
export async function findEarlierLead(
  db: Executor,
  campaignId: string,
  match: { clickId: string | null; phone: string; since: Date | null },
): Promise<{ lead: LeadRow; sameClick: boolean } | null> {
  const byClick = match.clickId ? eq(leads.clickId, match.clickId) : undefined;
  const byPhone = match.since
    ? and(eq(leads.phone, match.phone), gt(leads.createdAt, match.since))
    : undefined;
  if (!byClick && !byPhone) return null;
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.campaignId, campaignId), ne(leads.state, 'rejected'), or(byClick, byPhone)))
    .orderBy(
      match.clickId
        ? sql`(${leads.clickId} is not distinct from ${match.clickId}) desc`
        : desc(leads.createdAt),
      desc(leads.createdAt),
    )
    .limit(1);
  if (!row) return null;
  return { lead: row, sameClick: match.clickId !== null && row.clickId === match.clickId };
}

/** What SalesRender needs of a stored lead. */
export function leadForOrder(row: LeadRow): LeadForOrder {
  const subs: Record<string, string> = {};
  const utm: Record<string, string> = {};
  for (const [key, value] of Object.entries(row.subs)) (key.startsWith('utm_') ? utm : subs)[key] = value;
  const comment = row.extras.comment;
  return {
    id: row.id,
    phone: row.phone,
    name: row.name,
    country: row.country,
    ip: row.ip,
    userAgent: row.userAgent,
    clickId: row.clickId,
    comment: typeof comment === 'string' ? comment : null,
    subs,
    utm,
  };
}

/** The buyer-facing status word: `queued` until SalesRender has the order, then the label. */
export function leadStatusWord(row: LeadRow): string {
  if (row.state === 'queued') return 'queued';
  if (row.state === 'rejected') return 'rejected';
  if (row.state === 'failed') return 'failed';
  return row.label ?? 'pending';
}
