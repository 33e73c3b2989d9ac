// Starts the sandbox and LeadBridge (in process, real database, real HTTP) for integration tests.
import { Company, demoCompany } from '../../sandbox/company-store.js';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { ManualClock } from '../../src/clock.js';
import { loadSettings } from '../../src/config/settings.js';
import { createLogger } from '../../src/logger.js';
import { type Service, startService } from '../../src/service.js';
import { ContractCheck } from './contract-check.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const adminToken = 'test-admin-token-0123456789';
export const secretKey = 'a'.repeat(64);
export const crmToken = 'eyJhbGciOiJIUzI1NiJ9.sandbox-crm-token.c2lnbmF0dXJl';

/** A campaign's `salesrender` block for the sandbox's company 1 (project 1, new orders in status 1). */
export const sandboxSalesRender = (sandboxUrl: string) => ({
  base_url: sandboxUrl,
  company_id: '1',
  token: crmToken,
  project_id: '1',
  initial_status_id: '1',
});
export const cpaToken = 'eyJhbGciOiJIUzI1NiJ9.sandbox-cpa-token.c2lnbmF0dXJl';

export interface Harness {
  sandbox: Sandbox;
  service: Service;
  testDatabase: TestDatabase;
  clock: ManualClock;
  /** LeadBridge listening on a real port, so the sandbox can send it webhooks. */
  url: string;
  /** Every log line LeadBridge wrote (debug level and up), for tests that look for leaked secrets. */
  logLines: string[];
  /** Calls LeadBridge in process (Fastify inject): real routing, parsing and database, no socket. */
  request(options: {
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    url: string;
    body?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  }): Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }>;
  admin(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): ReturnType<Harness['request']>;
  /** Creates a campaign wired to the sandbox (CRM module by default); overrides are merged shallowly. */
  createCampaign(alias: string, overrides?: Record<string, unknown>): Promise<any>;
  /**
   * Adds a sandbox company (a copy of the demo company) whose webhooks go to the campaign's webhook URL
   * on this LeadBridge. Each webhook test uses its own company, as each real campaign has its own.
   */
  addCompanyFor(campaign: { webhook_url: string; salesrender: { company_id: string } }): Company;
  /** Resolves when no job is pending or running (webhooks processed, postbacks sent or scheduled later). */
  settle(): Promise<void>;
  /** Creates a partner for the given aliases and returns its API key. */
  createPartner(aliases: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Sends a request to a service in-process (Fastify inject), JSON or form, and parses a JSON answer.
 * Every answer is checked against the service's OpenAPI document: one that departs from it fails the test.
 */
export function injectInto(service: Pick<Service, 'app'>): Harness['request'] {
  let contract: Promise<ContractCheck> | undefined;
  return async ({ method, url, body, form, headers }) => {
    const payload = form
      ? new URLSearchParams(form).toString()
      : body === undefined
        ? undefined
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
    const contentType = form
      ? 'application/x-www-form-urlencoded'
      : body === undefined
        ? undefined
        : 'application/json';
    const response = await service.app.inject({
      method,
      url,
      payload,
      headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
    });
    contract ??= ContractCheck.of(service.app.swagger());
    const departure = (await contract).departure({
      method,
      url,
      status: response.statusCode,
      contentType: response.headers['content-type'] as string | undefined,
      body: response.body,
    });
    if (departure) throw new Error(`The answer departs from the OpenAPI document: ${departure}`);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(response.body);
    } catch {
      parsed = null;
    }
    return { status: response.statusCode, body: parsed, text: response.body, headers: response.headers };
  };
}

export async function startHarness(
  options: {
    salesrenderTimeoutMs?: number;
    env?: Record<string, string>;
    /** A database the test prepared (an earlier release's schema and data, say); dropped on close. */
    testDatabase?: TestDatabase;
  } = {},
): Promise<Harness> {
  const sandbox = await startSandbox();
  const testDatabase = options.testDatabase ?? (await createTestDatabase());
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  const settings = loadSettings({
    PORT: '0',
    HOST: '127.0.0.1',
    LEADBRIDGE_ADMIN_TOKEN: adminToken,
    LEADBRIDGE_SECRET_KEY: secretKey,
    LEADBRIDGE_ALLOW_PRIVATE_TARGETS: '1',
    PUBLIC_BASE_URL: 'http://leadbridge.test',
    SALESRENDER_TIMEOUT_MS: String(options.salesrenderTimeoutMs ?? 2000),
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const logLines: string[] = [];
  const logger = createLogger(settings, { write: (line: string) => void logLines.push(line) });
  const service = await startService({
    settings,
    database: testDatabase.database,
    clock,
    random: () => 0.5,
    startWorker: false,
    logger,
  });
  const url = await service.listen();

  const request = injectInto(service);
  const admin: Harness['admin'] = (method, url, body) =>
    request({ method, url, body, headers: { authorization: `Bearer ${adminToken}` } });

  return {
    sandbox,
    service,
    testDatabase,
    clock,
    url,
    logLines,
    request,
    admin,
    async createCampaign(alias, overrides = {}) {
      const { salesrender: srOverrides, ...rest } = overrides as { salesrender?: Record<string, unknown> };
      const response = await admin('POST', '/admin/api/campaigns', {
        alias,
        name: `Campaign ${alias}`,
        module: 'crm',
        salesrender: { ...sandboxSalesRender(sandbox.url), ...srOverrides },
        status_map: {
          '1': 'pending',
          '2': 'pending',
          '3': 'accepted',
          '4': 'rejected',
          '5': 'trash',
          '6': 'trash',
        },
        payouts: { accepted: 12.5 },
        default_country: 'RU',
        ...rest,
      });
      if (response.status !== 201) throw new Error(`campaign ${alias}: ${response.status} ${response.text}`);
      return response.body;
    },
    addCompanyFor(campaign) {
      const id = campaign.salesrender.company_id;
      const company =
        sandbox.companies.get(id) ?? new Company(demoCompany(id), undefined, Number(id) * 10_000);
      company.webhookUrl = campaign.webhook_url.replace('http://leadbridge.test', url);
      sandbox.companies.set(id, company);
      return company;
    },
    async settle() {
      await sandbox.webhooks.settle();
      const worker = service.context.worker;
      // Without the background worker, run passes here until nothing is due.
      if (!worker.isRunning) while ((await worker.runOnce()) > 0) await sandbox.webhooks.settle();
      const { sql } = await import('drizzle-orm');
      const { queryRows } = await import('./query-rows.js');
      const deadline = Date.now() + 20_000;
      for (;;) {
        const now = clock.now();
        const [row] = await queryRows(
          testDatabase.database.orm,
          sql`select count(*)::int as n from jobs where state = 'running' or (state = 'pending' and next_attempt_at <= ${now})`,
        );
        if (Number(row?.n) === 0) return;
        if (Date.now() > deadline) throw new Error('jobs did not settle');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async createPartner(aliases) {
      const response = await admin('POST', '/admin/api/partners', {
        name: `Partner ${aliases.join('+')}`,
        campaigns: aliases,
      });
      if (response.status !== 201) throw new Error(`partner: ${response.status} ${response.text}`);
      return response.body.api_key as string;
    },
    async close() {
      await service.close();
      await sandbox.close();
      await testDatabase.drop();
    },
  };
}
