import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

it('creates an order', async () => {
  await h.createCampaign('smoke');
  const key = await h.createPartner(['smoke']);
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/smoke',
    body: { name: ' Ivan   Petrov ', phone: '8 (912) 345-67-89', click_id: 'c1', sub1: 's1' },
    headers: { 'x-api-key': key },
  });
  console.log(response.status, response.body);
  expect(response.status).toBe(201);
});
