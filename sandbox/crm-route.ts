// POST /companies/:companyId/CRM: the CRM module's one GraphQL endpoint [official], in the company's schema variant.
import type { FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
import { type CrmContext, type CrmHooks, crmRootValue } from './crm-resolvers.js';
import { answerUnderFaults } from './fault-replies.js';
import { isIntrospectionOnly, parseQuery, runDocument, schemaMismatch } from './graphql-endpoint.js';
import { errorBody, recordRequest, type SandboxState, tokenOf, variantsOf } from './sandbox-state.js';
import { sandboxSchemaFor } from './schema-variants.js';

export function registerCrmRoute(app: FastifyInstance, state: SandboxState): void {
  const hooks: CrmHooks = {
    onCreate: (company, orderId) => {
      if (state.webhooks.fireOnCreate) state.webhooks.fire(company, orderId);
    },
    onStatusChange: (company, orderId) => state.webhooks.fire(company, orderId),
  };

  app.post<{ Params: { companyId: string } }>('/companies/:companyId/CRM', async (request, reply) => {
    recordRequest(state, request);
    const company = state.companies.get(request.params.companyId);
    if (!company) return reply.code(404).send(errorBody('Company not found', 'NOT_FOUND'));
    const body = (request.body ?? {}) as { query?: unknown; variables?: unknown };
    if (typeof body.query !== 'string')
      return reply.code(400).send(errorBody('Body must have a query', 'BAD_REQUEST'));
    const document = parseQuery(body.query);
    if (document instanceof GraphQLError)
      return reply.code(200).send(schemaMismatch([document], state.validationErrorCode));
    // [official wiki] the schema is introspectable without a token.
    const introspection = isIntrospectionOnly(document);
    if (!introspection) {
      const token = tokenOf(request);
      if (!token) return reply.code(401).send(errorBody('Unauthorized', 'UNAUTHORIZED'));
      if (!company.config.crmTokens.includes(token))
        return reply.code(403).send(errorBody('Forbidden', 'FORBIDDEN'));
    }
    const variants = variantsOf(state, company);
    const lockHeader = request.headers['x-lock-id'];
    const contextValue: CrmContext = { lockId: typeof lockHeader === 'string' ? lockHeader : null };
    return answerUnderFaults(state.faults, request, reply, !introspection, async () => ({
      status: 200,
      body: await runDocument({
        schema: sandboxSchemaFor(variants),
        document,
        variables: (body.variables ?? undefined) as Record<string, unknown> | undefined,
        rootValue: crmRootValue(company, variants, hooks),
        contextValue,
        validationErrorCode: state.validationErrorCode,
      }),
    }));
  });
}
