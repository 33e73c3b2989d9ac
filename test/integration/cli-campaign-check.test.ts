// `leadbridge campaign add|show|check`, `partner add` and `partner cpa-token` as a user runs them, against the
// sandbox's live schema.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Company, demoCompany } from '../../sandbox/company-store.js';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { cpaToken, crmToken, sandboxSalesRender, secretKey } from '../support/harness.js';
import { removeDataDir } from '../support/remove-data-dir.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const run = promisify(execFile);
let sandbox: Sandbox;
let dataDir: string;
let testDatabase: TestDatabase | null = null;

beforeAll(async () => {
  sandbox = await startSandbox();
  dataDir = await mkdtemp(join(tmpdir(), 'leadbridge-cli-'));
  if (process.env.TEST_DATABASE_URL) testDatabase = await createTestDatabase();
});
afterAll(async () => {
  await sandbox?.close();
  await testDatabase?.drop();
  await removeDataDir(dataDir);
});

async function leadbridge(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return leadbridgeWithInput(null, ...args);
}

/** Runs the CLI with `input` on its standard input (a token, which never goes on the command line). */
async function leadbridgeWithInput(
  input: string | null,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    LEADBRIDGE_SECRET_KEY: secretKey,
  };
  if (testDatabase?.url) env.DATABASE_URL = testDatabase.url;
  else delete env.DATABASE_URL;
  try {
    const running = run(process.execPath, ['bin/leadbridge.js', ...args], { env });
    running.child.stdin?.end(input ?? '');
    const { stdout, stderr } = await running;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const campaign = (alias: string, extra: Record<string, unknown>) =>
  JSON.stringify({
    alias,
    name: alias,
    salesrender: sandboxSalesRender(sandbox.url),
    ...extra,
  });

it('adds campaigns, shows one without its token, and checks both against the live company', {
  timeout: 180_000,
}, async () => {
  const fullMap = {
    '1': 'pending',
    '2': 'pending',
    '3': 'accepted',
    '4': 'rejected',
    '5': 'trash',
    '6': 'trash',
    '7': 'accepted',
  };
  const added = await leadbridge('campaign', 'add', '--json', campaign('good', { status_map: fullMap }));
  expect(added.code).toBe(0);
  expect(added.stdout).toContain('"webhook_url"');
  expect(added.stdout).not.toContain(crmToken);

  const badMap = { ...fullMap, '99': 'accepted' };
  delete (badMap as Record<string, string>)['7'];
  const bad = campaign('bad', {
    status_map: badMap,
    salesrender: { ...JSON.parse(campaign('x', {})).salesrender, fields: { phone: 'mobile_phone' } },
  });
  expect((await leadbridge('campaign', 'add', '--json', bad)).code).toBe(0);

  const shown = await leadbridge('campaign', 'show', 'good');
  expect(shown.code).toBe(0);
  expect(JSON.parse(shown.stdout)).toMatchObject({
    alias: 'good',
    salesrender: { token: '(set, write-only)' },
  });

  const good = await leadbridge('campaign', 'check', 'good');
  expect(good.stdout).toMatch(/3\tAPPROVED\tAccepted\t-> accepted/);
  expect(good.stdout).toMatch(/contact_phone\tPhoneOrderField/);
  expect(good.stdout).toContain('OK: no mismatches');
  expect(good.code).toBe(0);

  const checked = await leadbridge('campaign', 'check', 'bad');
  expect(checked.code).toBe(1);
  expect(checked.stdout).toContain(
    '[error] order_field: salesrender.fields.phone: the company has no order field named "mobile_phone"',
  );
  expect(checked.stdout).toContain('status_map: status id 99 is not an active status');
  expect(checked.stdout).toContain('SalesRender status 7 "Shipped" (SHIPPED) is unmapped');

  const list = await leadbridge('campaign', 'list');
  expect(list.stdout).toMatch(/^bad\tcrm\tactive/m);

  const partner = await leadbridge('partner', 'add', '--name', 'Buyer One', '--campaigns', 'good,bad');
  expect(partner.stdout).toMatch(/API key \(shown once, store it now\): lb_/);
  expect((await leadbridge('partner', 'list')).stdout).toMatch(/Buyer One\tgood,bad|Buyer One\tbad,good/);

  expect((await leadbridge('postbacks', 'list')).stdout).toContain('no postbacks');
  expect((await leadbridge('postbacks', 'replay', '--campaign', 'good')).stdout).toContain(
    '0 postback(s) queued',
  );
  const noPostback = await leadbridge('campaign', 'test-postback', 'good');
  expect(noPostback.code).toBe(1);
  expect(noPostback.stderr).toContain('POSTBACK_NOT_CONFIGURED');

  const unknown = await leadbridge('campaign', 'show', 'nope');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('CAMPAIGN_NOT_FOUND');
});

it('connects a company, lists and shows it without its token, and checks it', {
  timeout: 120_000,
}, async () => {
  // Company 1 is connected already, by the campaigns added above; this is a second company.
  sandbox.companies.set('2', new Company(demoCompany('2')));
  const added = await leadbridge(
    'connection',
    'add',
    '--name',
    'CLI call centre',
    '--base-url',
    sandbox.url,
    '--company-id',
    '2',
    '--token',
    crmToken,
  );
  expect(added.code, added.stderr).toBe(0);
  expect(added.stdout).not.toContain(crmToken);
  const url = added.stdout.match(/Register this webhook URL in SalesRender for company 2:\n {2}(\S+)/)?.[1];
  expect(url).toMatch(/\/v1\/webhooks\/salesrender\/[\w-]{43}$/);
  const id = (JSON.parse(added.stdout.slice(0, added.stdout.indexOf('\nRegister'))) as { id: string }).id;

  const again = await leadbridge(
    'connection',
    'add',
    '--name',
    'Again',
    '--base-url',
    sandbox.url,
    '--company-id',
    '1',
  );
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain('CONNECTION_EXISTS');

  const list = await leadbridge('connection', 'list');
  expect(list.stdout).toMatch(
    new RegExp(`^${id}\\t2@127\\.0\\.0\\.1:\\d+\\t\\d+ campaign\\(s\\)\\ttoken set\\tCLI call centre$`, 'm'),
  );
  const shown = await leadbridge('connection', 'show', id);
  expect(JSON.parse(shown.stdout)).toMatchObject({ id, token: '(set, write-only)', webhook_url: url });

  const checked = await leadbridge('connection', 'check', id);
  expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  expect(checked.stdout).toContain('OK: reachable, no mismatches');
  expect(checked.stdout).toMatch(/^ {4}\S+\tPhoneOrderField\t/m);
});

it("sets a partner's own CPA webmaster token from standard input, refuses an empty one, and clears it", {
  timeout: 120_000,
}, async () => {
  const cpa = campaign('cli-cpa', { module: 'cpa' });
  const withCpaToken = JSON.stringify({
    ...JSON.parse(cpa),
    salesrender: {
      ...sandboxSalesRender(sandbox.url),
      token: cpaToken,
      offer_id: '10',
      project_id: null,
      initial_status_id: null,
    },
  });
  expect((await leadbridge('campaign', 'add', '--json', withCpaToken)).code).toBe(0);
  const added = await leadbridge('partner', 'add', '--name', 'CLI webmaster', '--campaigns', 'cli-cpa');
  const partnerId = /partner (ptn_\S+)/.exec(added.stdout)?.[1] ?? '';
  const set = await leadbridgeWithInput(
    'eyJhbGciOiJIUzI1NiJ9.cli-webmaster.c2lnbmF0dXJl\n',
    'partner',
    'cpa-token',
    partnerId,
    '--campaign',
    'cli-cpa',
  );
  expect(set).toMatchObject({ code: 0, stdout: `${partnerId} on cli-cpa: its own webmaster token\n` });
  const empty = await leadbridgeWithInput('', 'partner', 'cpa-token', partnerId, '--campaign', 'cli-cpa');
  expect(empty.code).toBe(1);
  expect(empty.stderr).toContain('token: must be the SalesRender API token');
  const cleared = await leadbridge('partner', 'cpa-token', partnerId, '--campaign', 'cli-cpa', '--clear');
  expect(cleared.stdout).toBe(`${partnerId} on cli-cpa: the campaign's token\n`);
});

it("adds a partner's own postback endpoint from a tracker preset, lists, pauses and removes it", {
  timeout: 120_000,
}, async () => {
  expect((await leadbridge('campaign', 'add', '--json', campaign('cli-endpoints', {}))).code).toBe(0);
  const added = await leadbridge('partner', 'add', '--name', 'CLI buyer', '--campaigns', 'cli-endpoints');
  const partnerId = /partner (ptn_\S+)/.exec(added.stdout)?.[1] ?? '';
  const created = await leadbridge(
    'partner',
    'endpoint',
    'add',
    partnerId,
    '--preset',
    'keitaro',
    '--host',
    'trk.example.com',
    '--key',
    'buyer-key',
    '--campaign',
    'cli-endpoints',
  );
  expect(created.code).toBe(0);
  const [endpointId, name, scope, state, , target] = created.stdout.trim().split('\t');
  expect(endpointId).toMatch(/^pbe_/);
  expect({ name, scope, state }).toEqual({
    name: 'Keitaro postback',
    scope: 'cli-endpoints',
    state: 'active',
  });
  expect(target).toMatch(/^GET https:\/\/trk\.example\.com\/buyer-key\/postback\?/);
  const paused = await leadbridge('partner', 'endpoint', 'pause', endpointId ?? '');
  expect(paused.stdout.split('\t')[3]).toBe('paused');
  const listed = await leadbridge('partner', 'endpoint', 'list', partnerId);
  expect(listed.stdout.trim().split('\n')).toHaveLength(1);
  expect(listed.stdout).toContain(`${endpointId}\tKeitaro postback\tcli-endpoints\tpaused`);
  const unknownPreset = await leadbridge('partner', 'endpoint', 'add', partnerId, '--preset', 'nope');
  expect(unknownPreset.code).toBe(1);
  expect(unknownPreset.stderr).toContain('preset:');
  expect((await leadbridge('partner', 'endpoint', 'remove', endpointId ?? '')).stdout).toBe(
    `${endpointId} removed\n`,
  );
  expect((await leadbridge('partner', 'endpoint', 'list', partnerId)).stdout).toBe('no endpoints\n');
});
