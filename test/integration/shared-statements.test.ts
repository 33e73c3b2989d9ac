// Leads and created orders written by shared statements (group commit) mean exactly what one statement each means.
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/audit/audit-writer.js';
import { auditLog, leadStatusHistory, leads } from '../../src/db/schema.js';
import { type EarlierLeadMatch, type LeadRow, queuedLeadRow } from '../../src/leads/lead-repository.js';
import { createOrderCreatedWriter, type OrderCreatedRecord } from '../../src/leads/record-order-created.js';
import { createLeadStore, type LeadToStore, type StoreLeadResult } from '../../src/leads/store-lead.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let campaignId: string;
let partnerId: string;
let partnerKey: string;
let serial = 0;
const hour = 3_600_000;

beforeAll(async () => {
  h = await startHarness();
  campaignId = (await h.createCampaign('shared', { dedupe_window_hours: 24 })).id;
  const partner = await h.admin('POST', '/admin/api/partners', { name: 'Shared', campaigns: ['shared'] });
  partnerId = partner.body.id;
  partnerKey = partner.body.api_key;
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.testDatabase.database.orm;
const audit = () => h.service.context.audit;

/** A new lead as the intake builds it, created `ageMs` before the harness clock's now. */
function newLead(fields: Partial<LeadRow> = {}, ageMs = 0): LeadRow {
  serial++;
  const at = new Date(h.clock.now().getTime() - ageMs);
  return queuedLeadRow(
    {
      id: `lead_shared_${serial}`,
      campaignId,
      partnerId,
      clickId: `click-${serial}`,
      phone: `+7913${String(1_000_000 + serial)}`,
      name: 'Shared Statement',
      country: 'RU',
      subs: { sub1: `s"\\,{}${serial}` },
      inlineLeaseUntil: new Date(at.getTime() + 60_000),
      ...fields,
    },
    at,
  );
}

/** What the intake hands the store for `lead`: both duplicate rules on (a 24 h phone window). */
function toStore(lead: LeadRow): LeadToStore {
  const match: EarlierLeadMatch = {
    clickId: lead.clickId,
    phone: lead.phone,
    since: new Date(h.clock.now().getTime() - 24 * hour),
  };
  const entry = (event: string): AuditEntry => ({
    event,
    requestId: `req_${lead.id}`,
    campaignId,
    leadId: event === 'lead.accepted' ? lead.id : null,
    actor: 'client',
    outcome: event === 'lead.accepted' ? 'accepted' : 'received',
    detail: { body: { phone: lead.phone, note: 'quote " backslash \\ NULL {a,b}' } },
  });
  return { lead, match, received: entry('lead.received'), accepted: entry('lead.accepted') };
}

const storedIds = async (ids: string[]) =>
  (await db().select({ id: leads.id }).from(leads).where(inArray(leads.id, ids))).map((row) => row.id).sort();

const eventsOf = async (requestId: string) =>
  (
    await db()
      .select({ event: auditLog.event, detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.requestId, requestId))
      .orderBy(asc(auditLog.id))
  ).map((row) => row.event);

/** The earlier lead a duplicate rule found for a result, or null. */
const earlierId = (result: StoreLeadResult) => (result.kind === 'duplicate' ? result.earlier.id : null);

/** Submits all items in one event-loop turn to a store with one statement slot: they share one statement. */
async function storeTogether(items: LeadToStore[]) {
  const store = createLeadStore(db(), audit(), { maxInFlight: 1 });
  const results = await Promise.all(items.map((item) => store.submit(item)));
  return { results, stats: store.stats };
}

describe('leads stored by a shared statement', () => {
  it('stores every new lead of the batch with its raw request and acceptance, in that order', async () => {
    const items = Array.from({ length: 30 }, () => toStore(newLead()));
    const { results, stats } = await storeTogether(items);
    expect(stats).toEqual({ items: 30, statements: 1 });
    expect(results).toEqual(items.map(() => ({ kind: 'stored' })));
    expect(await storedIds(items.map((item) => item.lead.id))).toEqual(
      items.map((item) => item.lead.id).sort(),
    );
    for (const item of items) {
      expect(await eventsOf(`req_${item.lead.id}`)).toEqual(['lead.received', 'lead.accepted']);
    }
    const [row] = await db().select().from(leads).where(eq(leads.id, items[7]!.lead.id));
    expect(row).toEqual(items[7]!.lead);
    const [received] = await db()
      .select()
      .from(auditLog)
      .where(eq(auditLog.requestId, `req_${items[7]!.lead.id}`))
      .orderBy(asc(auditLog.id));
    expect(received?.detail).toEqual(items[7]!.received!.detail);
  });

  it('answers a lead that repeats a click id, or a phone inside the window, with the earlier lead', async () => {
    const clickOwner = newLead();
    const phoneOwner = newLead({}, 2 * hour);
    const stalePhoneOwner = newLead({}, 30 * hour);
    const rejected = newLead({ state: 'rejected' });
    await storeTogether([clickOwner, phoneOwner, stalePhoneOwner, rejected].map(toStore));

    const sameClick = newLead({ clickId: clickOwner.clickId, phone: phoneOwner.phone });
    const samePhone = newLead({ phone: phoneOwner.phone });
    const phoneOutsideWindow = newLead({ phone: stalePhoneOwner.phone });
    const clickOfRejected = newLead({ clickId: rejected.clickId });
    const fresh = newLead();
    const items = [sameClick, samePhone, phoneOutsideWindow, clickOfRejected, fresh].map(toStore);
    const { results } = await storeTogether(items);

    // Both rules hold for `sameClick`; the click id wins (a repeat, answered 200, not a 409).
    expect(results.map(earlierId)).toEqual([clickOwner.id, phoneOwner.id, null, null, null]);
    expect(await storedIds(items.map((item) => item.lead.id))).toEqual(
      [phoneOutsideWindow.id, clickOfRejected.id, fresh.id].sort(),
    );
    // A refused lead's raw request is on record all the same; its acceptance is not.
    expect(await eventsOf(`req_${samePhone.id}`)).toEqual(['lead.received']);
    expect(await eventsOf(`req_${fresh.id}`)).toEqual(['lead.received', 'lead.accepted']);
  });

  it('keeps two leads with one phone apart, so the second one sees the first', async () => {
    const first = newLead();
    const second = newLead({ phone: first.phone });
    const third = newLead();
    const { results, stats } = await storeTogether([first, second, third].map(toStore));
    expect(stats).toEqual({ items: 3, statements: 2 });
    expect(results.map(earlierId)).toEqual([null, first.id, null]);
  });

  it('fails only the lead whose row breaks a constraint; the others of its batch are stored', async () => {
    const keyOwner = newLead({ idempotencyKey: 'shared-key-1' });
    await storeTogether([toStore(keyOwner)]);
    // Same partner and key: the unique index refuses it (the intake then answers the original).
    const clash = newLead({ idempotencyKey: 'shared-key-1' });
    const others = [newLead(), newLead()];
    const settled = await Promise.allSettled(
      (() => {
        const store = createLeadStore(db(), audit(), { maxInFlight: 1 });
        return [clash, ...others].map((lead) => store.submit(toStore(lead)));
      })(),
    );
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    // PostgreSQL's unique_violation, which the intake answers with the lead holding the key.
    const reason = (settled[0] as PromiseRejectedResult).reason;
    expect(reason.code ?? reason.cause?.code).toBe('23505');
    expect(await storedIds([clash.id, ...others.map((lead) => lead.id)])).toEqual(
      others.map((lead) => lead.id).sort(),
    );
    expect(await eventsOf(`req_${clash.id}`)).toEqual([]);
    expect(await eventsOf(`req_${others[0]!.id}`)).toEqual(['lead.received', 'lead.accepted']);
  });

  it("logs and counts the shared statement's error before its items are retried alone", async () => {
    const scrape = async () =>
      (await h.request({ method: 'GET', url: '/metrics' })).text
        .split('\n')
        .find((line) => line.startsWith('leadbridge_background_errors_total{where="batch_statement"}'));
    expect(await scrape()).toMatch(/ 0$/);
    const keyOwner = newLead({ idempotencyKey: 'shared-key-2' });
    await storeTogether([toStore(keyOwner)]);
    const clash = newLead({ idempotencyKey: 'shared-key-2' });
    // The service's own store, as the intake uses it.
    const store = h.service.context.leadDeps.leadStore;
    const settled = await Promise.allSettled([clash, newLead()].map((lead) => store.submit(toStore(lead))));
    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled']);

    expect(await scrape()).toMatch(/ 1$/);
    const lines = h.logLines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.where === 'batch_statement');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      writer: 'leads',
      items: 2,
      cause: { code: '23505', message: expect.stringContaining('duplicate key') },
    });
    // The driver's message only: drizzle's wrapper would quote the leads' phone numbers.
    expect(JSON.stringify(lines[0])).not.toContain(clash.phone);
  });
});

