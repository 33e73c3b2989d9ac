// Migration 0017 on a populated database: the click-id rule and the history key hold as before, with one
// index each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let testDatabase: TestDatabase;
const run = (text: string, params: unknown[] = []) =>
  testDatabase.database.script((script) => script(text, params));

const lead = (id: string, campaign: string, clickId: string | null, state: string) =>
  run(
    `insert into leads (id, campaign_id, state, click_id, phone, created_at, updated_at)
     values ($1, $2, $3, $4, '+79130000000', now(), now())`,
    [id, campaign, state, clickId],
  );

beforeAll(async () => {
  testDatabase = await createTestDatabase({ empty: true });
  await migrate(testDatabase.database, { through: '0016_lead_writes_without_foreign_keys' });
  // The leads of a release before 0017 (their campaigns do not matter here: no foreign keys since 0016).
  await testDatabase.database.script(async (script) => {
    for (const [id, campaign, clickId, state] of [
      ['lead_live', 'cmp_a', 'click-1', 'created'],
      ['lead_rejected_1', 'cmp_a', 'click-1', 'rejected'],
      ['lead_rejected_2', 'cmp_a', 'click-1', 'rejected'],
      ['lead_other_campaign', 'cmp_b', 'click-1', 'queued'],
      ['lead_no_click', 'cmp_a', null, 'queued'],
    ] as const)
      await script(
        `insert into leads (id, campaign_id, state, click_id, phone, created_at, updated_at)
         values ($1, $2, $3, $4, '+79130000000', now(), now())`,
        [id, campaign, state, clickId],
      );
    await script(
      `insert into lead_status_history (lead_id, status_id, source, changed_at, recorded_at)
       values ('lead_live', '1', 'created', '2026-01-01T00:00:00Z', now()),
              ('lead_live', '3', 'webhook', '2026-01-02T00:00:00Z', now())`,
    );
  });
  expect(await migrate(testDatabase.database)).toEqual(['0017_one_click_id_index_and_history_key']);
});

afterAll(async () => {
  await testDatabase.drop();
});

describe('after migration 0017', () => {
  it('a lead holds its click id until it is rejected', async () => {
    const rows = await run('select id, click_id_held from leads order by id');
    expect(rows).toEqual([
      { id: 'lead_live', click_id_held: true },
      { id: 'lead_no_click', click_id_held: true },
      { id: 'lead_other_campaign', click_id_held: true },
      { id: 'lead_rejected_1', click_id_held: null },
      { id: 'lead_rejected_2', click_id_held: null },
    ]);
  });

  it('refuses a second live lead with a campaign click id, and takes rejected ones and other campaigns', async () => {
    await expect(lead('lead_dup', 'cmp_a', 'click-1', 'queued')).rejects.toMatchObject({ code: '23505' });
    await lead('lead_rejected_3', 'cmp_a', 'click-1', 'rejected');
    await lead('lead_c', 'cmp_c', 'click-1', 'queued');
    // A rejected lead set live again collides like a new one.
    await expect(run(`update leads set state = 'queued' where id = 'lead_rejected_1'`)).rejects.toMatchObject(
      {
        code: '23505',
      },
    );
    // Rejecting the live lead frees its click id.
    await run(`update leads set state = 'rejected' where id = 'lead_live'`);
    await lead('lead_resent', 'cmp_a', 'click-1', 'queued');
  });

  it('keeps one history entry per lead, status and time', async () => {
    const inserted = await run(
      `insert into lead_status_history (lead_id, status_id, source, changed_at, recorded_at)
       values ('lead_live', '3', 'webhook', '2026-01-02T00:00:00Z', now()) on conflict do nothing returning id`,
    );
    expect(inserted).toEqual([]);
  });

  it('has one index on click ids and one on a lead’s history besides the keys', async () => {
    const indexes = await run(
      `select indexname from pg_indexes where tablename in ('leads', 'lead_status_history') order by indexname`,
    );
    expect(indexes.map((row) => row.indexname)).toEqual([
      'lead_status_history_lead_changed_status',
      'lead_status_history_pkey',
      'leads_campaign_click_id',
      'leads_campaign_ip',
      'leads_campaign_order',
      'leads_campaign_phone',
      'leads_held_for_schema',
      'leads_inline_lease',
      'leads_partner_idempotency_key',
      'leads_pkey',
      'leads_possible_duplicate',
    ]);
  });
});
