// Stores a new lead with its audit rows unless an earlier lead matches it: one statement, shared by concurrent leads under load.
import { type SQL, sql } from 'drizzle-orm';
import type { AuditEntry, AuditWriter } from '../audit/audit-writer.js';
import { type Executor, queryRows } from '../db/connection.js';
import { StatementBatcher } from '../db/statement-batcher.js';
import { type EarlierLeadMatch, earlierLeadSql, type LeadRow, leadInsertSql } from './lead-repository.js';

export interface LeadToStore {
  lead: LeadRow;
  match: EarlierLeadMatch;
  /** The raw request's row, when not on record yet: written whatever the outcome, before the acceptance. */
  received: AuditEntry | null;
  /** Written only if the lead is stored. */
  accepted: AuditEntry;
}

/** The earlier lead that matched (nothing was stored but the raw request), or null: the lead is stored. */
export type StoreLeadResult = Record<string, unknown> | null;

/**
 * One lead: the duplicate check, the lead (with its inline lease) and the audit rows in one statement,
 * atomic like a transaction. The lead and its acceptance are written only when no earlier lead matches;
 * the statement answers the earlier lead otherwise.
 */
export function storeLeadSql(audit: AuditWriter, item: LeadToStore): SQL {
  const earlier = earlierLeadSql(item.lead.campaignId, item.match);
  const isNew = sql`exists (select 1 from stored_lead)`;
  return sql`with ${earlier ? sql`earlier as (${earlier}), ` : sql``}
    stored_lead as (${leadInsertSql(item.lead, earlier ? { onlyIf: sql`not exists (select 1 from earlier)` } : {})}
      returning id),
    audited as (${audit.insertManyWhere(
      [
        // The raw request first (ids in this order), whatever the outcome; the acceptance only if stored.
        ...(item.received ? [{ entry: item.received, conditional: false }] : []),
        { entry: item.accepted, conditional: true },
      ],
      isNew,
    )})
    ${earlier ? sql`select * from earlier` : sql`select 1 where false`}`;
}

/**
 * Several leads in one statement whose text does not depend on their number (one array per column).
 * Each lead gets the same duplicate check as in `storeLeadSql` (the click id's live lead first, else the
 * newest live lead with the phone inside the window), as two index lookups. Leads in one batch do not see
 * each other: the batcher never puts two with the same click id, phone or idempotency key together.
 */
export function storeLeadsSql(audit: AuditWriter, items: LeadToStore[]): SQL {
  const column = <T>(pick: (item: LeadToStore) => T) => sql.param(items.map(pick));
  const text = (pick: (lead: LeadRow) => string | null) => sql`${column((item) => pick(item.lead))}::text[]`;
  const time = (pick: (item: LeadToStore) => Date | null) =>
    sql`${column((item) => pick(item)?.toISOString() ?? null)}::timestamptz[]`;
  return sql`with input (id, campaign_id, partner_id, state, click_id, idempotency_key, phone, name, country, ip,
      user_agent, subs, extras, inline_lease_until, created_at, updated_at, since) as (
      select * from unnest(${text((l) => l.id)}, ${text((l) => l.campaignId)}, ${text((l) => l.partnerId)},
        ${text((l) => l.state)}, ${text((l) => l.clickId)}, ${text((l) => l.idempotencyKey)}, ${text((l) => l.phone)},
        ${text((l) => l.name)}, ${text((l) => l.country)}, ${text((l) => l.ip)}, ${text((l) => l.userAgent)},
        ${column((item) => JSON.stringify(item.lead.subs))}::jsonb[], ${column((item) => JSON.stringify(item.lead.extras))}::jsonb[],
        ${time((item) => item.lead.inlineLeaseUntil)}, ${time((item) => item.lead.createdAt)},
        ${time((item) => item.lead.updatedAt)}, ${time((item) => item.match.since)})),
    earlier as (
      select input.id as for_lead, found.* from input cross join lateral (
        select * from (
          (select 0 as rank, leads.* from leads where input.click_id is not null
            and leads.campaign_id = input.campaign_id and leads.click_id = input.click_id and leads.state <> 'rejected'
            order by leads.created_at desc limit 1)
          union all
          (select 1 as rank, leads.* from leads where input.since is not null
            and leads.campaign_id = input.campaign_id and leads.phone = input.phone and leads.created_at > input.since
            and leads.state <> 'rejected'
            order by leads.created_at desc limit 1)) candidates
        order by rank limit 1) found),
    stored_lead as (
      insert into leads (id, campaign_id, partner_id, state, click_id, idempotency_key, phone, name, country, ip,
        user_agent, subs, extras, inline_lease_until, created_at, updated_at)
      select id, campaign_id, partner_id, state, click_id, idempotency_key, phone, name, country, ip, user_agent,
        subs, extras, inline_lease_until, created_at, updated_at
      from input where not exists (select 1 from earlier where earlier.for_lead = input.id)
      returning id),
    audited as (${audit.insertBatch(
      items.flatMap((item) => [
        ...(item.received ? [{ entry: item.received }] : []),
        { entry: item.accepted, onlyIfIn: item.lead.id },
      ]),
      sql`select id from stored_lead`,
    )})
    select * from earlier`;
}

export type LeadStore = StatementBatcher<LeadToStore, StoreLeadResult>;

/** The intake's lead store: concurrent leads share one statement and one commit under load. */
export function createLeadStore(
  db: Executor,
  audit: AuditWriter,
  options: { maxBatch?: number; maxInFlight?: number } = {},
): LeadStore {
  return new StatementBatcher<LeadToStore, StoreLeadResult>({
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 4,
    conflictKeys: ({ lead }) => [
      `phone\u0000${lead.campaignId}\u0000${lead.phone}`,
      ...(lead.clickId ? [`click\u0000${lead.campaignId}\u0000${lead.clickId}`] : []),
      ...(lead.idempotencyKey ? [`key\u0000${lead.partnerId}\u0000${lead.idempotencyKey}`] : []),
    ],
    runOne: async (item) => (await queryRows(db, storeLeadSql(audit, item)))[0] ?? null,
    runBatch: async (items) => {
      const rows = await queryRows(db, storeLeadsSql(audit, items));
      const byLead = new Map(rows.map((row) => [row.for_lead as string, row]));
      return items.map((item) => byLead.get(item.lead.id) ?? null);
    },
  });
}