describe('created orders recorded by a shared statement', () => {
  it('sets each lead created, starts its status history and writes its audit rows in order', async () => {
    const stored = Array.from({ length: 12 }, () => newLead());
    await storeTogether(stored.map(toStore));
    const writer = createOrderCreatedWriter(db(), audit(), { maxInFlight: 1 });
    const at = h.clock.now();
    const records: OrderCreatedRecord[] = stored.map((lead, index) => ({
      leadId: lead.id,
      orderId: `order-${lead.id}`,
      // Every third lead as on the CPA module: no initial status, no history entry.
      statusId: index % 3 === 0 ? null : '1',
      label: 'pending',
      at,
      payout: null,
      postbacks: [],
      entries: [
        { event: 'salesrender.call', requestId: `req_${lead.id}`, leadId: lead.id, detail: { n: index } },
        { event: 'order.created', requestId: `req_${lead.id}`, leadId: lead.id, orderId: `order-${lead.id}` },
      ],
    }));
    await Promise.all(records.map((record) => writer.submit(record)));
    expect(writer.stats).toEqual({ items: 12, statements: 1 });

    const rows = await db()
      .select()
      .from(leads)
      .where(
        inArray(
          leads.id,
          stored.map((lead) => lead.id),
        ),
      );
    for (const row of rows) {
      expect(row).toMatchObject({
        state: 'created',
        orderId: `order-${row.id}`,
        label: 'pending',
        inlineLeaseUntil: null,
        updatedAt: at,
      });
    }
    const history = await db()
      .select()
      .from(leadStatusHistory)
      .where(
        inArray(
          leadStatusHistory.leadId,
          stored.map((lead) => lead.id),
        ),
      );
    expect(history.map((entry) => entry.leadId).sort()).toEqual(
      records
        .filter((record) => record.statusId)
        .map((record) => record.leadId)
        .sort(),
    );
    for (const lead of stored) {
      expect(await eventsOf(`req_${lead.id}`)).toEqual([
        'lead.received',
        'lead.accepted',
        'salesrender.call',
        'order.created',
      ]);
    }
  });
});

