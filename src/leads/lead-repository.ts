// Leads in the database: lookups that drive deduplication, and the summary buyers see.
import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/connection.js';
import { leads } from '../db/schema.js';
import { findLeadByIdempotencyKey as findLeadByIdempotencyKeyStatement } from '../db/sql/find-lead-by-idempotency-key.js';
import { executeSql } from '../db/sql/statement.js';
import type { LeadForOrder } from '../salesrender/order-input.js';

export type LeadRow = typeof leads.$inferSelect;

/** A new lead's row: queued, created at `at`, no order or SalesRender status yet; `fields` fill the rest. */
export function queuedLeadRow(
  fields: Pick<LeadRow, 'id' | 'campaignId' | 'phone'> & Partial<LeadRow>,
  at: Date,
): LeadRow {
  return {
    partnerId: null,
    state: 'queued',
    clickId: null,
    clickIdHeld: true,
    idempotencyKey: null,
    name: null,
    country: null,
    ip: null,
    userAgent: null,
    subs: {},
    extras: {},
    orderId: null,
    statusId: null,
    label: null,
    comment: null,
    errorCode: null,
    errorMessage: null,
    statusChangedAt: null,
    inlineLeaseUntil: null,
    possibleDuplicate: false,
    tidPerLabel: false,
    reconciledAt: null,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
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
    clickIdHeld: row.click_id_held === true || row.click_id_held === 't' ? true : null,
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
    inlineLeaseUntil: date(row.inline_lease_until),
    possibleDuplicate: row.possible_duplicate === true || row.possible_duplicate === 't',
    tidPerLabel: row.tid_per_label === true || row.tid_per_label === 't',
    reconciledAt: date(row.reconciled_at),
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
  const [row] = await executeSql(db, findLeadByIdempotencyKeyStatement, { partnerId, key, auditRows: '[]' });
  return row ? leadFromRow(row) : null;
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

export interface EarlierLeadMatch {
  clickId: string | null;
  phone: string;
  /** Phones count as duplicates only for leads created after this (null: the phone rule is off). */
  since: Date | null;
  /**
   * The campaigns whose leads the phone rule looks at: the lead's own, or with `dedupe_scope`
   * `connection` every campaign of its SalesRender company (default: the lead's campaign alone).
   */
  phoneCampaignIds?: string[];
  /** The campaign's SalesRender company (base URL and company id): leads of one phone and company never share a statement. */
  company?: string;
  /** A lead from `ip` in the campaign after `ipSince` is a duplicate (null or absent: the IP rule is off). */
  ipSince?: Date | null;
}

/** Which duplicate rule found an earlier lead (store-lead.ts ranks them in this order). */
export type DuplicateRule = 'click' | 'phone' | 'ip';

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
