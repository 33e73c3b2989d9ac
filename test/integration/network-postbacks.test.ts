// A network: companies connected once, offers on them, and buyers each with their own tracker endpoints and
// payouts. A status change reaches the network's endpoint and exactly the lead's partner's, with its payout.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTracker, type TestTracker } from '../../sandbox/test-tracker.js';
import { crmToken, type Harness, startHarness } from '../support/harness.js';

let h: Harness;
/** The network's own tracker (each campaign's postback) and the buyers' trackers. */
let network: TestTracker;
let buyers: TestTracker;
let down: TestTracker;
const keys: Record<string, string> = {};
const partnerIds: Record<string, string> = {};
const connections: Record<string, { id: string; webhook_url: string }> = {};

const statusMap = { '1': 'pending', '2': 'pending', '3': 'accepted', '4': 'rejected', '5': 'trash' };

async function connect(companyId: string) {
  const response = await h.admin('POST', '/admin/api/connections', {
    name: `Call centre ${companyId}`,
    base_url: h.sandbox.url,
    company_id: companyId,
    token: crmToken,
  });
  expect(response.status, response.text).toBe(201);
  h.addCompanyFor({ webhook_url: response.body.webhook_url, salesrender: { company_id: companyId } });
  return response.body as { id: string; webhook_url: string };
}

async function campaign(alias: string, connectionId: string) {
  const response = await h.admin('POST', '/admin/api/campaigns', {
    alias,
    name: alias,
    connection_id: connectionId,
    salesrender: { project_id: '1', initial_status_id: '1' },
    status_map: statusMap,
    payouts: { accepted: 10 },
    currency: 'USD',
    default_country: 'RU',
    postback: {
      url: `${network.url}/network?c=${alias}&clickid={click_id}&status={status}&payout={payout}&cur={currency}`,
      on: ['accepted', 'rejected'],
    },
  });
  expect(response.status, response.text).toBe(201);
}

async function partner(name: string, aliases: string[]) {
  const response = await h.admin('POST', '/admin/api/partners', { name, campaigns: aliases });
  expect(response.status, response.text).toBe(201);
  keys[name] = response.body.api_key;
  partnerIds[name] = response.body.id;
}

async function endpoint(name: string, body: Record<string, unknown>) {
  const response = await h.admin('POST', `/admin/api/partners/${partnerIds[name]}/postback-endpoints`, body);
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string; signing_secret: string };
}

let phones = 0;
async function sendLead(name: string, alias: string, phone = `+7912666${String(1000 + ++phones)}`) {
  const click = `${name}-${alias}-${++phones}`;
  const response = await h.request({
    method: 'POST',
    url: `/v1/leads/${alias}`,
    body: { phone, click_id: click },
    headers: { 'x-api-key': keys[name]! },
  });
  expect(response.status, response.text).toBe(201);
  // The order's creation posts back its starting label; delivered before the specs change the status,
  // it is not superseded by the newer one (which it would be on a slow machine).
  await h.settle();
  return { ...(response.body as { lead_id: string; order_id: string }), click };
}

const company = { 'net-a': '101', 'net-b': '101', 'net-c': '102' } as Record<string, string>;
async function accept(alias: string, orderId: string) {
  h.sandbox.changeStatus(company[alias]!, orderId, '3');
  await h.settle();
}
/** The postbacks a tracker got for one click, whatever its parameter is called (clickid, subid, …). */
const received = (tracker: TestTracker, click: string) =>
  tracker.received.filter(
    (postback) => Object.values(postback.query).includes(click) || postback.body.includes(click),
  );

