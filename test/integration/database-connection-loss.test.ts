// PostgreSQL drops every LeadBridge connection (a restart or a failover): the service recovers by itself.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { waitFor } from '../support/child-service.js';
import { type Harness, startHarness } from '../support/harness.js';
import { queryRows } from '../support/query-rows.js';
import { suiteServerUrl } from '../support/test-database.js';

let h: Harness;
let tracker: TestTracker;

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

async function dropConnections(database: string): Promise<number> {
  const admin = new pg.Client({ connectionString: suiteServerUrl() });
  await admin.connect();
  const { rowCount } = await admin.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  await admin.end();
  return rowCount ?? 0;
}

it('keeps taking leads and delivering postbacks after every connection is killed', async () => {
  const campaign = await h.createCampaign('conn-loss', {
    salesrender: { company_id: '50' },
    postback: { url: `${tracker.url}/pb?clickid={click_id}` },
  });
  h.addCompanyFor(campaign);
  const key = await h.createPartner(['conn-loss']);
  h.service.context.worker.start();
  const send = (n: number) =>
    h.request({
      method: 'POST',
      url: '/v1/leads/conn-loss',
      body: { phone: `+79125550${100 + n}`, click_id: `cl-${n}` },
      headers: { 'x-api-key': key },
    });
  expect((await send(0)).status).toBe(201);

  const database = new URL(h.testDatabase.url).pathname.slice(1);
  expect(await dropConnections(database)).toBeGreaterThan(0);

  // The pool replaces dead connections; a request that raced the kill may fail, none after it.
  const statuses: number[] = [];
  for (let n = 1; n <= 10; n++) statuses.push((await send(n)).status);
  expect(statuses.slice(1).every((status) => status === 201)).toBe(true);

  // Webhook, refresh job and postback still flow (the LISTEN connection reconnects; the poll is the backstop).
  const lead = await send(20);
  expect(lead.status).toBe(201);
  h.sandbox.changeStatus('50', lead.body.order_id, '3');
  // The worker runs in the background here, so the harness clock follows real time: a wait the queue
  // schedules (a retry, a postback behind an older one of its lead) comes due as it would in production.
  let ticked = Date.now();
  let seen = '';
  await waitFor(
    async () => {
      h.clock.advance(Date.now() - ticked);
      ticked = Date.now();
      const jobs = await queryRows(
        h.testDatabase.database.orm,
        sql`select kind, state, attempts, last_error from jobs where lead_id = ${lead.body.lead_id} order by created_at`,
      );
      const webhooks = h.sandbox.webhooks.deliveries.map((delivery) => delivery.httpStatus ?? delivery.error);
      seen = JSON.stringify({ webhooks, jobs });
      return tracker.received.some((postback) => postback.query.clickid === 'cl-20');
    },
    15_000,
    () => `the postback; the lead's jobs and the webhooks' answers: ${seen}`,
  );
});
