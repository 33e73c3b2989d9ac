// Streams a campaign's leads for a period as NDJSON or CSV, keyset-paginated like the audit export.
import { and, asc, eq, gt, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Orm } from '../db/connection.js';
import { leads } from '../db/schema.js';
import { recordedPayouts } from '../leads/recorded-payouts.js';
import type { Payout } from '../postbacks/payout-in-force.js';
import { formatPayout } from '../postbacks/render-postback.js';
import { type ExportFormat, exportLine } from './audit-export.js';
import { csvRecord } from './csv-cell.js';

export interface LeadFilter {
  campaignId?: string;
  from?: Date;
  to?: Date;
}

const columns = [
  'lead_id',
  'campaign_id',
  'partner_id',
  'created_at',
  'state',
  'order_id',
  'status_id',
  'label',
  'comment',
  'click_id',
  'phone',
  'name',
  'country',
  'ip',
  'subs',
  'extras',
  'possible_duplicate',
  'payout',
  'currency',
] as const;

/**
 * CSV adds the partner's sub-ids as columns of their own (a spreadsheet user filters by them), after the
 * columns NDJSON has; NDJSON keeps them in `subs` only.
 */
const subColumns = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;
const csvColumns = [...columns, ...subColumns] as const;

type LeadRow = typeof leads.$inferSelect;

/** The row's CSV record: the NDJSON record and the sub-id columns. */
function toCsvRecord(row: LeadRow, payout: Payout | undefined): Record<(typeof csvColumns)[number], unknown> {
  const subs = (row.subs ?? {}) as Record<string, unknown>;
  return {
    ...toRecord(row, payout),
    ...Object.fromEntries(subColumns.map((column) => [column, subs[column] ?? null])),
  } as Record<(typeof csvColumns)[number], unknown>;
}

/** `payout`: the one recorded with the lead's current status (major units), or none. */
function toRecord(row: LeadRow, payout: Payout | undefined): Record<(typeof columns)[number], unknown> {
  return {
    lead_id: row.id,
    campaign_id: row.campaignId,
    partner_id: row.partnerId,
    created_at: row.createdAt.toISOString(),
    state: row.state,
    order_id: row.orderId,
    status_id: row.statusId,
    label: row.label,
    comment: row.comment,
    click_id: row.clickId,
    phone: row.phone,
    name: row.name,
    country: row.country,
    ip: row.ip,
    subs: row.subs,
    extras: row.extras,
    possible_duplicate: row.possibleDuplicate,
    payout: payout ? formatPayout(payout.minor ?? undefined) : null,
    currency: payout?.currency ?? null,
  };
}

/** The WHERE conditions of a filter (campaign, period of arrival), shared by the export and the console's search. */
export function leadConditions(filter: LeadFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.campaignId) conditions.push(eq(leads.campaignId, filter.campaignId));
  if (filter.from) conditions.push(gte(leads.createdAt, filter.from));
  if (filter.to) conditions.push(lt(leads.createdAt, filter.to));
  return conditions;
}

/** Ordered by (created_at, id); each page continues strictly after the last row seen. */
export async function* exportLeads(
  db: Orm,
  filter: LeadFilter,
  format: ExportFormat,
  pageSize = 2000,
): AsyncGenerator<string> {
  if (format === 'csv') yield csvRecord(csvColumns);
  let after: { at: Date; id: string } | null = null;
  for (;;) {
    const conditions = leadConditions(filter);
    if (after) {
      const next = or(
        gt(leads.createdAt, after.at),
        and(eq(leads.createdAt, after.at), gt(leads.id, after.id)),
      );
      if (next) conditions.push(next);
    }
    const rows = await db
      .select()
      .from(leads)
      .where(and(...conditions))
      .orderBy(asc(leads.createdAt), asc(leads.id))
      .limit(pageSize);
    if (rows.length === 0) return;
    const payouts = await recordedPayouts(
      db,
      rows.map((row) => row.id),
    );
    yield rows
      .map((row) =>
        format === 'csv'
          ? exportLine(toCsvRecord(row, payouts.get(row.id)), csvColumns, format)
          : exportLine(toRecord(row, payouts.get(row.id)), columns, format),
      )
      .join('');
    const last = rows[rows.length - 1] as LeadRow;
    after = { at: last.createdAt, id: last.id };
    if (rows.length < pageSize) return;
  }
}
