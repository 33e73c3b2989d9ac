// LeadBridge against SalesRender companies whose schema differs where the fact sheet says [assumed]:
// orders are still created and read back, postbacks fire, and what had to be left out is named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaVariant } from '../../sandbox/schema-variants.js';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { adminToken, cpaToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let tracker: TestTracker;
let key: string;
let cookie: string;

const variants: { variant: SchemaVariant; companyId: string; leftOut: string[] }[] = [
  { variant: 'nested-lead', companyId: '31', leftOut: [] },
  {
    variant: 'no-subid-3-10',
    companyId: '32',
    leftOut: ['source.subid_3', 'source.subid_4', 'source.subid_5', 'source.subid_6', 'source.subid_10'],
  },
  { variant: 'address-country', companyId: '33', leftOut: [] },
  { variant: 'no-logs', companyId: '34', leftOut: [] },
  { variant: 'logs-without-create', companyId: '35', leftOut: [] },
];

const aliasOf = (variant: string) => `variant-${variant}`;

beforeAll(async () => {
  h = await startHarness();
  tracker = await startTestTracker();
  for (const { variant, companyId } of variants) {
    const campaign = await h.createCampaign(aliasOf(variant), {
      salesrender: {
        company_id: companyId,
        offer_id: '10',
        webmaster_id: '77',
        fields: { address: 'address', lead_id: 'source.subid_10' },
      },
      postback: { url: `${tracker.url}/pb?clickid={click_id}&status={status}&comment={comment}&tid={tid}` },
    });
    h.addCompanyFor(campaign);
    h.sandbox.setSchemaVariants(companyId, [variant]);
  }
  key = await h.createPartner(variants.map(({ variant }) => aliasOf(variant)));
  const signIn = await h.request({ method: 'POST', url: '/admin/sign-in', form: { token: adminToken } });
  cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  h.service.context.worker.start();
});
afterAll(async () => {
  await h?.close();
  await tracker?.close();
});

describe.each(variants)('under the $variant schema', ({ variant, companyId, leftOut }) => {
  it('creates the order, reads it back after a status change and posts back the comment', async () => {
    const alias = aliasOf(variant);
    const answer = await h.request({
      method: 'POST',
      url: `/v1/leads/${alias}`,
      body: {
        phone: '+79121110000',
        name: 'Ivan Petrov',
        click_id: `click-${variant}`,
        sub1: 'a',
        sub2: 'b',
        sub3: 'c',
      },
      headers: { 'x-api-key': key },
    });
    expect(answer.status, answer.text).toBe(201);
    const orderId = answer.body.order_id as string;
    const order = h.sandbox.companies.get(companyId)?.orders.get(orderId);
    expect(order).toBeDefined();
    if (variant === 'nested-lead') {
      // Attribution placed in the nested object the live AddOrderInput has.
      expect(order?.lead).toMatchObject({ webmasterId: '77', offerId: '10' });
    }
    if (variant === 'address-country') {
      expect(order?.data.addressFields[0]?.value.country).toBe('RU');
    }
    if (variant === 'no-subid-3-10') {
      expect(order?.source.subid_1).toBe(`click-${variant}`);
      expect(order?.source.subid_4).toBeUndefined();
    }

    await h.settle(); // the order's creation is posted back first (pending)
    const before = tracker.received.length;
    h.sandbox.changeStatus(companyId, orderId, '3', `approved under ${variant}`);
    await h.settle();
    const postbacks = tracker.received.slice(before);
    expect(postbacks.map((postback) => postback.query.status)).toEqual(['accepted']);
    expect(postbacks[0]?.query.comment).toBe(`approved under ${variant}`);
    expect(postbacks[0]?.query.clickid).toBe(`click-${variant}`);
  });

  it('names every key it leaves out in campaign check and on the campaign page', async () => {
    const check = await h.admin('POST', `/admin/api/campaigns/${aliasOf(variant)}/check`);
    expect(check.status, check.text).toBe(200);
    expect([...check.body.left_out].sort()).toEqual([...leftOut].sort());
    for (const path of leftOut) {
      expect(check.body.problems).toContainEqual(
        expect.objectContaining({ kind: 'input_left_out', severity: 'warning', path }),
      );
    }
    expect(
      check.body.problems.filter((problem: { severity: string }) => problem.severity === 'error'),
    ).toEqual([]);
    const page = await h.request({
      method: 'GET',
      url: `/admin/campaigns/${aliasOf(variant)}`,
      headers: { cookie },
    });
    expect(page.status).toBe(200);
    for (const path of leftOut) expect(page.text).toContain(path);
    // Without subid_3..10 on input, the reference routed to source.subid_10 is never written either.
    if (variant === 'no-logs' || variant === 'logs-without-create' || variant === 'no-subid-3-10') {
      expect(check.body.in_doubt_lookup).toBe('none');
      expect(check.body.problems).toContainEqual(expect.objectContaining({ kind: 'logs' }));
    } else {
      expect(check.body.in_doubt_lookup).toBe('logs');
    }
  });
});

describe('a CPA campaign', () => {
  it('is checked against the GraphQL schema its /CPA module serves', async () => {
    await h.createCampaign('variant-cpa', {
      module: 'cpa',
      salesrender: {
        company_id: '31',
        token: cpaToken,
        offer_id: '10',
        project_id: null,
        initial_status_id: null,
      },
    });
    const check = await h.admin('POST', '/admin/api/campaigns/variant-cpa/check');
    expect(check.status, check.text).toBe(200);
    expect(check.body).toMatchObject({ ok: true, problems: [], left_out: [] });
    const introspected = h.sandbox.requests.filter((request) => request.path === '/companies/31/CPA');
    expect(introspected.length).toBeGreaterThan(0);
  });
});
