// Stores new leads with their audit rows unless an earlier lead matches: one statement, shared by concurrent leads under load.
import { type AuditEntry, type AuditWriter, auditBatchInsertText } from '../audit/audit-writer.js';
import { type Orm, queryText } from '../db/connection.js';
import { StatementBatcher } from '../db/statement-batcher.js';
import type { CapCounts, LeadCaps } from './lead-caps.js';
import type { DuplicateRule, EarlierLeadMatch, LeadRow } from './lead-repository.js';

export interface LeadToStore {
  lead: LeadRow;
  match: EarlierLeadMatch;
  /** The caps the lead is taken under (null: none; the lead is not counted). */
  caps?: LeadCaps | null;
  /** The raw request's row, when not on record yet: written whatever the outcome, before the acceptance. */
  received: AuditEntry | null;
  /** Written only if the lead is stored. */
  accepted: AuditEntry;
}

/**
 * What became of a lead: stored (its acceptance written, its cap slot taken); or not stored, with the
 * earlier lead a duplicate rule found, the counts that left no room under a cap, or no counter row yet
 * for its campaign's caps (the caller opens one, open-cap-counter.ts, and submits the lead again).
 */
export type StoreLeadResult =
  | { kind: 'stored' }
  | { kind: 'duplicate'; rule: DuplicateRule; earlier: Record<string, unknown> }
  | { kind: 'cap_refused'; counts: CapCounts }
  | { kind: 'no_cap_counter' };

/**
 * The duplicate checks, the cap slots, the leads (with their inline leases) and the audit rows of one or
 * more leads in one statement, atomic like a transaction. $1 is the leads as JSON, $2 the audit rows
 * (audit batchJson).
 *
 * Each lead gets the duplicate rules as index lookups, first match wins: the live lead with its click id
 * (a repeat: 200); else the newest live lead with its phone since `since` in any of `phone_campaigns`
 * (its campaign, or every campaign of its SalesRender company; 409; null `since`: off); else the newest
 * live lead from its IP in its campaign since `ip_since` (409; null: off). Leads of one statement do not
 * see each other: the batcher never puts two with the same click id, phone (per company), IP (where the
 * rule is on) or idempotency key together.
 *
 * A capped lead that no rule matched takes its slot from its campaign's `cap_counters` row: the UPDATE
 * waits for the row's lock and, under READ COMMITTED, re-reads the row as last committed before it
 * decides, so two statements (two processes) never both take the last slot. The row is updated even when
 * there is no room (`last_granted` false, the counts as they were), so RETURNING reports the counts that
 * refused the lead as read under the lock. The lead is stored only with its slot taken, and the slot
 * is taken only in the statement that stores it: a duplicate never takes one, and a statement that rolls
 * back (a unique violation) gives its slots back with its leads. The batcher never puts two capped leads
 * of one campaign together (an UPDATE changes a row once per statement). A lead whose campaign has no row
 * yet is not stored (`taken` has nothing for it).
 *
 * The raw request is written whatever the outcome; a lead is stored, and its acceptance written, only
 * when it passed every rule and cap.
 *
 * The text never changes, and the rows arrive as one JSON parameter rather than as arrays, so PostgreSQL
 * plans the prepared statement once: with arrays, the planner sized each call's plan by the arrays'
 * lengths and planned every execution afresh (about a quarter of the statement's time).
 */
