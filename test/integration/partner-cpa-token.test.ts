// A webmaster submitting as themself: a partner's own CPA webmaster token on a CPA campaign sends its
// leads as that webmaster; other partners' leads go with the campaign's token, as before.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findLeadById } from '../../src/leads/lead-repository.js';
import { cpaToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let ownKey: string;
let ownPartnerId: string;
let otherKey: string;
const ownToken = 'eyJhbGciOiJIUzI1NiJ9.webmaster-88-token.c2lnbmF0dXJl';

beforeAll(async () => {
  h = await startHarness();
  // The sandbox company knows a second webmaster, 88, by its token; the campaign's token stands for 77.
  h.sandbox.companies.get('1')!.config.cpaTokens[ownToken] = '88';
  await h.createCampaign('cpa-own-token', {
    module: 'cpa',
    salesrender: { token: cpaToken, offer_id: '10', project_id: null, initial_status_id: null },
  });
  await h.createCampaign('crm-no-token');
  const own = await h.admin('POST', '/admin/api/partners', {
    name: 'Webmaster 88',
    campaigns: ['cpa-own-token', 'crm-no-token'],
  });
  ownKey = own.body.api_key;
  ownPartnerId = own.body.id;
  otherKey = await h.createPartner(['cpa-own-token']);
});
afterAll(async () => {
  await h?.close();
});

async function sendLead(key: string, phone: string) {
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/cpa-own-token',
    headers: { 'x-api-key': key },
    body: { phone, name: 'Ivan Petrov', click_id: `click-${phone}` },
  });
  expect(response.status).toBe(201);
  const call = h.sandbox.requests.at(-1)!;
  const order = h.sandbox.companies.get('1')!.orders.get(String(response.body.order_id));
  return { authorization: call.headers.authorization, webmaster: order?.lead?.webmasterId ?? null };
}

it("sends the partner's leads with its own token once set, so SalesRender counts them as its webmaster's", async () => {
  const set = await h.admin('PUT', `/admin/api/partners/${ownPartnerId}/campaigns/cpa-own-token/cpa-token`, {
    token: ownToken,
  });
  expect(set.status).toBe(200);
  expect(set.body).toEqual({ partner_id: ownPartnerId, campaign: 'cpa-own-token', own_token: true });
  expect(JSON.stringify(set.body)).not.toContain(ownToken);

  expect(await sendLead(ownKey, '+79120005501')).toEqual({ authorization: ownToken, webmaster: '88' });
  expect(await sendLead(otherKey, '+79120005502')).toEqual({ authorization: cpaToken, webmaster: '77' });

  const partner = await h.admin('GET', `/admin/api/partners/${ownPartnerId}`);
  expect(partner.body.cpa_token_campaigns).toEqual(['cpa-own-token']);
});

it("goes back to the campaign's token when cleared", async () => {
  const cleared = await h.admin(
    'PUT',
    `/admin/api/partners/${ownPartnerId}/campaigns/cpa-own-token/cpa-token`,
    {
      token: null,
    },
  );
  expect(cleared.body.own_token).toBe(false);
  expect(await sendLead(ownKey, '+79120005503')).toEqual({ authorization: cpaToken, webmaster: '77' });
  const partner = await h.admin('GET', `/admin/api/partners/${ownPartnerId}`);
  expect(partner.body.cpa_token_campaigns).toEqual([]);
});

it('refuses a token on a CRM campaign and on a campaign the partner may not use, naming the field', async () => {
  const crm = await h.admin('PUT', `/admin/api/partners/${ownPartnerId}/campaigns/crm-no-token/cpa-token`, {
    token: ownToken,
  });
  expect(crm.status).toBe(422);
  expect(crm.body.error.fields.token).toContain('CPA campaigns only');
  await h.createCampaign('cpa-not-allowed', {
    module: 'cpa',
    salesrender: { token: cpaToken, offer_id: '10', project_id: null, initial_status_id: null },
  });
  const notAllowed = await h.admin(
    'PUT',
    `/admin/api/partners/${ownPartnerId}/campaigns/cpa-not-allowed/cpa-token`,
    { token: ownToken },
  );
  expect(notAllowed.status).toBe(422);
  expect(notAllowed.body.error.fields.campaign).toContain('allow it the campaign first');
  const short = await h.admin(
    'PUT',
    `/admin/api/partners/${ownPartnerId}/campaigns/cpa-own-token/cpa-token`,
    {
      token: 'short',
    },
  );
  expect(short.status).toBe(422);
  expect(short.body.error.fields.token).toBe('must be the SalesRender API token');
});

it("names the partner's token, not the campaign's, when SalesRender refuses it", async () => {
  await h.admin('PUT', `/admin/api/partners/${ownPartnerId}/campaigns/cpa-own-token/cpa-token`, {
    token: 'eyJhbGciOiJIUzI1NiJ9.revoked-webmaster.c2lnbmF0dXJl',
  });
  const response = await h.request({
    method: 'POST',
    url: '/v1/leads/cpa-own-token',
    headers: { 'x-api-key': ownKey },
    body: { phone: '+79120005504', name: 'Ivan Petrov', click_id: 'click-refused' },
  });
  expect(response.status).toBe(202);
  const lead = await findLeadById(h.testDatabase.database.orm, response.body.lead_id);
  expect(lead).toMatchObject({ errorCode: 'SR_AUTH_FAILED' });
  expect(lead?.errorMessage).toMatch(/^SalesRender refused the partner's own webmaster token: /);
  await h.admin('PUT', `/admin/api/partners/${ownPartnerId}/campaigns/cpa-own-token/cpa-token`, {
    token: null,
  });
});
