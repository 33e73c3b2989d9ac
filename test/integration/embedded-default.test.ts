// `leadbridge serve` with only DATA_DIR: it starts its own PostgreSQL server on DATA_DIR, reached by a
// Unix socket, as root (the server runs as another user) and as an ordinary user, and survives a kill.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { isRunning } from '../../src/db/embedded-server/leftover-server.js';
import { type ChildService, freePort, startChildService, waitFor } from '../support/child-service.js';
import { adminToken, sandboxSalesRender } from '../support/harness.js';
import { onPostgres } from '../support/test-database.js';

const isRoot = process.getuid?.() === 0;
/** The ordinary user the second leg runs as when the suite runs as root (CI does). */
const ordinaryUserName = 'leadbridge-test';

let sandbox: Sandbox;
const dataDirs: string[] = [];
const running: ChildService[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  for (const child of running) await child.kill().catch(() => {});
  await sandbox?.close();
  // A killed LeadBridge's server may still be writing its shutdown checkpoint.
  for (const dir of dataDirs)
    await rm(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
});

async function freshDataDir(owner?: { uid: number; gid: number }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'leadbridge-embedded-'));
  dataDirs.push(dir);
  if (owner) await chown(dir, owner.uid, owner.gid);
  return dir;
}

async function start(dataDir: string, user?: { uid: number; gid: number }): Promise<ChildService> {
  const child = await startChildService({ database: { url: null, dataDir }, port: await freePort(), user });
  running.push(child);
  return child;
}

async function call(service: ChildService, method: string, path: string, body?: unknown, key?: string) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(key ? { 'x-api-key': key } : { authorization: `Bearer ${adminToken}` }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

/** A campaign and a partner key on a fresh service. */
async function setUp(service: ChildService, alias: string): Promise<string> {
  const campaign = await call(service, 'POST', '/admin/api/campaigns', {
    alias,
    name: alias,
    salesrender: sandboxSalesRender(sandbox.url),
    default_country: 'RU',
  });
  expect(campaign.status).toBe(201);
  const partner = await call(service, 'POST', '/admin/api/partners', { name: alias, campaigns: [alias] });
  return partner.body.api_key as string;
}

/** postmaster.pid: pid, data directory, start time, port, socket directory, listen address, … */
async function postmaster(
  dataDir: string,
): Promise<{ pid: number; socketDir: string; listenAddress: string }> {
  const lines = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
  return { pid: Number(lines[0]), socketDir: lines[4] ?? '', listenAddress: (lines[5] ?? '').trim() };
}

/** Posts a lead to `alias` and expects it accepted with its order (201). */
async function sendLead(
  service: ChildService,
  key: string,
  alias: string,
  body: { phone: string; click_id: string },
) {
  const lead = await call(service, 'POST', `/v1/leads/${alias}`, body, key);
  expect(lead.status).toBe(201);
  return lead;
}

/** Looks up (as root, creates) the ordinary user of the second leg. */
function ordinaryUser(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, ordinaryUserName], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      ordinaryUserName,
    ]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

describe.skipIf(onPostgres)('the embedded default', () => {
  it(`starts on a fresh DATA_DIR as ${isRoot ? 'root' : 'an ordinary user'}, serves a lead, and survives a SIGKILL`, {
    timeout: 120_000,
  }, async () => {
    const dataDir = await freshDataDir();
    let service = await start(dataDir);
    const key = await setUp(service, 'embedded');
    const lead = await sendLead(service, key, 'embedded', { phone: '+79125550101', click_id: 'e1' });

    // A socket in DATA_DIR, and no TCP port: nothing to clash with another server on the machine.
    const server = await postmaster(dataDir);
    expect(server.socketDir).toBe(join(dataDir, 'run'));
    expect(server.listenAddress).toBe('');

    // One process owns DATA_DIR.
    await expect(start(dataDir)).rejects.toThrow(/in use by process/);

    // SIGKILL: the kernel stops the server with its owner; the next start takes over the same data.
    await service.kill('SIGKILL');
    await waitFor(() => !isRunning(server.pid), 15_000, 'the server to stop with LeadBridge');
    service = await start(dataDir);
    const found = await call(service, 'GET', '/v1/leads?click_id=e1', undefined, key);
    expect(found.body.leads).toHaveLength(1);
    expect(found.body.leads[0].lead_id).toBe(lead.body.lead_id);

    // The server dies under a running LeadBridge: 503 while it is away, then it is started again.
    const before = await postmaster(dataDir);
    process.kill(before.pid, 'SIGKILL');
    const statuses = new Set<number>();
    let n = 0;
    await waitFor(
      async () => {
        n++;
        const answer = await call(
          service,
          'POST',
          '/v1/leads/embedded',
          { phone: `+7912556${String(n).padStart(4, '0')}`, click_id: `r${n}` },
          key,
        );
        statuses.add(answer.status);
        return answer.status === 201 && statuses.has(503);
      },
      60_000,
      () => `a 503 and then a 201 (seen ${[...statuses].join(', ')})`,
    );
    expect([...statuses].every((status) => [201, 202, 503].includes(status))).toBe(true);
    expect(service.output.join('')).toContain('the embedded database stopped unexpectedly');
    expect((await postmaster(dataDir)).pid).not.toBe(before.pid);

    // A clean stop stops the server too.
    const last = await postmaster(dataDir);
    expect(await service.kill('SIGTERM')).toBe(0);
    expect(isRunning(last.pid)).toBe(false);
  });

  it.skipIf(!isRoot)(
    'starts and serves a lead as an ordinary user when the suite runs as root',
    {
      timeout: 120_000,
    },
    async () => {
      const user = ordinaryUser();
      const repo = process.cwd();
      // The ordinary user runs LeadBridge from this checkout: it must be able to read it.
      try {
        execFileSync('runuser', ['-u', ordinaryUserName, '--', 'test', '-r', join(repo, 'package.json')]);
      } catch {
        throw new Error(
          `${ordinaryUserName} cannot read ${repo}: make the checkout readable to run this test`,
        );
      }
      const dataDir = await freshDataDir(user);
      const service = await start(dataDir, user);
      const key = await setUp(service, 'embedded-user');
      await sendLead(service, key, 'embedded-user', { phone: '+79125550102', click_id: 'u1' });
      const server = await postmaster(dataDir);
      const owner = readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1];
      expect(Number(owner)).toBe(user.uid);
      expect(await service.kill('SIGTERM')).toBe(0);
    },
  );
});