export const storeLeadsText = `with input as (
    select * from json_to_recordset($1::json) as input (id text, campaign_id text, partner_id text, state text,
      click_id text, idempotency_key text, phone text, name text, country text, ip text, user_agent text, subs jsonb,
      extras jsonb, inline_lease_until timestamptz, created_at timestamptz, updated_at timestamptz, since timestamptz,
      phone_campaigns text[], ip_since timestamptz, capped boolean, cap_day text, daily_cap integer,
      total_cap integer, partner_daily_cap integer, partner_total_cap integer)),
  earlier as (
    select input.id as for_lead, found.* from input cross join lateral (
      select * from (
        (select 0 as rank, leads.* from leads where input.click_id is not null
          and leads.campaign_id = input.campaign_id and leads.click_id = input.click_id and leads.state <> 'rejected'
          order by leads.created_at desc limit 1)
        union all
        (select 1 as rank, same_phone.* from unnest(input.phone_campaigns) as scope (campaign_id)
          cross join lateral (select leads.* from leads where input.since is not null
            and leads.campaign_id = scope.campaign_id and leads.phone = input.phone and leads.created_at > input.since
            and leads.state <> 'rejected'
            order by leads.created_at desc limit 1) same_phone
          order by same_phone.created_at desc limit 1)
        union all
        (select 2 as rank, leads.* from leads where input.ip_since is not null and input.ip is not null
          and leads.campaign_id = input.campaign_id and leads.ip = input.ip and leads.created_at > input.ip_since
          and leads.state <> 'rejected'
          order by leads.created_at desc limit 1)) candidates
      order by rank limit 1) found),
  taken as (
    update cap_counters counter set (day, day_used, total_used, partners, last_granted) = (
        select input.cap_day, used.day_used + slot, used.total_used + slot,
          counter.partners || jsonb_build_object(input.partner_id, jsonb_build_object('day', input.cap_day,
            'day_used', used.partner_day_used + slot, 'total_used', used.partner_total_used + slot)),
          slot = 1
        from (select
            case when counter.day = input.cap_day then counter.day_used else 0 end as day_used,
            counter.total_used as total_used,
            case when counter.partners -> input.partner_id ->> 'day' = input.cap_day
              then (counter.partners -> input.partner_id ->> 'day_used')::integer else 0 end as partner_day_used,
            coalesce((counter.partners -> input.partner_id ->> 'total_used')::integer, 0) as partner_total_used
          ) used
        cross join lateral (select case when (input.daily_cap is null or used.day_used < input.daily_cap)
            and (input.total_cap is null or used.total_used < input.total_cap)
            and (input.partner_daily_cap is null or used.partner_day_used < input.partner_daily_cap)
            and (input.partner_total_cap is null or used.partner_total_used < input.partner_total_cap)
          then 1 else 0 end as slot) decision)
    from input
    where input.capped and counter.campaign_id = input.campaign_id
      and not exists (select 1 from earlier where earlier.for_lead = input.id)
    returning input.id as for_lead, counter.last_granted as granted, counter.day_used, counter.total_used,
      counter.partners -> input.partner_id as partner_counts),
  stored_lead as (
    insert into leads (id, campaign_id, partner_id, state, click_id, idempotency_key, phone, name, country, ip,
      user_agent, subs, extras, inline_lease_until, created_at, updated_at)
    select id, campaign_id, partner_id, state, click_id, idempotency_key, phone, name, country, ip, user_agent,
      subs, extras, inline_lease_until, created_at, updated_at
    from input where not exists (select 1 from earlier where earlier.for_lead = input.id)
      and (input.capped is not true or exists (select 1 from taken where taken.for_lead = input.id and taken.granted))
    returning id),
  audited as (${auditBatchInsertText('$2', 'select id from stored_lead')})
  select input.id as for_lead, earlier.rank, to_json(earlier.*) as earlier, taken.for_lead is not null as counted,
      taken.granted, taken.day_used, taken.total_used, taken.partner_counts
    from input left join earlier on earlier.for_lead = input.id left join taken on taken.for_lead = input.id
    where earlier.for_lead is not null or input.capped is true`;

/** The two parameters of `storeLeadsText` for `items`. */
function storeLeadsParams(audit: AuditWriter, items: LeadToStore[]): [string, string] {
  const leads = items.map(({ lead, match, caps }) => ({
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
    phone_campaigns: match.phoneCampaignIds ?? [lead.campaignId],
    ip_since: match.ipSince?.toISOString() ?? null,
    capped: Boolean(caps),
    cap_day: caps?.day ?? null,
    daily_cap: caps?.campaign.daily ?? null,
    total_cap: caps?.campaign.total ?? null,
    partner_daily_cap: caps?.partner.daily ?? null,
    partner_total_cap: caps?.partner.total ?? null,
  }));
  const auditRows = items.flatMap((item) => [
    ...(item.received ? [{ entry: item.received }] : []),
    { entry: item.accepted, onlyIfIn: item.lead.id },
  ]);
  return [JSON.stringify(leads), audit.batchJson(auditRows)];
}

const rules: DuplicateRule[] = ['click', 'phone', 'ip'];

/** One lead's outcome from its returned row (none: stored, uncapped). */
function resultFrom(row: Record<string, unknown> | undefined): StoreLeadResult {
  if (!row) return { kind: 'stored' };
  if (row.earlier) {
    return {
      kind: 'duplicate',
      rule: rules[Number(row.rank)] ?? 'phone',
      earlier: row.earlier as Record<string, unknown>,
    };
  }
  if (!row.counted) return { kind: 'no_cap_counter' };
  if (row.granted === true) return { kind: 'stored' };
  const partner = (row.partner_counts ?? {}) as { day_used?: number; total_used?: number };
  return {
    kind: 'cap_refused',
    counts: {
      granted: false,
      campaignDay: Number(row.day_used),
      campaignTotal: Number(row.total_used),
      partnerDay: Number(partner.day_used ?? 0),
      partnerTotal: Number(partner.total_used ?? 0),
    },
  };
}

/** Stores `items` in one statement; answers what became of each. */
export async function storeLeads(
  db: Orm,
  audit: AuditWriter,
  items: LeadToStore[],
): Promise<StoreLeadResult[]> {
  const rows = await queryText(db, storeLeadsText, storeLeadsParams(audit, items));
  const byLead = new Map(rows.map((row) => [row.for_lead as string, row]));
  return items.map((item) => resultFrom(byLead.get(item.lead.id)));
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
    conflictKeys: ({ lead, match, caps }) => [
      // Per SalesRender company: a campaign whose phone rule looks at the company's other campaigns
      // must see their leads of the same phone, whatever their own scope.
      `phone\u0000${match.company ?? lead.campaignId}\u0000${lead.phone}`,
      ...(lead.clickId ? [`click\u0000${lead.campaignId}\u0000${lead.clickId}`] : []),
      ...(lead.idempotencyKey ? [`key\u0000${lead.partnerId}\u0000${lead.idempotencyKey}`] : []),
      ...(match.ipSince && lead.ip ? [`ip\u0000${lead.campaignId}\u0000${lead.ip}`] : []),
      ...(caps ? [`cap\u0000${lead.campaignId}`] : []),
    ],
    runOne: async (item) => (await storeLeads(db, audit, [item]))[0] ?? { kind: 'stored' },
    runBatch: (items) => storeLeads(db, audit, items),
  });
}
