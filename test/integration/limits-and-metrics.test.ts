// Per-key rate limits, body size limits and the Prometheus endpoint.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let key: string;
beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '5', BODY_LIMIT_BYTES: '2048' } });
  await h.createCampaign('limited');
  key = await h.createPartner(['limited']);
});
afterAll(async () => {
  await h?.close();
});

const send = (body: unknown, apiKey = key) =>
  h.request({ method: 'POST', url: '/v1/leads/limited', body, headers: { 'x-api-key': apiKey } });

it('answers 429 with Retry-After past the per-key limit, audits it, and leaves other keys alone', async () => {
  const statuses: number[] = [];
  for (let index = 0; index < 7; index++)
    statuses.push((await send({ phone: `+791277700${10 + index}` })).status);
  expect(statuses.slice(0, 5).every((status) => status === 201)).toBe(true);
  const limited = await send({ phone: '+79127770099' });
  expect(limited.status).toBe(429);
  expect(limited.body.error.code).toBe('RATE_LIMITED');
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  const other = await send({ phone: '+79127770098' }, 'lb_someone-else');
  expect(other.status).toBe(401);
  const audit = await h.admin('GET', `/admin/api/audit?format=ndjson`);
  expect(audit.text).toContain('"outcome":"RATE_LIMITED"');
});

it('slows guessing of the admin token at the console: ten sign-ins a minute per address, each audited', async () => {
  const statuses: number[] = [];
  for (let index = 0; index < 11; index++) {
    const answer = await h.request({
      method: 'POST',
      url: '/admin/sign-in',
      form: { token: `guess-${index}` },
    });
    statuses.push(answer.status);
  }
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses[10]).toBe(429);
  const audit = await h.admin('GET', '/admin/api/audit?format=ndjson');
  expect(audit.text.split('\n').filter((line) => line.includes('"console.sign_in"'))).toHaveLength(10);
});

it('answers 413 to a body over the limit, and audits it', async () => {
  const response = await send({ phone: '+79127770001', name: 'x'.repeat(5000) }, 'lb_fresh-key-for-size');
  expect(response.status).toBe(413);
  expect(response.body.error.code).toBe('BODY_TOO_LARGE');
});

it('serves Prometheus metrics without secrets', async () => {
  const response = await h.request({ method: 'GET', url: '/metrics' });
  expect(response.status).toBe(200);
  expect(response.text).toContain(
    'leadbridge_http_requests_total{method="POST",route="/v1/leads/:alias",status="201"}',
  );
  expect(response.text).toContain('leadbridge_salesrender_request_duration_seconds_bucket');
  expect(response.text).toMatch(/leadbridge_jobs\{kind="create_order",state="failed"\}|leadbridge_jobs /);
  expect(response.text).toContain('leadbridge_leads_total{outcome="created"}');
  expect(response.text).not.toContain(key);
});
