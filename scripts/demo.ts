// `npm start`: LeadBridge on the embedded database with the SalesRender sandbox, a test tracker and a demo campaign.
import { randomBytes } from 'node:crypto';
import { startSandbox } from '../sandbox/server.js';
import { startTestTracker } from '../sandbox/test-tracker.js';
import { createClient, findClientByName, issueKey, revokeKeys } from '../src/campaigns/api-clients.js';
import { createCampaign, findCampaignByAlias, updateCampaign } from '../src/campaigns/campaign-repository.js';
import { registerShutdown } from '../src/cli/main.js';
import { loadSettings } from '../src/config/settings.js';
import {
  connectionWebhookUrl,
  createConnection,
  findConnectionByCompany,
  updateConnection,
} from '../src/connections/connection-repository.js';
import { startService } from '../src/service.js';

const sandboxPort = Number(process.env.SANDBOX_PORT ?? 8090);
const trackerPort = Number(process.env.TRACKER_PORT ?? 8091);
const adminToken = process.env.LEADBRIDGE_ADMIN_TOKEN || `demo-${randomBytes(12).toString('hex')}`;

// The demo's tracker and sandbox live on this machine, so postbacks to local addresses are allowed here
// (never the default in production: see LEADBRIDGE_ALLOW_PRIVATE_TARGETS).
const settings = loadSettings({
  LEADBRIDGE_ALLOW_PRIVATE_TARGETS: '1',
  ...process.env,
  LEADBRIDGE_ADMIN_TOKEN: adminToken,
});
const sandbox = await startSandbox({ port: sandboxPort });
const tracker = await startTestTracker({ port: trackerPort, print: true });
const service = await startService({ settings });
const url = await service.listen();
const { database, clock, ids, cipher } = service.context;
const db = database.orm;
const deps = { clock, ids, cipher };

// The sandbox's company 1, connected once: both demo campaigns use its token and its one webhook URL.
const connectionBody = {
  name: 'Demo call centre (sandbox)',
  base_url: sandbox.url,
  company_id: '1',
  token: 'eyJhbGciOiJIUzI1NiJ9.sandbox-crm-token.c2lnbmF0dXJl',
};
const found = await findConnectionByCompany(db, sandbox.url, '1');
const connection = found
  ? await updateConnection(db, found.id, connectionBody, deps)
  : await createConnection(db, connectionBody, deps);

const campaignBody = {
  name: 'Demo nutra offer (sandbox)',
  module: 'crm',
  connection_id: connection.id,
  salesrender: {
    project_id: '1',
    initial_status_id: '1',
    // Our lead id in the order, so an order whose create answer was lost is found instead of sent twice.
    fields: { lead_id: 'source.subid_10' },
  },
  status_map: {
    '1': 'pending',
    '2': 'pending',
    '3': 'accepted',
    '4': 'rejected',
    '5': 'trash',
    '6': 'trash',
    '7': 'accepted',
  },
  payouts: { accepted: 12.5 },
  currency: 'USD',
  postback: {
    url: `${tracker.url}/postback?clickid={click_id}&status={status}&payout={payout}&comment={comment}`,
    method: 'GET',
    on: ['accepted', 'pending', 'rejected', 'trash'],
  },
  default_country: 'RU',
};
const demoCampaigns = [
  { alias: 'demo', ...campaignBody },
  { alias: 'demo-2', ...campaignBody, name: 'Demo second offer (sandbox)', payouts: { accepted: 9 } },
];
for (const { alias, ...body } of demoCampaigns) {
  if (await findCampaignByAlias(db, alias)) await updateCampaign(db, alias, body, deps);
  else await createCampaign(db, { alias, ...body }, deps);
}

// The demo partner gets a fresh key on every start: keys are stored hashed, so an old one cannot be shown again.
const partner = await findClientByName(db, 'partner', 'Demo partner');
let apiKey: string;
if (partner) {
  await revokeKeys(db, partner.id, clock.now());
  apiKey = await issueKey(db, partner.id, deps);
} else {
  apiKey = (await createClient(db, 'partner', { name: 'Demo partner', campaigns: ['demo', 'demo-2'] }, deps))
    .api_key;
}

// The sandbox plays SalesRender calling the connection's URL for every order of the company.
sandbox.webhooks.url = connectionWebhookUrl(connection, settings.publicBaseUrl).replace(
  settings.publicBaseUrl,
  url,
);

console.log(`
LeadBridge demo
  LeadBridge         ${url}   (API docs: ${url}/docs)
  Operator console   ${url}/admin   (sign in with the admin token below)
  SalesRender sandbox ${sandbox.url}   (call-centre page: ${sandbox.url}/)
  Test tracker       ${tracker.url}   (prints every postback below)
  Admin token        ${adminToken}
  Demo partner key   ${apiKey}   (campaigns demo and demo-2)
  SalesRender company 1 is connected once ("${connection.name}"): see ${url}/admin/connections

Then act as the call centre (the tracker above prints the postback):
  npx tsx sandbox/main.ts status <order_id> 3 --comment "Client confirmed order"

Send a lead:
  curl -s -X POST ${url}/v1/leads/demo \\
    -H 'X-Api-Key: ${apiKey}' -H 'Content-Type: application/json' \\
    -d '{"name":"Ivan Petrov","phone":"+7 912 345-67-89","click_id":"abc123","sub1":"fb"}'
`);

registerShutdown(async () => {
  await service.close();
  await tracker.close();
  await sandbox.close();
});
