// Shutdown waits for handlers still working, even when their client has gone, before closing the database.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { jobs } from '../../src/db/schema.js';
import { waitFor } from '../support/child-service.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ salesrenderTimeoutMs: 3_000 });
  await h.createCampaign('graceful');
});
afterAll(async () => {
  await h?.close();
});

it('records the outcome of a lead whose SalesRender call is in flight when SIGTERM-style close begins', async () => {
  const key = await h.createPartner(['graceful']);
  h.sandbox.faults.set('timeout', 1, 700);
  const before = h.sandbox.requests.length;
  const client = new AbortController();
  const answer = fetch(`${h.url}/v1/leads/graceful`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ phone: '+79128880001', click_id: 'graceful-1' }),
    signal: client.signal,
  }).catch((error: Error) => error);
  await waitFor(() => h.sandbox.requests.length > before, 10_000, 'the SalesRender call');
  client.abort(); // the buyer's connection goes away mid-request
  await answer;
  await h.service.close();

  const rows = await h.testDatabase.database.orm.select().from(jobs).where(eq(jobs.kind, 'create_order'));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ state: 'pending', attempts: 1, lockedBy: null });
  expect(rows[0]!.lastError).toMatch(/SR_UNAVAILABLE/);
  expect(h.logLines.join('')).not.toMatch(/Cannot use a pool|after calling end|closed/i);
});
