// The SalesRender sandbox: CRM GraphQL and CPA REST endpoints, webhooks, fault injection and a call-centre page.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { callCentrePage } from './call-centre-page.js';
import { Company, type CompanyConfig, demoCompany } from './company-store.js';
import { FaultPlan } from './faults.js';
import { type GraphqlAnswer, isIntrospectionOnly, parseQuery, runGraphql } from './graphql-endpoint.js';
import { WebhookSender, type WebhookShape } from './webhook-sender.js';

export interface SandboxOptions {
  port?: number;
  host?: string;
  companies?: CompanyConfig[];
  webhookUrl?: string | null;
  webhookShape?: WebhookShape;
  latencyMs?: number;
  logger?: boolean;
}

export interface Sandbox {
  url: string;
  companies: Map<string, Company>;
  faults: FaultPlan;
  webhooks: WebhookSender;
  /** Requests seen on the SalesRender endpoints, newest last (headers included, for tests of what we send). */
  requests: { path: string; headers: Record<string, unknown>; body: unknown }[];
  changeStatus(companyId: string, orderId: string, statusId: string, comment?: string): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the token as SalesRender accepts it: raw header, `Bearer` header, or `?token=` [official]/[field]. */
function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) return header.replace(/^Bearer\s+/i, '').trim();
  const query = request.query as { token?: string };
  return query.token ?? null;
}

const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

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
  const requests: Sandbox['requests'] = [];

  /** Applies an injected fault; returns true when the request has been answered (or dropped) by it. */
  async function applyFault(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const fault = faults.take();
    if (!fault) return false;
    switch (fault.mode) {
      case 'http500':
        await reply.code(500).send(errorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
        return true;
      case 'http503':
        await reply
          .code(503)
          .header('retry-after', '1')
          .send(errorBody('Service unavailable', 'UNAVAILABLE'));
        return true;
      case 'timeout':
        reply.hijack();
        await sleep(fault.holdMs);
        request.raw.socket.destroy();
        return true;
      case 'reset':
        reply.hijack();
        request.raw.socket.destroy();
        return true;
      case 'nonjson':
        await reply.code(200).type('text/html').send('<html><body>502 Bad Gateway</body></html>');
        return true;
      case 'truncated':
        await reply.code(200).type('application/json').send('{"data":{"orderMutation":{"addOrder":{"id":"');
        return true;
      case 'graphql_internal':
        await reply.code(200).send({ data: null, ...errorBody('Internal error', 'INTERNAL_SERVER_ERROR') });
        return true;
      case 'reject':
        await reply
          .code(200)
          .send({ data: null, ...errorBody('Order validation failed', 'ERR_ORDER_VALIDATION_FAILED') });
        return true;
    }
  }

  const onStatusChange = (company: Company, orderId: string) => webhooks.fire(company, orderId);

  app.post<{ Params: { companyId: string } }>('/companies/:companyId/CRM', async (request, reply) => {
    requests.push({ path: request.url, headers: { ...request.headers }, body: request.body });
    const company = companies.get(request.params.companyId);
    if (!company) return reply.code(404).send(errorBody('Company not found', 'NOT_FOUND'));
    const body = (request.body ?? {}) as { query?: unknown; variables?: unknown };
    if (typeof body.query !== 'string')
      return reply.code(400).send(errorBody('Body must have a query', 'BAD_REQUEST'));
    const document = parseQuery(body.query);
    if (!('kind' in document)) return reply.code(400).send(document);
    if (!isIntrospectionOnly(document)) {
      const token = tokenOf(request);
      if (!token) return reply.code(401).send(errorBody('Unauthorized', 'UNAUTHORIZED'));
      if (!company.config.crmTokens.includes(token))
        return reply.code(403).send(errorBody('Forbidden', 'FORBIDDEN'));
    }
    if (await applyFault(request, reply)) return reply;
    const variables = (body.variables ?? undefined) as Record<string, unknown> | undefined;
    const answer: GraphqlAnswer = await runGraphql(company, document, variables, onStatusChange);
    return reply.code(200).send(answer);
  });

  app.post<{ Params: { companyId: string } }>(
    '/companies/:companyId/CPA/lead/add',
    async (request, reply) => {
      requests.push({ path: request.url, headers: { ...request.headers }, body: request.body });
      const company = companies.get(request.params.companyId);
      if (!company) return reply.code(404).send(errorBody('Company not found', 'NOT_FOUND'));
      const token = tokenOf(request);
      if (!token) return reply.code(401).send(errorBody('Unauthorized', 'UNAUTHORIZED'));
      const webmasterId = company.config.cpaTokens[token];
      if (!webmasterId) return reply.code(403).send(errorBody('Forbidden', 'FORBIDDEN'));
      if (await applyFault(request, reply)) return reply;
      const body = (request.body ?? {}) as {
        offerId?: unknown;
        data?: Record<string, unknown>;
        source?: Record<string, string>;
        externalId?: string;
      };
      const offer = company.config.offers[String(body.offerId)];
      if (!offer)
        return reply.code(400).send(errorBody(`Offer ${String(body.offerId)} not found`, 'VALIDATION'));
      const data = body.data ?? {};
      if (typeof data.phone_1 !== 'string' || !/\d{5,}/.test(data.phone_1.replace(/\D/g, ''))) {
        return reply.code(400).send(errorBody('data.phone_1: invalid phone', 'VALIDATION'));
      }
      const order = company.addOrder(
        {
          statusId: offer.statusId,
          projectId: offer.projectId,
          orderData: cpaOrderData(company, data),
          source: body.source ?? {},
          offerId: String(body.offerId),
          webmasterId,
          externalId: body.externalId ?? null,
        },
        { fixedCpaKeys: true },
      );
      return reply
        .code(201)
        .send({ id: order.id, status: 'processing', method: 'api', reward: order.lead.reward });
    },
  );

  registerControlRoutes(app, { companies, faults, webhooks });
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    companies,
    faults,
    webhooks,
    requests,
    changeStatus(companyId, orderId, statusId, comment) {
      changeStatus(companies, webhooks, { companyId, orderId, statusId, comment });
    },
    close: async () => {
      await webhooks.settle();
      await app.close();
    },
  };
}

