// The CPA module (webmaster token): REST POST .../CPA/lead/add [official] and GraphQL on .../CPA [field].
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildSchema, GraphQLError } from 'graphql';
import type { Company } from './company-store.js';
import { addCpaLead, CpaLeadError, type LeadAnswer, type LeadBody } from './cpa-lead.js';
import { answerUnderFaults } from './fault-replies.js';
import { isIntrospectionOnly, parseQuery, runDocument, schemaMismatch } from './graphql-endpoint.js';
import { type Pagination, paginate } from './pagination.js';
import { SandboxGraphqlError } from './sandbox-order.js';
import { errorBody, recordRequest, type SandboxState, tokenOf, variantsOf } from './sandbox-state.js';

const here = dirname(fileURLToPath(import.meta.url));
export const cpaSchemaSdl = readFileSync(join(here, 'cpa-schema.graphql'), 'utf8');
export const cpaSchema = buildSchema(cpaSchemaSdl);

/** The webmaster the token stands for, or the reply already sent (401 missing, 403 unknown [assumed]). */
function webmasterOf(company: Company, request: FastifyRequest, reply: FastifyReply): string | null {
  const token = tokenOf(request);
  if (!token) {
    void reply.code(401).send(errorBody('Unauthorized', 'UNAUTHORIZED'));
    return null;
  }
  const webmasterId = company.config.cpaTokens[token];
  if (!webmasterId) void reply.code(403).send(errorBody('Forbidden', 'FORBIDDEN'));
  return webmasterId ?? null;
}

/** A lead as the CPA schema's `Lead` reads it (reward in major units). */
function leadOf(company: Company, orderId: string) {
  const lead = company.orders.get(orderId)?.lead;
  if (!lead) return null;
  const answer: LeadAnswer = {
    id: orderId,
    status: lead.status,
    method: lead.rewardMethod,
    reward: lead.reward ? { value: lead.reward.amount / 100, currency: lead.reward.currency } : null,
  };
  return { ...answer, externalId: lead.externalId, externalTag: lead.externalTag };
}

export function registerCpaRoutes(app: FastifyInstance, state: SandboxState): void {
  const created = (company: Company, orderId: string) => {
    if (state.webhooks.fireOnCreate) state.webhooks.fire(company, orderId);
  };
  const logCreation = (company: Company) => !variantsOf(state, company).includes('logs-without-create');

  app.post<{ Params: { companyId: string } }>(
    '/companies/:companyId/CPA/lead/add',
    async (request, reply) => {
      recordRequest(state, request);
      const company = state.companies.get(request.params.companyId);
      if (!company) return reply.code(404).send(errorBody('Company not found', 'NOT_FOUND'));
      const webmasterId = webmasterOf(company, request, reply);
      if (!webmasterId) return reply;
      return answerUnderFaults(state.faults, request, reply, true, async () => {
        try {
          const { order, answer } = addCpaLead(company, webmasterId, (request.body ?? {}) as LeadBody, {
            logCreation: logCreation(company),
          });
          created(company, order.id);
          return { status: 201, body: answer };
        } catch (error) {
          if (!(error instanceof CpaLeadError)) throw error;
          return { status: error.httpStatus, body: { errors: [{ message: error.message }] } };
        }
      });
    },
  );

  app.post<{ Params: { companyId: string } }>('/companies/:companyId/CPA', async (request, reply) => {
    recordRequest(state, request);
    const company = state.companies.get(request.params.companyId);
    if (!company) return reply.code(404).send(errorBody('Company not found', 'NOT_FOUND'));
    const body = (request.body ?? {}) as { query?: unknown; variables?: unknown };
    if (typeof body.query !== 'string')
      return reply.code(400).send(errorBody('Body must have a query', 'BAD_REQUEST'));
    const document = parseQuery(body.query);
    if (document instanceof GraphQLError)
      return reply.code(200).send(schemaMismatch([document], state.validationErrorCode));
    const introspection = isIntrospectionOnly(document);
    const webmasterId = introspection ? null : webmasterOf(company, request, reply);
    if (!introspection && !webmasterId) return reply;
    const rootValue = {
      leadsFetcher: (args: {
        filters?: { include?: { ids?: string[] | null } | null } | null;
        pagination?: Pagination | null;
      }) => {
        const ids = args.filters?.include?.ids;
        const leads = [...company.orders.values()]
          .filter((order) => order.lead?.webmasterId === webmasterId && (!ids || ids.includes(order.id)))
          .map((order) => leadOf(company, order.id));
        const { page, pageInfo } = paginate(leads, args.pagination);
        return { leads: page, pageInfo };
      },
      leadMutation: () => ({
        addLead: ({ input }: { input: LeadBody }) => {
          try {
            const { order, answer } = addCpaLead(company, webmasterId ?? '', input, {
              logCreation: logCreation(company),
            });
            created(company, order.id);
            return { ...answer, externalId: order.lead?.externalId, externalTag: order.lead?.externalTag };
          } catch (error) {
            // [assumed] a refused lead is a GraphQL error without a known code.
            if (error instanceof CpaLeadError) throw new SandboxGraphqlError(null, error.message);
            throw error;
          }
        },
      }),
    };
    return answerUnderFaults(state.faults, request, reply, !introspection, async () => ({
      status: 200,
      body: await runDocument({
        schema: cpaSchema,
        document,
        variables: (body.variables ?? undefined) as Record<string, unknown> | undefined,
        rootValue,
        validationErrorCode: state.validationErrorCode,
      }),
    }));
  });
}
