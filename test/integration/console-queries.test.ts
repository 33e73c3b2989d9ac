// The queries behind the console: lead search with filters and keyset paging, dashboard counts per
// campaign and per day, postback delivery health and SalesRender call health, on a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { salesrenderHealth } from '../../src/audit/salesrender-stats.js';
import { searchLeads } from '../../src/leads/lead-search.js';
import { approvalRate, campaignStats, dailyStats } from '../../src/leads/lead-stats.js';
import { postbackHealth } from '../../src/postbacks/postback-stats.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let key: string;
let campaignId: string;
const leadIds: string[] = [];
const day = 86_400_000;

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
  tracker.failNext([410]); // the first postback (accepted) is refused for good
  const campaign = await h.createCampaign('console-q', {
    salesrender: { company_id: '61' },
    postback: {
      url: `${tracker.url}/pb?clickid={click_id}&status={status}`,
      on: ['accepted', 'rejected', 'trash'],
    },
  });
  h.addCompanyFor(campaign);
  campaignId = campaign.id;
  key = await h.createPartner(['console-q']);
  // Five leads over three days: accepted, rejected, trash, pending, pending.
  const plan: [number, string | null][] = [
    [0, '3'],
    [0, '4'],
    [1, '5'],
    [2, null],
    [2, null],
  ];
  for (const [index, [offsetDays, status]] of plan.entries()) {
    h.clock.set(new Date(Date.parse('2026-03-01T10:00:00Z') + offsetDays * day + index * 1000));
    const lead = await h.request({
      method: 'POST',
      url: '/v1/leads/console-q',
      body: { phone: `+7916555000${index}`, click_id: `cq-${index}` },
      headers: { 'x-api-key': key },
    });
    expect(lead.status).toBe(201);
    leadIds.push(lead.body.lead_id);
    if (status) h.sandbox.changeStatus('61', lead.body.order_id, status);
    await h.settle();
  }
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') };

describe('dashboard counts', () => {
  it('counts leads per campaign by label group, with approval = accepted / (leads - trash)', async () => {
    const [stats] = (await campaignStats(h.testDatabase.database.orm, period)).filter(
      (row) => row.campaignId === campaignId,
    );
    expect(stats).toMatchObject({ leads: 5, accepted: 1, rejected: 1, trash: 1, pending: 2, other: 0 });
    expect(stats?.approvalRate).toBeCloseTo(1 / 4);
    expect(approvalRate({ leads: 2, trash: 2, accepted: 0, pending: 0, rejected: 0, other: 0 })).toBeNull();
  });

  it('gives every day of the period, zeros included', async () => {
    const days = await dailyStats(h.testDatabase.database.orm, period, campaignId);
    expect(days).toEqual([
      { day: '2026-03-01', leads: 2, accepted: 1 },
      { day: '2026-03-02', leads: 1, accepted: 0 },
      { day: '2026-03-03', leads: 2, accepted: 0 },
    ]);
  });

  it('reports postback delivery and SalesRender call health for the period', async () => {
    const health = await postbackHealth(h.testDatabase.database.orm, {
      from: period.from,
      to: new Date(Date.parse('2026-03-10T00:00:00Z')),
    });
    expect(health).toEqual({ delivered: 2, retrying: 0, queued: 0, failed: 1, skipped: 0, superseded: 0 });
    const salesrender = await salesrenderHealth(h.testDatabase.database.orm, period);
    // The company's introspection (at its first lead), five addOrder calls and three ordersFetcher
    // re-reads, all answered.
    expect(salesrender).toMatchObject({ calls: 9, errors: 0, errorRate: 0 });
    expect(salesrender.p95LatencyMs).toEqual(expect.any(Number));
  });
});

describe('lead search', () => {
  const db = () => h.testDatabase.database.orm;

  it('filters by label, click id, phone (typed any way), order id and period', async () => {
    expect(
      (await searchLeads(db(), { campaignId, label: 'accepted' })).leads.map((lead) => lead.clickId),
    ).toEqual(['cq-0']);
    expect((await searchLeads(db(), { clickId: 'cq-2' })).leads).toHaveLength(1);
    expect((await searchLeads(db(), { phone: '+7 (916) 555-00-03' })).leads[0]?.clickId).toBe('cq-3');
    const [one] = (await searchLeads(db(), { clickId: 'cq-1' })).leads;
    expect((await searchLeads(db(), { orderId: one?.orderId ?? '' })).leads[0]?.id).toBe(one?.id);
    const lastDay = await searchLeads(db(), {
      campaignId,
      from: new Date('2026-03-03T00:00:00Z'),
      to: new Date('2026-03-04T00:00:00Z'),
    });
    expect(lastDay.leads.map((lead) => lead.clickId)).toEqual(['cq-4', 'cq-3']);
  });

  it('pages newest first with a keyset cursor, each lead once', async () => {
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 5; page++) {
      const result = await searchLeads(db(), { campaignId, before }, 2);
      seen.push(...result.leads.map((lead) => lead.id));
      if (!result.next) break;
      before = result.next;
    }
    expect(seen).toEqual([...leadIds].reverse());
  });
});
