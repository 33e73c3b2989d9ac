// Property-based: random and hostile input to the intake, webhook and advertiser endpoints never yields a 5xx,
// never crashes, and every refusal is audited with its reason.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let partnerKey: string;
let advertiserKey: string;
let webhookPath: string;

beforeAll(async () => {
  h = await startHarness({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
  const campaign = await h.createCampaign('hostile', {
    postback: { url: 'http://127.0.0.1:9/pb?c={click_id}&p={payout}' },
    dedupe_window_hours: 0,
  });
  webhookPath = new URL(campaign.webhook_url).pathname;
  partnerKey = await h.createPartner(['hostile']);
  advertiserKey = (await h.admin('POST', '/admin/api/advertisers', { name: 'A', campaigns: ['hostile'] }))
    .body.api_key;
});
afterAll(async () => {
  await h?.close();
});

const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    "'; drop table leads; --",
    '{payout}',
    '{{7*7}}',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection attempt, kept as plain text on purpose
    '${process.exit()}',
    '\u0000\u0001\u001f',
    '\ud800',
    'x'.repeat(3000),
    '+7 912 345-67-89',
    '<script>alert(1)</script>',
    '../../etc/passwd',
  ),
);
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.constantFrom(
      'phone',
      'name',
      'click_id',
      'country',
      'ip',
      'sub1',
      'aff_sub',
      'comment',
      'api_key',
      'x',
    ),
    fc.oneof(
      nasty,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(nasty),
      fc.dictionary(fc.string(), nasty),
    ),
  ),
);

const withoutServerErrors = async (send: () => Promise<{ status: number; text: string }>) => {
  const response = await send();
  expect(response.status, response.text).toBeLessThan(500);
  return response;
};

it('intake: random JSON and hostile strings give 2xx or a precise 4xx, never 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(jsonish, async (body) => {
      await withoutServerErrors(() =>
        h.request({
          method: 'POST',
          url: '/v1/leads/hostile',
          body: JSON.stringify(body),
          headers: { 'x-api-key': partnerKey, 'content-type': 'application/json' },
        }),
      );
    }),
    { numRuns: 150 },
  );
});

it('intake: deep nesting, invalid JSON and strange content types are refused as 4xx', async () => {
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  for (const [body, type] of [
    [deep, 'application/json'],
    ['{"phone": ', 'application/json'],
    ['phone=%E0%A4%A', 'application/x-www-form-urlencoded'],
    ['\xff\xfe', 'application/json'],
    ['hello', 'text/plain'],
  ] as const) {
    const response = await withoutServerErrors(() =>
      h.request({
        method: 'POST',
        url: '/v1/leads/hostile',
        body,
        headers: { 'x-api-key': partnerKey, 'content-type': type },
      }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
  }
});

it('stores a lead whose strings hold a lone surrogate and a NUL (both refused by PostgreSQL as such)', async () => {
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/hostile',
    body: '{"phone": "+79127772222", "name": "Iv\\ud800an\\u0000", "note": {"\\ud800": "\\u0000"}}',
    headers: { 'x-api-key': partnerKey, 'content-type': 'application/json' },
  });
  expect(response.status, response.text).toBe(201);
});

it('a macro inside a field value is sent as text, never expanded', async () => {
  const lead = await h.request({
    method: 'POST',
    url: '/v1/leads/hostile',
    body: { phone: '+79127771111', click_id: '{payout}{status}' },
    headers: { 'x-api-key': partnerKey },
  });
  expect(lead.status).toBe(201);
  h.sandbox.companies.get('1')!.updateOrder({ id: lead.body.order_id, statusId: '3' });
  await h.request({ method: 'POST', url: webhookPath, body: { data: { id: lead.body.order_id } } });
  await h.service.context.worker.runOnce();
  const postbacks = await h.admin('GET', '/admin/api/postbacks?campaign=hostile');
  const accepted = postbacks.body.postbacks.find(
    (postback: { label: string }) => postback.label === 'accepted',
  );
  expect(accepted.url).toBe('http://127.0.0.1:9/pb?c=%7Bpayout%7D%7Bstatus%7D&p=12.5');
});

it('webhooks and advertiser updates: random bodies never give a 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(jsonish, async (body) => {
      await withoutServerErrors(() =>
        h.request({
          method: 'POST',
          url: webhookPath,
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
      );
      await withoutServerErrors(() =>
        h.request({
          method: 'POST',
          url: '/v1/orders/status',
          body: JSON.stringify(body),
          headers: { 'x-api-key': advertiserKey, 'content-type': 'application/json' },
        }),
      );
      await withoutServerErrors(() =>
        h.request({
          method: 'POST',
          url: '/v1/orders/1/status',
          body: JSON.stringify(body),
          headers: { 'x-api-key': advertiserKey, 'content-type': 'application/json' },
        }),
      );
    }),
    { numRuns: 60 },
  );
});

it('admin API: random campaign bodies give 201 or 4xx, never 5xx', async () => {
  await fc.assert(
    fc.asyncProperty(jsonish, async (body) => {
      await withoutServerErrors(() => h.admin('POST', '/admin/api/campaigns', body));
      await withoutServerErrors(() => h.admin('PATCH', '/admin/api/campaigns/hostile', body));
    }),
    { numRuns: 60 },
  );
});

it('every refusal is in the audit log with its reason', async () => {
  const audit = await h.admin('GET', '/admin/api/audit?format=ndjson');
  const rows = audit.text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const refused = rows.filter((row) => row.event.endsWith('.refused'));
  expect(refused.length).toBeGreaterThan(50);
  for (const row of refused) {
    expect(row.outcome).toMatch(/^[A-Z_]+$/);
    expect(row.http_status).toBeGreaterThanOrEqual(400);
    expect(row.http_status).toBeLessThan(500);
    expect(
      rows.some((other) => other.request_id === row.request_id && other.event.endsWith('.received')),
    ).toBe(true);
  }
});
