// Leads in the database: lookups that drive deduplication, and the summary buyers see.
import type { Executor } from '../db/connection.js';
import { findLeadByClickId as findLeadByClickIdStatement } from '../db/sql/find-lead-by-click-id.js';
import { findLeadById as findLeadByIdStatement } from '../db/sql/find-lead-by-id.js';
import { findLeadByIdempotencyKey as findLeadByIdempotencyKeyStatement } from '../db/sql/find-lead-by-idempotency-key.js';
import { type LeadRow, leadFromRow } from '../db/sql/lead-row.js';
import { executeSql } from '../db/sql/statement.js';
import type { LeadForOrder } from '../salesrender/order-input.js';

export type { LeadRow };
/** Re-exported for the intake and the status changes, which map the rows their own statements lock. */
export { leadFromRow };

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

export async function findLeadById(db: Executor, id: string): Promise<LeadRow | null> {
  const [row] = await executeSql(db, findLeadByIdStatement, { id });
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
  const [row] = await executeSql(db, findLeadByClickIdStatement, { campaignId, clickId });
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