beforeAll(async () => {
  h = await startHarness();
  [network, buyers, down] = await Promise.all([startTestTracker(), startTestTracker(), startTestTracker()]);
  connections.first = await connect('101');
  connections.second = await connect('102');
  await campaign('net-a', connections.first.id);
  await campaign('net-b', connections.first.id);
  await campaign('net-c', connections.second.id);
  await partner('p1', ['net-a', 'net-b', 'net-c']);
  await partner('p2', ['net-a', 'net-b']);
  await partner('p3', ['net-c']);
  await partner('p4', ['net-a']);
  // The test tracker speaks plain http: the host is given with its scheme.
  const host = buyers.url;
  // p1: its Keitaro for every campaign; p2: a default, and its own endpoint for net-b;
  // p3: a signed POST; p4: no tracker of its own.
  await endpoint('p1', { preset: 'keitaro', host, key: 'p1key', url: undefined });
  await endpoint('p2', {
    name: 'p2 default',
    url: `${buyers.url}/p2?clickid={click_id}&status={status}&payout={payout}`,
    on: ['accepted'],
  });
  await endpoint('p2', {
    name: 'p2 for net-b',
    campaign: 'net-b',
    url: `${buyers.url}/p2b?clickid={click_id}&status={status}&payout={payout}`,
    on: ['accepted'],
  });
  await h.admin('PUT', `/admin/api/partners/${partnerIds.p1}/campaigns/net-a/payouts`, {
    payouts: { accepted: 20 },
    payouts_by_country: { KZ: { accepted: 7.5 } },
  });
  h.service.context.worker.start();
});
afterAll(async () => {
  await h?.close();
  await Promise.all([network?.close(), buyers?.close(), down?.close()]);
});

describe('a status change in a network', () => {
  it("reaches the network's endpoint and exactly the lead's partner's, with that partner's payout", async () => {
    const lead = await sendLead('p1', 'net-a');
    await accept('net-a', lead.order_id);
    const toNetwork = received(network, lead.click);
    expect(toNetwork.map((postback) => postback.query.status)).toEqual(['accepted']);
    expect(toNetwork[0]!.query).toMatchObject({ c: 'net-a', payout: '20', cur: 'USD' });
    // p1's Keitaro, from the preset with its host and key: the sale at p1's rate on net-a.
    const toBuyer = received(buyers, lead.click);
    expect(toBuyer).toHaveLength(2);
    expect(toBuyer.map((postback) => new URL(postback.url, 'http://x').pathname)).toEqual([
      '/p1key/postback',
      '/p1key/postback',
    ]);
    expect(toBuyer.map((postback) => [postback.query.status, postback.query.payout])).toEqual([
      ['lead', '0'],
      ['sale', '20'],
    ]);
    const shown = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': keys.p1! },
    });
    expect(shown.body).toMatchObject({ label: 'accepted', payout: 20, currency: 'USD' });
  });

  it("pays the partner's rate for the lead's country, and the campaign's where the partner has none", async () => {
    const kazakh = await sendLead('p1', 'net-a', '+77012345678');
    await accept('net-a', kazakh.order_id);
    expect(received(buyers, kazakh.click).at(-1)!.query).toMatchObject({ status: 'sale', payout: '7.5' });
    const onB = await sendLead('p1', 'net-b');
    await accept('net-b', onB.order_id);
    expect(received(buyers, onB.click).at(-1)!.query).toMatchObject({ status: 'sale', payout: '10' });
  });

  it("sends a partner's campaign override instead of its default, and nothing for another partner's lead", async () => {
    const onA = await sendLead('p2', 'net-a');
    const onB = await sendLead('p2', 'net-b');
    const other = await sendLead('p4', 'net-a');
    await accept('net-a', onA.order_id);
    await accept('net-b', onB.order_id);
    await accept('net-a', other.order_id);
    expect(received(buyers, onA.click).map((postback) => new URL(postback.url, 'http://x').pathname)).toEqual(
      ['/p2'],
    );
    expect(received(buyers, onB.click).map((postback) => new URL(postback.url, 'http://x').pathname)).toEqual(
      ['/p2b'],
    );
    expect(received(buyers, other.click)).toEqual([]);
    for (const lead of [onA, onB, other]) expect(received(network, lead.click)).toHaveLength(1);
  });

  it('signs a POST endpoint with its own secret', async () => {
    // Verifiers refuse timestamps more than 5 minutes from their own clock.
    h.clock.set(new Date());
    const { signing_secret } = await endpoint('p3', {
      name: 'p3 signed',
      url: `${buyers.url}/p3`,
      method: 'POST',
      on: ['accepted'],
    });
    const lead = await sendLead('p3', 'net-c');
    await accept('net-c', lead.order_id);
    const [post] = received(buyers, lead.click);
    expect(post!.method).toBe('POST');
    const verified = new Webhook(signing_secret).verify(post!.body, post!.headers as Record<string, string>);
    expect(verified).toMatchObject({ click_id: lead.click, status: 'accepted', payout: '10' });
  });

  it("does not hold the others back while one partner's tracker is down, and retries it alone", async () => {
    const failing = await endpoint('p4', {
      name: 'p4 down',
      url: `${down.url}/p4?clickid={click_id}&status={status}&payout={payout}`,
      on: ['accepted'],
    });
    down.failNext(Array(20).fill(503));
    const lead = await sendLead('p4', 'net-a');
    await accept('net-a', lead.order_id);
    expect(received(network, lead.click)).toHaveLength(1);
    expect(received(down, lead.click)).toHaveLength(1);
    const log = await h.admin('GET', `/admin/api/postback-endpoints/${failing.id}/postbacks`);
    expect(log.body.postbacks).toHaveLength(1);
    expect(log.body.postbacks[0]).toMatchObject({
      endpoint_id: failing.id,
      state: 'pending',
      last_http_status: 503,
      attempts: 1,
    });
    const networkLog = await h.admin('GET', `/admin/api/postbacks?campaign=net-a&state=delivered`);
    expect(
      networkLog.body.postbacks.some(
        (postback: { lead_id: string; endpoint_id: string | null }) =>
          postback.lead_id === lead.lead_id && postback.endpoint_id === null,
      ),
    ).toBe(true);
  });

  it('keeps what was paid and posted back when a payout is edited later', async () => {
    const lead = await sendLead('p1', 'net-a');
    await accept('net-a', lead.order_id);
    const edited = await h.admin('PUT', `/admin/api/partners/${partnerIds.p1}/campaigns/net-a/payouts`, {
      payouts: { accepted: 99 },
    });
    expect(edited.status).toBe(200);
    await h.settle();
    const shown = await h.request({
      method: 'GET',
      url: `/v1/leads/${lead.lead_id}`,
      headers: { 'x-api-key': keys.p1! },
    });
    expect(shown.body).toMatchObject({ label: 'accepted', payout: 20 });
    expect(shown.body.history.at(-1)).toMatchObject({ label: 'accepted', payout: 20, currency: 'USD' });
    expect(received(buyers, lead.click).map((postback) => postback.query.payout)).toEqual(['0', '20']);
    // The next lead's sale is paid at the new rate.
    const next = await sendLead('p1', 'net-a');
    await accept('net-a', next.order_id);
    expect(received(buyers, next.click).at(-1)!.query.payout).toBe('99');
  });
});

