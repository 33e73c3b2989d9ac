// Capped leads written by shared statements (group commit): each takes its own campaign's slot, and a lead
// that is not stored (a duplicate, a statement rolled back, no counter yet) takes none.
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-writer.js';
import type { Campaign } from '../../src/campaigns/campaign.js';
import { findCampaignByAlias } from '../../src/campaigns/campaign-repository.js';
import { auditLog, leads } from '../../src/db/schema.js';
import { openCapCounter } from '../../src/db/sql/open-cap-counter.js';
import { executeSql } from '../../src/db/sql/statement.js';
import { capDayStart, capsForLead } from '../../src/leads/lead-caps.js';
import { type LeadRow, queuedLeadRow } from '../../src/leads/lead-repository.js';
import { createLeadStore, type LeadToStore } from '../../src/leads/store-lead.js';
import { type Harness, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';

let h: Harness;
let partnerId: string;
let serial = 0;
const campaigns: Record<string, Campaign> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const alias of ['cap-a', 'cap-b', 'cap-c', 'cap-d']) {
    await h.createCampaign(alias, { caps: { total: 2 } });
    campaigns[alias] = (await findCampaignByAlias(db(), alias))!;
  }
  await h.createCampaign('uncapped');
  campaigns.uncapped = (await findCampaignByAlias(db(), 'uncapped'))!;
  const partner = await h.admin('POST', '/admin/api/partners', {
    name: 'Capped shared',
    campaigns: Object.keys(campaigns),
  });
  partnerId = partner.body.id;
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.testDatabase.database.orm;
const audit = () => h.service.context.audit;

/** A capped lead of `alias` as the intake hands it to the store (no counter is opened here). */
function capped(alias: string, fields: Partial<LeadRow> = {}): LeadToStore {
  const campaign = campaigns[alias]!;
  serial++;
  const lead = queuedLeadRow(
    {
      id: `lead_capped_${serial}`,
      campaignId: campaign.id,
      partnerId,
      clickId: `capped-click-${serial}`,
      phone: `+7913${String(3_000_000 + serial)}`,
      ...fields,
    },
    h.clock.now(),
  );
  const entry = (event: string): AuditEntry => ({
    event,
    requestId: `req_${lead.id}`,
    campaignId: campaign.id,
    leadId: event === 'lead.accepted' ? lead.id : null,
    actor: 'client',
    outcome: event,
    detail: {},
  });
  return {
    lead,
    match: { clickId: lead.clickId, phone: lead.phone, since: null },
    caps: capsForLead(campaign, partnerId, undefined, h.clock.now()),
    received: entry('lead.received'),
    accepted: entry('lead.accepted'),
  };
}

async function openCounter(alias: string) {
  const caps = capsForLead(campaigns[alias]!, partnerId, undefined, h.clock.now())!;
  await executeSql(db(), openCapCounter, {
    campaignId: caps.campaignId,
    day: caps.day,
    dayStart: capDayStart(caps),
  });
}

const usedOf = async (alias: string) => {
  const [row] = await queryRows(
    db(),
    sql`select total_used from cap_counters where campaign_id = ${campaigns[alias]!.id}`,
  );
  return row ? Number(row.total_used) : null;
};

const storedIds = async (items: LeadToStore[]) =>
  (
    await db()
      .select({ id: leads.id })
      .from(leads)
      .where(
        inArray(
          leads.id,
          items.map((item) => item.lead.id),
        ),
      )
  )
    .map((row) => row.id)
    .sort();

describe('capped leads in shared statements', () => {
  it("share a statement across campaigns, never within one, each taking its own campaign's slot", async () => {
    await openCounter('cap-a');
    await openCounter('cap-b');
    const items = [capped('cap-a'), capped('cap-b'), capped('cap-a'), capped('cap-b'), capped('cap-a')];
    const store = createLeadStore(db(), audit(), { maxInFlight: 1 });
    const results = await Promise.all(items.map((item) => store.submit(item)));

    // Two statements of two leads each (one per campaign), then the fifth alone.
    expect(store.stats).toEqual({ items: 5, statements: 3 });
    expect(results.map((result) => result.kind)).toEqual([
      'stored',
      'stored',
      'stored',
      'stored',
      'cap_refused',
    ]);
    expect(results[4]).toMatchObject({ counts: { campaignTotal: 2 } });
    expect(await usedOf('cap-a')).toBe(2);
    expect(await usedOf('cap-b')).toBe(2);
    expect(await storedIds(items)).toEqual(
      items
        .slice(0, 4)
        .map((item) => item.lead.id)
        .sort(),
    );
  });

  it('take no slot for a lead a duplicate rule matched, in the same statement as a lead that takes one', async () => {
    await openCounter('cap-c');
    const first = capped('cap-c');
    const store = createLeadStore(db(), audit(), { maxInFlight: 1 });
    expect(await store.submit(first)).toEqual({ kind: 'stored' });
    const repeat = capped('cap-c', { clickId: first.lead.clickId });
    const results = await Promise.all([store.submit(repeat), store.submit(capped('cap-d'))]);
    expect(results[0]).toMatchObject({ kind: 'duplicate', rule: 'click' });
    expect(await usedOf('cap-c')).toBe(1);
  });

  it('take no slot for a lead whose statement rolled back (a unique violation)', async () => {
    await openCounter('cap-d');
    const before = await usedOf('cap-d');
    const keyOwner = capped('uncapped', { idempotencyKey: 'capped-key-1' });
    keyOwner.caps = null;
    const store = createLeadStore(db(), audit(), { maxInFlight: 1 });
    expect(await store.submit(keyOwner)).toEqual({ kind: 'stored' });
    // The same partner and key on a capped campaign: the insert fails after the slot was taken.
    const clash = capped('cap-d', { idempotencyKey: 'capped-key-1' });
    const other = capped('uncapped');
    other.caps = null;
    const settled = await Promise.allSettled([store.submit(clash), store.submit(other)]);
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);
    expect(await usedOf('cap-d')).toBe(before);
    expect(await storedIds([clash, other])).toEqual([other.lead.id]);
  });

  it('store nothing but the raw request while the campaign has no counter row, and say so', async () => {
    await h.createCampaign('cap-unopened', { caps: { daily: 10 } });
    campaigns['cap-unopened'] = (await findCampaignByAlias(db(), 'cap-unopened'))!;
    const item = capped('cap-unopened');
    const store = createLeadStore(db(), audit(), { maxInFlight: 1 });
    expect(await store.submit(item)).toEqual({ kind: 'no_cap_counter' });
    expect(await storedIds([item])).toEqual([]);
    const events = await db()
      .select({ event: auditLog.event })
      .from(auditLog)
      .where(eq(auditLog.requestId, `req_${item.lead.id}`));
    expect(events.map((row) => row.event)).toEqual(['lead.received']);
  });
});