/** CPA's fixed data keys land in the company's first field of the matching type. */
function cpaOrderData(company: Company, data: Record<string, unknown>) {
  const firstOf = (type: string) => company.config.fields.find((field) => field.type === type)?.name;
  const phoneField = firstOf('PhoneOrderField') ?? 'phone';
  const nameField = firstOf('HumanNameOrderField') ?? 'name';
  const stringFields = Object.entries(data)
    .filter(([key]) => key === 'comment' || key.startsWith('string_'))
    .map(([key, value]) => ({ field: key, value: String(value) }));
  const human = data.humanName_1 as { firstName?: string; lastName?: string } | undefined;
  return {
    phoneFields: [{ field: phoneField, value: String(data.phone_1) }],
    humanNameFields: human ? [{ field: nameField, value: human }] : [],
    stringFields,
  };
}

/** The call centre's action: change status (and comment), then notify by webhook like SalesRender does. */
function changeStatus(
  companies: Map<string, Company>,
  webhooks: WebhookSender,
  change: { companyId: string; orderId: string; statusId: string; comment?: string; commentField?: string },
): void {
  const company = companies.get(change.companyId);
  if (!company) throw new Error(`company ${change.companyId} not found`);
  const orderData =
    change.comment !== undefined
      ? { stringFields: [{ field: change.commentField ?? 'comment', value: change.comment }] }
      : undefined;
  const { statusChanged } = company.updateOrder({ id: change.orderId, statusId: change.statusId, orderData });
  if (statusChanged) webhooks.fire(company, change.orderId);
}

function registerControlRoutes(
  app: FastifyInstance,
  state: { companies: Map<string, Company>; faults: FaultPlan; webhooks: WebhookSender },
): void {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(callCentrePage));
  app.get('/__sandbox/companies', async () =>
    [...state.companies.values()].map((company) => ({
      id: company.config.id,
      statuses: company.config.statuses,
    })),
  );
  app.post('/__sandbox/companies', async (request, reply) => {
    const config = request.body as CompanyConfig;
    state.companies.set(config.id, new Company(config));
    return reply.code(201).send({ id: config.id });
  });
  app.get<{ Params: { companyId: string } }>(
    '/__sandbox/companies/:companyId/orders',
    async (request, reply) => {
      const company = state.companies.get(request.params.companyId);
      if (!company) return reply.code(404).send({ error: 'company not found' });
      return [...company.orders.values()].map((order) => company.view(order));
    },
  );
  app.post<{
    Params: { companyId: string; orderId: string };
    Body: { statusId: string; comment?: string; commentField?: string };
  }>('/__sandbox/companies/:companyId/orders/:orderId/status', async (request, reply) => {
    try {
      changeStatus(state.companies, state.webhooks, { ...request.params, ...request.body });
      return { ok: true };
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
  });
  app.put<{ Body: { mode: Parameters<FaultPlan['set']>[0]; count?: number; holdMs?: number } }>(
    '/__sandbox/faults',
    async (request) => {
      state.faults.set(request.body.mode, request.body.count ?? null, request.body.holdMs);
      return { ok: true };
    },
  );
  app.delete('/__sandbox/faults', async () => {
    state.faults.clear();
    return { ok: true };
  });
  app.put<{ Body: { url?: string | null; enabled?: boolean; shape?: WebhookShape } }>(
    '/__sandbox/webhook',
    async (request) => {
      if (request.body.url !== undefined) state.webhooks.url = request.body.url;
      if (request.body.enabled !== undefined) state.webhooks.enabled = request.body.enabled;
      if (request.body.shape) state.webhooks.shape = request.body.shape;
      return { url: state.webhooks.url, enabled: state.webhooks.enabled, shape: state.webhooks.shape };
    },
  );
  app.get('/__sandbox/webhook/deliveries', async () => state.webhooks.deliveries);
}