describe('postback endpoints in the admin API', () => {
  it('refuses a preset without the host and key it needs, and a campaign the partner may not use, naming the field', async () => {
    const noHost = await h.admin('POST', `/admin/api/partners/${partnerIds.p3}/postback-endpoints`, {
      preset: 'keitaro',
    });
    expect(noHost.status).toBe(422);
    expect(noHost.body.error.fields.host).toContain('<tracker-domain>');
    const notAllowed = await h.admin('POST', `/admin/api/partners/${partnerIds.p3}/postback-endpoints`, {
      campaign: 'net-a',
      url: `${buyers.url}/x?c={click_id}`,
    });
    expect(notAllowed.status).toBe(422);
    expect(Object.keys(notAllowed.body.error.fields)).toEqual(['campaign']);
  });

  it("sends a test postback to an endpoint with the tracker's answer, and pauses and removes it", async () => {
    const created = await endpoint('p3', {
      name: 'p3 test',
      url: `${buyers.url}/p3test?clickid={click_id}&status={status}`,
    });
    const test = await h.admin('POST', `/admin/api/postback-endpoints/${created.id}/test`, {
      label: 'accepted',
    });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ http_status: 200, delivered: true });
    expect(test.body.url).toContain('/p3test?clickid=test-click-id&status=accepted');
    const paused = await h.admin('PATCH', `/admin/api/postback-endpoints/${created.id}`, { active: false });
    expect(paused.body.active).toBe(false);
    const listed = await h.admin('GET', `/admin/api/partners/${partnerIds.p3}/postback-endpoints`);
    // Both were made at the same (test) instant: listed by time, then by id.
    expect(listed.body.endpoints.map((item: { name: string }) => item.name).sort()).toEqual([
      'p3 signed',
      'p3 test',
    ]);
    expect((await h.admin('DELETE', `/admin/api/postback-endpoints/${created.id}`)).status).toBe(204);
    expect((await h.admin('DELETE', `/admin/api/postback-endpoints/${created.id}`)).status).toBe(404);
  });
});
