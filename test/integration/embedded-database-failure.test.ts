// The embedded database can fail too (its instance stops, its disk fills): requests are then answered
// 503 DATABASE_UNAVAILABLE with Retry-After, never a bare 500, and /readyz says so.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';
import { onPostgres } from '../support/test-database.js';

let h: Harness;
let key: string;
beforeAll(async () => {
  if (onPostgres) return;
  h = await startHarness();
  await h.createCampaign('embedded-fail');
  key = await h.createPartner(['embedded-fail']);
});
afterAll(async () => {
  await h?.close().catch(() => {}); // its database is already closed
});

const sendLead = (clickId: string) =>
  h.request({
    method: 'POST',
    url: '/v1/leads/embedded-fail',
    body: { phone: '+79125550111', click_id: clickId },
    headers: { 'x-api-key': key },
  });

it.skipIf(onPostgres)('answers 503 with Retry-After once the embedded database has stopped', async () => {
  expect((await sendLead('before')).status).toBe(201);
  await h.service.context.database.close();

  const refused = await sendLead('after');
  expect(refused.status).toBe(503);
  expect(refused.body.error.code).toBe('DATABASE_UNAVAILABLE');
  expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

  const ready = await h.request({ method: 'GET', url: '/readyz' });
  expect(ready.status).toBe(503);
  expect(ready.body.checks.database).toMatch(/^unreachable/);
});
