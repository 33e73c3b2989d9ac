// The sandbox's own routes under /__sandbox (and the call-centre page): what tests and operators steer it with.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { printSchema } from 'graphql';
import { callCentrePage } from './call-centre-page.js';
import { Company, type CompanyConfig, fieldTypes, type SandboxField } from './company-store.js';
import type { FaultMode } from './faults.js';
import { type SandboxState, variantsOf } from './sandbox-state.js';
import { normaliseVariants, sandboxSchemaFor } from './schema-variants.js';
import { type WebhookShape, webhookShapes } from './webhook-sender.js';

/** The call centre's action: change status (and comment), then notify by webhook like SalesRender does. */
export function changeStatus(
  state: SandboxState,
  change: { companyId: string; orderId: string; statusId: string; comment?: string; commentField?: string },
): void {
  const company = state.companies.get(change.companyId);
  if (!company) throw new Error(`company ${change.companyId} not found`);
  const orderData =
    change.comment !== undefined
      ? { stringFields: [{ field: change.commentField ?? 'comment', value: change.comment }] }
      : undefined;
  // The operator holds the order's lock, so the call centre is not refused by it.
  const { statusChanged } = company.updateOrder({ id: change.orderId, statusId: change.statusId, orderData });
  if (statusChanged) state.webhooks.fire(company, change.orderId);
}

/** Checks a new list of order fields (a field renamed or removed in SalesRender's settings); throws on a bad one. */
export function checkFields(fields: unknown): SandboxField[] {
  if (!Array.isArray(fields)) throw new Error('expected a list of {name, label, type}');
  return fields.map((field: Partial<SandboxField>) => {
    if (typeof field?.name !== 'string' || !fieldTypes.includes(field.type as SandboxField['type']))
      throw new Error(`bad field ${JSON.stringify(field)}: type must be one of ${fieldTypes.join(', ')}`);
    return { name: field.name, label: field.label ?? field.name, type: field.type as SandboxField['type'] };
  });
}

type CompanyParams = { Params: { companyId: string } };

export function registerControlRoutes(app: FastifyInstance, state: SandboxState): void {
  const companyOr404 = (companyId: string, reply: FastifyReply): Company | null => {
    const company = state.companies.get(companyId) ?? null;
    if (!company) void reply.code(404).send({ error: 'company not found' });
    return company;
  };

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(callCentrePage));
  app.get('/__sandbox/companies', async () =>
    [...state.companies.values()].map((company) => ({
      id: company.config.id,
      statuses: company.config.statuses,
      fields: company.config.fields,
      schemaVariants: variantsOf(state, company),
    })),
  );
  app.post('/__sandbox/companies', async (request, reply) => {
    const config = request.body as CompanyConfig;
    try {
      state.companies.set(config.id, new Company(config));
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
    return reply.code(201).send({ id: config.id });
  });
  app.get<CompanyParams>('/__sandbox/companies/:companyId/orders', async (request, reply) => {
    const company = companyOr404(request.params.companyId, reply);
    if (!company) return reply;
    return [...company.orders.values()].map((order) => company.view(order));
  });
  app.post<{
    Params: { companyId: string; orderId: string };
    Body: { statusId: string; comment?: string; commentField?: string };
  }>('/__sandbox/companies/:companyId/orders/:orderId/status', async (request, reply) => {
    try {
      changeStatus(state, { ...request.params, ...request.body });
      return { ok: true };
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
  });
  app.put<{ Params: { companyId: string; orderId: string }; Body: { timeoutMs?: number } }>(
    '/__sandbox/companies/:companyId/orders/:orderId/lock',
    async (request, reply) => {
      const company = companyOr404(request.params.companyId, reply);
      if (!company) return reply;
      if (!company.orders.has(request.params.orderId))
        return reply.code(404).send({ error: 'order not found' });
      company.unlockOrder(request.params.orderId);
      const timeoutMs = request.body?.timeoutMs ?? 60_000;
      const lockId = company.lockOrder(request.params.orderId, timeoutMs);
      return { lockId, timeoutMs };
    },
  );
  app.delete<{ Params: { companyId: string; orderId: string } }>(
    '/__sandbox/companies/:companyId/orders/:orderId/lock',
    async (request, reply) => {
      const company = companyOr404(request.params.companyId, reply);
      if (!company) return reply;
      return { unlocked: company.unlockOrder(request.params.orderId) };
    },
  );
  app.get<CompanyParams>('/__sandbox/companies/:companyId/schema', async (request, reply) => {
    const company = companyOr404(request.params.companyId, reply);
    if (!company) return reply;
    const variants = variantsOf(state, company);
    return { variants, sdl: printSchema(sandboxSchemaFor(variants)) };
  });
  app.put<CompanyParams & { Body: { variants?: string[] | null } }>(
    '/__sandbox/companies/:companyId/schema',
    async (request, reply) => {
      const company = companyOr404(request.params.companyId, reply);
      if (!company) return reply;
      try {
        const variants = request.body?.variants;
        company.schemaVariants = variants ? normaliseVariants(variants) : null;
        return { variants: variantsOf(state, company) };
      } catch (error) {
        return reply.code(400).send({ error: (error as Error).message });
      }
    },
  );
  app.put<CompanyParams & { Body: SandboxField[] | { fields: SandboxField[] } }>(
    '/__sandbox/companies/:companyId/fields',
    async (request, reply) => {
      const company = companyOr404(request.params.companyId, reply);
      if (!company) return reply;
      try {
        const body = request.body;
        company.config.fields = checkFields(Array.isArray(body) ? body : body?.fields);
        return company.config.fields;
      } catch (error) {
        return reply.code(400).send({ error: (error as Error).message });
      }
    },
  );
  app.put<{ Body: { mode: FaultMode; count?: number; holdMs?: number } }>(
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
  app.put<{ Body: { code?: string | null } }>('/__sandbox/validation-error-code', async (request) => {
    state.validationErrorCode = request.body?.code ?? null;
    return { code: state.validationErrorCode };
  });
  app.put<{ Body: { url?: string | null; enabled?: boolean; shape?: WebhookShape; fireOnCreate?: boolean } }>(
    '/__sandbox/webhook',
    async (request, reply) => {
      const { url, enabled, shape, fireOnCreate } = request.body ?? {};
      if (shape && !webhookShapes.includes(shape))
        return reply.code(400).send({ error: `unknown shape; known: ${webhookShapes.join(', ')}` });
      if (url !== undefined) state.webhooks.url = url;
      if (enabled !== undefined) state.webhooks.enabled = enabled;
      if (shape) state.webhooks.shape = shape;
      if (fireOnCreate !== undefined) state.webhooks.fireOnCreate = fireOnCreate;
      const { webhooks } = state;
      return {
        url: webhooks.url,
        enabled: webhooks.enabled,
        shape: webhooks.shape,
        fireOnCreate: webhooks.fireOnCreate,
      };
    },
  );
  app.get('/__sandbox/webhook/deliveries', async () => state.webhooks.deliveries);
}
