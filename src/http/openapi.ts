// The OpenAPI 3.1 document of the partner, advertiser, webhook and admin APIs, served at /docs (readable
// page) and /docs/json. It is generated from each route's zod schemas (route-schema.ts), the same objects
// the handlers validate with, so it cannot drift from what the routes take and answer.
//
// @fastify/swagger collects the routes and writes the document; fastify-type-provider-zod's
// jsonSchemaTransform turns the zod schemas into JSON Schema with zod 4's own z.toJSONSchema() (request
// parts as zod's input type, answers as its output type). Both are maintained with Fastify 5 and zod 4,
// which leaves no converter of our own to keep.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** Paths the document covers; the console's pages and the docs themselves are left out. */
const documented = /^\/(v1\/|admin\/api\/|healthz$|readyz$)/;

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

function transformDocumentedRoute(input: TransformInput) {
  if (!documented.test(input.url)) return { schema: { hide: true }, url: input.url };
  return jsonSchemaTransform(input);
}

export const openApiOptions: FastifyDynamicSwaggerOptions = {
  mode: 'dynamic',
  openapi: {
    openapi: '3.1.0',
    info: {
      title: 'LeadBridge API',
      version: '1.0.0',
      description:
        'Partners send leads to a campaign alias; LeadBridge creates the order in SalesRender and returns ' +
        'its id. Advertisers set order statuses by label. SalesRender notifies status changes to the ' +
        "campaign's webhook URL. Operators use the admin API. Every request is audited. Errors always " +
        'look like {"error": {"code", "message", "request_id", "fields"?}}.',
    },
    tags: [
      { name: 'leads', description: 'Partners: send leads and read their status (API key)' },
      { name: 'orders', description: 'Advertisers: set order statuses by label (API key)' },
      { name: 'webhooks', description: "SalesRender's status-change notifications (secret URL)" },
      {
        name: 'admin',
        description: 'Operators: campaigns, partners, advertisers, postbacks, audit (admin token)',
      },
      { name: 'health', description: 'Liveness and readiness' },
    ],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        apiKeyQuery: { type: 'apiKey', in: 'query', name: 'api_key' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'LEADBRIDGE_ADMIN_TOKEN' },
      },
    },
  },
  transform: transformDocumentedRoute,
};
