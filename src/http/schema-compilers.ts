// Route schemas are zod objects that describe each route for the OpenAPI document; Fastify must neither
// validate requests with them nor serialise answers through them.
import type { FastifyInstance } from 'fastify';

/**
 * Requests are validated in the handlers, with the same zod objects, after the admin token or API key has
 * been checked (Fastify's validation would run before the admin preHandler and answer an unauthenticated
 * request with the body's faults) and into LeadBridge's error shape (`VALIDATION_FAILED`, `LEAD_INVALID`
 * with `fields`). Answers are plain JSON, as before; tests check them against the document
 * (test/support/contract-check.ts), so a departing answer fails a test instead of a customer's request.
 */
export function describeOnlyWithSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(
    () =>
      function acceptAsParsed(data: unknown) {
        return { value: data };
      },
  );
  app.setSerializerCompiler(
    () =>
      function serialiseAsJson(data: unknown) {
        return JSON.stringify(data);
      },
  );
}
