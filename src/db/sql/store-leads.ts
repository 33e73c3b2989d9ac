// Stores new leads with their audit rows unless an earlier lead matches: one statement, shared by concurrent leads under load.
import type { leads } from '../schema.js';
import { auditBatchInsertText } from './audit-batch-insert.js';
import { defineStatement } from './statement.js';

type Lead = typeof leads.$inferSelect;

/** One lead to store, with what its duplicate rules and caps need. */
export interface LeadToInsert {
  lead: Pick<
    Lead,
    | 'id'
    | 'campaignId'
    | 'partnerId'
    | 'state'
    | 'clickId'
    | 'idempotencyKey'
    | 'phone'
    | 'name'
    | 'country'
    | 'ip'
    | 'userAgent'
    | 'subs'
    | 'extras'
    | 'inlineLeaseUntil'
    | 'createdAt'
    | 'updatedAt'
  >;
  /** The phone rule counts leads created after `since` (null: off) in `phoneCampaignIds`. */
  since: Date | null;
  phoneCampaignIds: string[];
  /** The IP rule counts leads created after `ipSince` (null: off). */
  ipSince: Date | null;
  /** The caps the lead is taken under (null: none; the lead is not counted). */
  caps: {
    day: string;
    daily: number | null;
    total: number | null;
    partnerDaily: number | null;
    partnerTotal: number | null;
  } | null;
}

export interface StoreLeadsInput {
  leads: LeadToInsert[];
  /** The audit rows, as the audit writer's batchJson made them (a lead's acceptance with `onlyIfIn`). */
  auditRows: string;
}

/** A lead that was not simply stored: the earlier lead a rule found, or its cap take. */
export interface StoreLeadsRow {
  forLead: string;
  /** The rule that found `earlier`: 0 click id, 1 phone, 2 IP. */
  rank: number | null;
  earlier: Record<string, unknown> | null;
  /** Whether the campaign's counter row was there to take from. */
  counted: boolean;
  granted: boolean | null;
  dayUsed: number | null;
  totalUsed: number | null;
  partnerCounts: { day_used?: number; total_used?: number } | null;
}

/**
 * The duplicate checks, the cap slots, the leads (with their inline leases) and the audit rows of one or
 * more leads in one statement, atomic like a transaction. $1 is the leads as JSON, $2 the audit rows
 * (the audit writer's batchJson).
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
 * The click-id look-up is ordered by `click_id_held`, the click index's third column, rather than naming
 * it in the condition: with the first two columns fixed the index returns rows in that order, so its
 * path needs no sort, and every other path (the phone index by campaign alone, a full scan) needs one.
 * The click index then wins even where costs would tie: on a nearly empty table without statistics,
 * where a prepared statement's plan is made and then kept until an ANALYZE
 * (test/integration/hot-statement-plans.test.ts). At most one lead per campaign and click id is not
 * rejected (the unique index), so the order changes nothing in what is found.
 *
 * The text never changes, and the rows arrive as one JSON parameter rather than as arrays, so PostgreSQL
 * plans the prepared statement once: with arrays, the planner sized each call's plan by the arrays'
 * lengths and planned every execution afresh (about a quarter of the statement's time).
 */
export const storeLeads = defineStatement<StoreLeadsInput, StoreLeadsRow>({
  name: 'store_leads',
  text: `with input as (
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
          order by leads.click_id_held limit 1)
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
    where earlier.for_lead is not null or input.capped is true`,
  values: (input) => [
    JSON.stringify(
      input.leads.map(({ lead, since, phoneCampaignIds, ipSince, caps }) => ({
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
        since: since?.toISOString() ?? null,
        phone_campaigns: phoneCampaignIds,
        ip_since: ipSince?.toISOString() ?? null,
        capped: Boolean(caps),
        cap_day: caps?.day ?? null,
        daily_cap: caps?.daily ?? null,
        total_cap: caps?.total ?? null,
        partner_daily_cap: caps?.partnerDaily ?? null,
        partner_total_cap: caps?.partnerTotal ?? null,
      })),
    ),
    input.auditRows,
  ],
  row: (raw) => ({
    forLead: String(raw.for_lead),
    rank: raw.rank === null || raw.rank === undefined ? null : Number(raw.rank),
    earlier: (raw.earlier as Record<string, unknown> | null) ?? null,
    counted: raw.counted === true,
    granted: raw.granted === null || raw.granted === undefined ? null : raw.granted === true,
    dayUsed: raw.day_used === null || raw.day_used === undefined ? null : Number(raw.day_used),
    totalUsed: raw.total_used === null || raw.total_used === undefined ? null : Number(raw.total_used),
    partnerCounts: (raw.partner_counts as StoreLeadsRow['partnerCounts']) ?? null,
  }),
});