describe('a created order recorded after the sweep took its lead', () => {
  it('records nothing on the lead (the worker job owns it) and answers false', async () => {
    const lead = newLead();
    await storeTogether([toStore(lead)]);
    // The sweep of lead-write-protocol.ts: the inline lease is over, a job carries the lead now.
    await db()
      .update(leads)
      .set({ inlineLeaseUntil: null })
      .where(inArray(leads.id, [lead.id]));
    const writer = createOrderCreatedWriter(db(), audit());
    const recorded = await writer.submit({
      leadId: lead.id,
      orderId: `late-${lead.id}`,
      statusId: '1',
      label: 'pending',
      at: h.clock.now(),
      payout: null,
      postbacks: [],
      entries: [{ event: 'order.created', requestId: `req_${lead.id}`, leadId: lead.id }],
    });
    expect(recorded).toBe(false);
    const [row] = await db()
      .select()
      .from(leads)
      .where(inArray(leads.id, [lead.id]));
    expect(row).toMatchObject({ state: 'queued', orderId: null });
    const history = await db()
      .select()
      .from(leadStatusHistory)
      .where(inArray(leadStatusHistory.leadId, [lead.id]));
    expect(history).toEqual([]);
  });
});

describe('concurrent leads over HTTP', () => {
  it('are each created once, with a complete audit trail, whatever statements they shared', async () => {
    const before = h.sandbox.companies.get('1')!.orders.size;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        h.request({
          method: 'POST',
          url: '/v1/leads/shared',
          body: { phone: `+7914${String(2_000_000 + index)}`, click_id: `http-${index}` },
          headers: { 'x-api-key': partnerKey },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(h.sandbox.companies.get('1')!.orders.size).toBe(before + 40);
    for (const answer of answers) {
      expect(await eventsOf(String(answer.headers['x-request-id']))).toEqual([
        'lead.received',
        'lead.accepted',
        'salesrender.call',
        'order.created',
      ]);
    }
  });
});
