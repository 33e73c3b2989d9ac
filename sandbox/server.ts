// The SalesRender sandbox: CRM GraphQL and CPA endpoints, webhooks, fault injection, schema variants and a
// call-centre page. Tests start it with startSandbox(); sandbox/main.ts serves it from the command line.
import Fastify from 'fastify';
import { Company, type CompanyConfig, demoCompany, type SandboxField } from './company-store.js';
import { changeStatus, checkFields, registerControlRoutes } from './control-routes.js';
import { registerCpaRoutes } from './cpa-routes.js';
import { registerCrmRoute } from './crm-route.js';
import { FaultPlan } from './faults.js';
import type { RecordedRequest, SandboxState } from './sandbox-state.js';
import { normaliseVariants, type SchemaVariant } from './schema-variants.js';
import { WebhookSender, type WebhookShape } from './webhook-sender.js';

export {
  type SchemaVariant,
  sandboxSchema,
  sandboxSchemaFor,
  schemaVariantNames,
} from './schema-variants.js';
export type { WebhookShape } from './webhook-sender.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  companies?: CompanyConfig[];
  webhookUrl?: string | null;
  webhookShape?: WebhookShape;
  latencyMs?: number;
  logger?: boolean;
  /** The schema variants every company serves unless it has its own (default: none, the default schema). */
  schemaVariants?: SchemaVariant[];
  /** extensions.code on validation and variable-coercion errors (default: none [assumed]). */
  validationErrorCode?: string;
}

export interface Sandbox {
  url: string;
  companies: Map<string, Company>;
  faults: FaultPlan;
  webhooks: WebhookSender;
  /** Requests seen on the SalesRender endpoints, newest last (headers included, for tests of what we send). */
  requests: RecordedRequest[];
  /** extensions.code on schema-mismatch errors; null leaves them without one. */
  validationErrorCode: string | null;
  changeStatus(companyId: string, orderId: string, statusId: string, comment?: string): void;
  /** Serves these variants to one company from now on; null returns it to the sandbox's default. */
  setSchemaVariants(companyId: string, variants: SchemaVariant[] | null): void;
  /** Replaces a company's order fields (rename or remove one while LeadBridge runs). */
  setOrderFields(companyId: string, fields: SandboxField[]): void;
  /** Someone else holds the order for `timeoutMs`: updateOrder answers ERR_ORDER_LOCKED until then. */
  lockOrder(companyId: string, orderId: string, timeoutMs: number): string;
  unlockOrder(companyId: string, orderId: string): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1_000_000 });
  const companies = new Map<string, Company>();
  // Order ids continue from the clock, so a restarted sandbox never repeats ids a LeadBridge database holds.
  const firstOrderId = Math.floor(Date.now() / 1000) - 1_700_000_000;
  for (const config of options.companies ?? [demoCompany()]) {
    companies.set(config.id, new Company(config, undefined, firstOrderId));
  }
  const faults = new FaultPlan();
  faults.latencyMs = options.latencyMs ?? 0;
  const webhooks = new WebhookSender();
  webhooks.url = options.webhookUrl ?? null;
  if (options.webhookShape) webhooks.shape = options.webhookShape;
  const state: SandboxState = {
    companies,
    faults,
    webhooks,
    requests: [],
    defaultVariants: normaliseVariants(options.schemaVariants ?? []),
    validationErrorCode: options.validationErrorCode ?? null,
  };
  const companyOf = (companyId: string): Company => {
    const company = companies.get(companyId);
    if (!company) throw new Error(`company ${companyId} not found`);
    return company;
  };

  registerCrmRoute(app, state);
  registerCpaRoutes(app, state);
  registerControlRoutes(app, state);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    companies,
    faults,
    webhooks,
    requests: state.requests,
    get validationErrorCode() {
      return state.validationErrorCode;
    },
    set validationErrorCode(code: string | null) {
      state.validationErrorCode = code;
    },
    changeStatus(companyId, orderId, statusId, comment) {
      changeStatus(state, { companyId, orderId, statusId, comment });
    },
    setSchemaVariants(companyId, variants) {
      companyOf(companyId).schemaVariants = variants ? normaliseVariants(variants) : null;
    },
    setOrderFields(companyId, fields) {
      companyOf(companyId).config.fields = checkFields(fields);
    },
    lockOrder(companyId, orderId, timeoutMs) {
      const company = companyOf(companyId);
      company.unlockOrder(orderId);
      return company.lockOrder(orderId, timeoutMs);
    },
    unlockOrder(companyId, orderId) {
      companyOf(companyId).unlockOrder(orderId);
    },
    close: async () => {
      await webhooks.settle();
      await app.close();
    },
  };
}
