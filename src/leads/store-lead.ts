// Stores new leads with their audit rows unless an earlier lead matches: one statement, shared by concurrent leads under load.
import { type AuditEntry, type AuditWriter, auditBatchInsertText } from '../audit/audit-writer.js';
import { type Orm, queryText } from '../db/connection.js';
import { StatementBatcher } from '../db/statement-batcher.js';
import type { EarlierLeadMatch, LeadRow } from './lead-repository.js';

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
 * The duplicate checks, the leads (with their inline leases) and the audit rows of one or more leads in
 * one statement, atomic like a transaction. $1 is the leads as JSON, $2 the audit rows (audit batchJson).
 *
 * Each lead gets both duplicate rules as two index lookups: the live lead with its click id first (a
 * repeat: 200), else the newest live lead with its phone since `since` (409; null `since`: the rule is
 * off). A lead is stored, and its acceptance written, only when neither matched; its raw request is
 * written whatever the outcome. Leads of one statement do not see each other: the batcher never puts two
 * with the same click id, phone or idempotency key together.
 *
 * The text never changes, and the rows arrive as one JSON parameter rather than as arrays, so PostgreSQL
 * plans the prepared statement once: with arrays, the planner sized each call's plan by the arrays'
 * lengths and planned every execution afresh (about a quarter of the statement's time).
 */
export const storeLeadsText = `with input as (
    select * from json_to_recordset($1::json) as input (id text, campaign_id text, partner_id text, state text,
      click_id text, idempotency_key text, phone text, name text, country text, ip text, user_agent text, subs jsonb,
      extras jsonb, inline_lease_until timestamptz, created_at timestamptz, updated_at timestamptz, since timestamptz)),
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
  audited as (${auditBatchInsertText('$2', 'select id from stored_lead')})
  select * from earlier`;

/** The two parameters of `storeLeadsText` for `items`. */
function storeLeadsParams(audit: AuditWriter, items: LeadToStore[]): [string, string] {
  const leads = items.map(({ lead, match }) => ({
    id: lead.id,
    campaign_id: lead.campaignId,
    partner_id: lead.partnerId,
    state: lead.state,
    click_id: lead.clickId,
    idempotency_key: lead.idempotencyKey,
    phone: lead.phone,
    name: lead.name,
    country: lead.country,
    ip: lead.ip,
    user_agent: lead.userAgent,
    subs: lead.subs,
    extras: lead.extras,
    inline_lease_until: lead.inlineLeaseUntil?.toISOString() ?? null,
    created_at: lead.createdAt.toISOString(),
    updated_at: lead.updatedAt.toISOString(),
    since: match.since?.toISOString() ?? null,
  }));
  const auditRows = items.flatMap((item) => [
    ...(item.received ? [{ entry: item.received }] : []),
    { entry: item.accepted, onlyIfIn: item.lead.id },
  ]);
  return [JSON.stringify(leads), audit.batchJson(auditRows)];
}

/** Stores `items` in one statement; answers each one's earlier lead, or null when it was stored. */
export async function storeLeads(
  db: Orm,
  audit: AuditWriter,
  items: LeadToStore[],
): Promise<StoreLeadResult[]> {
  const rows = await queryText(db, storeLeadsText, storeLeadsParams(audit, items));
  const byLead = new Map(rows.map((row) => [row.for_lead as string, row]));
  return items.map((item) => byLead.get(item.lead.id) ?? null);
}

export type LeadStore = StatementBatcher<LeadToStore, StoreLeadResult>;

/** The intake's lead store: concurrent leads share one statement and one commit under load. */
export function createLeadStore(
  db: Orm,
  audit: AuditWriter,
  options: {
    maxBatch?: number;
    maxInFlight?: number;
    /** Why a shared statement failed before its items were written one by one (see StatementBatcher). */
    onBatchError?: (error: unknown, items: number) => void;
  } = {},
): LeadStore {
  return new StatementBatcher<LeadToStore, StoreLeadResult>({
    maxBatch: options.maxBatch ?? 100,
    maxInFlight: options.maxInFlight ?? 4,
    onBatchError: options.onBatchError,
    conflictKeys: ({ lead }) => [
      `phone\u0000${lead.campaignId}\u0000${lead.phone}`,
      ...(lead.clickId ? [`click\u0000${lead.campaignId}\u0000${lead.clickId}`] : []),
      ...(lead.idempotencyKey ? [`key\u0000${lead.partnerId}\u0000${lead.idempotencyKey}`] : []),
    ],
    runOne: async (item) => (await storeLeads(db, audit, [item]))[0] ?? null,
    runBatch: (items) => storeLeads(db, audit, items),
  });
}
