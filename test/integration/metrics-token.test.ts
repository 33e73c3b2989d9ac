// With METRICS_TOKEN set, /metrics answers only a scraper that presents it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

const token = 'scrape-token-0123456789';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { METRICS_TOKEN: token } });
});
afterAll(async () => {
  await h?.close();
});

it('refuses a scrape without the token or with another one, and serves one with it', async () => {
  const missing = await h.request({ method: 'GET', url: '/metrics' });
  expect(missing.status).toBe(401);
  expect(missing.body.error.code).toBe('METRICS_UNAUTHORIZED');
  const wrong = await h.request({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${token}x` },
  });
  expect(wrong.status).toBe(401);
  const right = await h.request({
    method: 'GET',
    url: '/metrics',
    headers: { authorization: `Bearer ${token}` },
  });
  expect(right.status).toBe(200);
  expect(right.text).toContain('leadbridge_http_requests_total');
  // Health checks stay open for load balancers.
  expect((await h.request({ method: 'GET', url: '/healthz' })).status).toBe(200);
});
