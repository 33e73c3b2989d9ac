// The statements every lead runs find their rows by index whatever the tables' size: no full scan of leads
// or of the audit log per lead (one crept in once and cost 6.5 ms per statement at 15,000 leads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { listLeadTimeline } from '../../src/db/sql/list-lead-timeline.js';
import { recordOrdersCreated } from '../../src/db/sql/record-orders-created.js';
import { storeLeads } from '../../src/db/sql/store-leads.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase;
const leadCount = 20_000;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  await migrate(testDatabase.database);
  await testDatabase.database.script(async (run) => {
    await run(`insert into salesrender_connections (id, name, base_url, company_id, webhook_secret, created_at, updated_at)
      values ('con_plans', 'Plans', 'http://127.0.0.1:1', '1', 'connection-secret', now(), now())`);
    await run(`insert into campaigns (id, alias, name, module, connection_id, sr_base_url, sr_company_id,
        sr_token_encrypted, fields, webhook_secret, created_at, updated_at)
      values ('camp_plans', 'plans', 'Plans', 'crm', 'con_plans', 'http://127.0.0.1:1', '1', 'x', '{}', 'secret',
        now(), now())`);
    // A table of the size where the planner once preferred a full scan, with statistics that say so.
    await run(`insert into leads (id, campaign_id, state, click_id, phone, created_at, updated_at, order_id)
      select 'lead_' || n, 'camp_plans', 'created', 'click_' || n, '+7913' || (1000000 + n), now(), now(), n::text
      from generate_series(1, ${leadCount}) as n`);
    // A counter row per capped campaign, as many as a large network has campaigns, so the planner has
    // a table worth an index to choose for the cap take (empty, it rightly reads it whole).
    await run(`insert into campaigns (id, alias, name, module, connection_id, sr_base_url, sr_company_id,
        sr_token_encrypted, fields, webhook_secret, created_at, updated_at)
      select 'camp_' || n, 'capped-' || n, 'Capped', 'crm', 'con_plans', 'http://127.0.0.1:1', '1', 'x', '{}',
        'secret-' || n, now(), now()
      from generate_series(1, 2000) as n`);
    await run(`insert into cap_counters (campaign_id, day, day_used, total_used)
      select 'camp_' || n, '2026-11-26', 0, 0 from generate_series(1, 2000) as n`);
    // Each lead's request: its raw row (no lead yet) and its acceptance, as the intake writes them.
    await run(`insert into audit_log (at, request_id, lead_id, event, detail)
      select now(), 'req_' || n, case when kind = 1 then null else 'lead_' || n end,
        case when kind = 1 then 'lead.received' else 'lead.accepted' end, '{}'
      from generate_series(1, ${leadCount}) as n cross join generate_series(1, 2) as kind`);
    await run('analyze');
  });
}, 120_000);
afterAll(async () => {
  await testDatabase?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

const scannedTables = (node: PlanNode): string[] => [
  ...(node['Node Type'] === 'Seq Scan' ? [node['Relation Name'] ?? '?'] : []),
  ...(node.Plans ?? []).flatMap(scannedTables),
];

const literal = (value: unknown) => `'${JSON.stringify(value).replaceAll("'", "''")}'`;

/** The tables a full scan reads in `text`'s plan, prepared as the driver prepares it, in `mode`. */
async function fullScans(text: string, params: unknown[], mode: string): Promise<string[]> {
  return scannedTables(await preparedPlan(testDatabase, text, params, mode));
}

/** `text`'s plan, prepared as the driver prepares it, in `mode`. */
async function preparedPlan(
  testDatabase: TestDatabase,
  text: string,
  params: unknown[],
  mode: string,
): Promise<PlanNode> {
  return testDatabase.database.script(async (run) => {
    await run(`set local plan_cache_mode = ${mode}`);
    await run(`prepare hot_statement as ${text}`);
    try {
      // With a parameter list (empty), the runner answers the statement's rows.
      const [row] = await run(
        `explain (format json) execute hot_statement(${params.map(literal).join(', ')})`,
        [],
      );
      const plan = row!['QUERY PLAN'];
      const [top] = (typeof plan === 'string' ? JSON.parse(plan) : plan) as { Plan: PlanNode }[];
      return top!.Plan;
    } finally {
      await run('deallocate hot_statement');
    }
  });
}

const auditRow = {
  position: 0,
  at: '2026-11-26T00:00:00.000Z',
  request_id: 'req_1',
  campaign_id: 'camp_plans',
  lead_id: 'lead_new',
  event: 'lead.accepted',
  detail: {},
  only_if_in: 'lead_new',
};
const storeParams = [
  [
    {
      id: 'lead_new',
      campaign_id: 'camp_plans',
      state: 'queued',
      click_id: 'click_new',
      phone: '+79130000001',
      subs: {},
      extras: {},
      created_at: '2026-11-26T00:00:00.000Z',
      updated_at: '2026-11-26T00:00:00.000Z',
      since: '2026-11-25T00:00:00.000Z',
      phone_campaigns: ['camp_plans', 'camp_7'],
      ip: '203.0.113.7',
      ip_since: '2026-11-25T00:00:00.000Z',
      partner_id: 'ptn_1',
      capped: true,
      cap_day: '2026-11-26',
      daily_cap: 50,
      total_cap: null,
      partner_daily_cap: 10,
      partner_total_cap: null,
    },
  ],
  [auditRow],
];
const createdParams = [
  [{ id: 'lead_5', order_id: '900005', status_id: '1', label: 'pending', at: '2026-11-26T00:00:00.000Z' }],
  [{ ...auditRow, lead_id: 'lead_5', event: 'order.created', only_if_in: null }],
  [
    {
      id: 'pb_5',
      campaign_id: 'cmp_1',
      lead_id: 'lead_5',
      payload: { label: 'pending' },
      state: 'pending',
      max_attempts: 8,
      at: '2026-11-26T00:00:00.000Z',
      dedupe_key: 'postback:lead_5:created',
      last_error: null,
    },
  ],
];

describe.each(['force_generic_plan', 'force_custom_plan'])('with %s, as a prepared statement', (mode) => {
  it('storing a lead reads no table in full', async () => {
    expect(await fullScans(storeLeads.text, storeParams, mode)).toEqual([]);
  });

  it('recording a created order reads no table in full', async () => {
    expect(await fullScans(recordOrdersCreated.text, createdParams, mode)).toEqual([]);
  });

  it("showing a lead's timeline reads no table in full", async () => {
    expect(await fullScans(listLeadTimeline.text, ['lead_5'], mode)).toEqual([]);
  });
});

describe('planned on a new database, before its first ANALYZE', () => {
  let newDatabase: TestDatabase;
  beforeAll(async () => {
    newDatabase = await createTestDatabase();
    // A new network's first leads: too few for autovacuum to have analyzed the table yet.
    await newDatabase.database.script(async (run) => {
      await run(`insert into leads (id, campaign_id, state, click_id, phone, created_at, updated_at)
        select 'lead_' || n, 'camp_plans', 'created', 'click_' || n, '+7913' || (1000000 + n), now(), now()
        from generate_series(1, 20) as n`);
    });
  });
  afterAll(async () => {
    await newDatabase?.drop();
  });

  /** The index scans on `leads` in a plan, with what they look up. */
  const leadIndexScans = (node: PlanNode): { index: string; cond: string }[] => [
    ...(node['Relation Name'] === 'leads' && node['Index Name']
      ? [{ index: node['Index Name'], cond: node['Index Cond'] ?? '' }]
      : []),
    ...(node.Plans ?? []).flatMap(leadIndexScans),
  ];

  /** The index scans a LIMIT has to sort before it takes its first row (a union's parts are their own). */
  const indexesSortedForLimit = (node: PlanNode): string[] => {
    const below = (child: PlanNode): PlanNode =>
      child['Node Type'] === 'Result' && child.Plans?.[0] ? below(child.Plans[0]) : child;
    const scans = (child: PlanNode): string[] =>
      child['Node Type'] === 'Append' || child['Node Type'] === 'Limit'
        ? []
        : [...(child['Index Name'] ? [child['Index Name']] : []), ...(child.Plans ?? []).flatMap(scans)];
    const first = node['Node Type'] === 'Limit' && node.Plans?.[0] ? below(node.Plans[0]) : null;
    return [
      ...(first?.['Node Type'] === 'Sort' ? scans(first) : []),
      ...(node.Plans ?? []).flatMap(indexesSortedForLimit),
    ];
  };

  // A prepared statement keeps its generic plan until an ANALYZE: made on 20 rows, it serves the next
  // thousands, so even there it must look the click id up, not read the campaign through another index.
  it('storing a lead looks its click id up in the click-id index', async () => {
    const plan = await preparedPlan(newDatabase, storeLeads.text, storeParams, 'force_generic_plan');
    expect(scannedTables(plan)).not.toContain('leads');
    expect(leadIndexScans(plan)).toContainEqual({
      index: 'leads_campaign_click_id',
      cond: expect.stringContaining('click_id = input'),
    });
    expect(leadIndexScans(plan).filter((scan) => !/\((phone|ip|click_id) = /.test(scan.cond))).toEqual([]);
    // Its order comes from the index: a path that needs a sort costs more at any size, so no tie.
    expect(indexesSortedForLimit(plan)).not.toContain('leads_campaign_click_id');
  });
});
