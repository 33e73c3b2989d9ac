// A lead's personal data is kept in the database (the lead, its audit trail) and out of the process log,
// which is shipped to and kept by other systems: not from an intake, nor from the console's search by phone.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { adminToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

it("keeps a lead's phone, name and address out of the process log", async () => {
  await h.createCampaign('personal-logs');
  const key = await h.createPartner(['personal-logs']);
  const lead = await h.request({
    method: 'POST',
    url: '/v1/leads/personal-logs',
    body: { phone: '+79161230077', name: 'Zinaida Loggable', address: 'Tverskaya 7', click_id: 'pl-1' },
    headers: { 'x-api-key': key },
  });
  expect(lead.status, lead.text).toBe(201);
  const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  const search = await h.request({
    method: 'GET',
    url: '/admin/leads?phone=%2B79161230077&campaign=personal-logs',
    headers: { cookie },
  });
  expect(search.status).toBe(200);
  expect(search.text).toContain(lead.body.lead_id);

  const logs = h.logLines.join('');
  expect(logs).toContain('/admin/leads?phone=[personal]&campaign=personal-logs');
  for (const personal of ['9161230077', 'Zinaida', 'Loggable', 'Tverskaya'])
    expect(logs).not.toContain(personal);
});
