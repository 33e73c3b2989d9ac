// The OpenAPI document generated from the routes' zod schemas: valid OpenAPI 3.1, every API route in it
// with its answers, and real answers that depart from it caught.
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractCheck } from '../support/contract-check.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
let document: any;
beforeAll(async () => {
  h = await startHarness();
  document = (await h.request({ method: 'GET', url: '/docs/json' })).body;
});
afterAll(async () => {
  await h?.close();
});

const operations = () =>
  Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe('the generated document', () => {
  it('is valid OpenAPI 3.1', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('covers every public, webhook and admin route', () => {
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/leads/{alias}',
        '/v1/leads/{leadId}',
        '/v1/leads',
        '/v1/orders/status',
        '/v1/orders/{orderId}/status',
        '/v1/webhooks/salesrender/{secret}',
        '/admin/api/campaigns',
        '/admin/api/campaigns/{alias}',
        '/admin/api/partners',
        '/admin/api/advertisers/{id}/keys/rotate',
        '/admin/api/postbacks',
        '/admin/api/audit',
        '/admin/api/reconcile',
        '/admin/api/salesrender/schema',
      ]),
    );
    // The console's pages and the docs themselves are not part of the API.
    expect(paths.filter((path) => !/^\/(v1|admin\/api)\/|^\/(healthz|readyz)$/.test(path))).toEqual([]);
  });

  it('gives every operation a summary, its security, a success answer and the error shape', () => {
    for (const { path, method, operation } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(operation.summary, where).toBeTruthy();
      const statuses = Object.keys(operation.responses);
      const success = statuses.filter((status) => status.startsWith('2'));
      expect(success.length, `${where} documents no success answer`).toBeGreaterThan(0);
      // A 204 has no body to describe.
      for (const status of success.filter((code) => code !== '204')) {
        expect(operation.responses[status].content, `${where} ${status} has no schema`).toBeTruthy();
      }
      expect(statuses, where).toEqual(expect.arrayContaining(['500', '503']));
      const internal = operation.responses['500'].content['application/json'].schema;
      expect(internal.properties.error.required, where).toEqual(['code', 'message', 'request_id']);
      if (path.startsWith('/admin/api/')) {
        expect(operation.security, where).toEqual([{ adminToken: [] }]);
        expect(statuses, where).toContain('401');
      }
      if (path.startsWith('/v1/leads') || path.startsWith('/v1/orders')) {
        expect(operation.security, where).toEqual([{ apiKey: [] }, { apiKeyQuery: [] }]);
        expect(statuses, where).toContain('429');
      }
    }
  });

  it("lists each status's error codes", () => {
    const lead = document.paths['/v1/leads/{alias}'].post;
    const codes = lead.responses['422'].content['application/json'].schema.properties.error.properties.code;
    expect(codes.enum).toEqual(expect.arrayContaining(['LEAD_INVALID', 'SR_REJECTED', 'VALIDATION_FAILED']));
  });
});

describe('answers checked against the document', () => {
  it('passes an answer that matches', async () => {
    const check = await ContractCheck.of(document);
    const answer = await h.service.app.inject({ method: 'GET', url: '/healthz' });
    expect(
      check.departure({
        method: 'GET',
        url: '/healthz',
        status: answer.statusCode,
        contentType: answer.headers['content-type'] as string,
        body: answer.body,
      }),
    ).toBeNull();
  });

  it('catches an answer that lacks a field the document requires', async () => {
    const stricter = structuredClone(document);
    const schema = stricter.paths['/healthz'].get.responses['200'].content['application/json'].schema;
    schema.properties.uptime = { type: 'number' };
    schema.required = [...(schema.required ?? []), 'uptime'];
    const check = await ContractCheck.of(stricter);
    const answer = await h.service.app.inject({ method: 'GET', url: '/healthz' });
    expect(
      check.departure({
        method: 'GET',
        url: '/healthz',
        status: 200,
        contentType: answer.headers['content-type'] as string,
        body: answer.body,
      }),
    ).toMatch(
      /GET \/healthz answered 200 with a body the document does not allow: \(root\) must have required property 'uptime'/,
    );
  });

  it('catches a status the document does not list', async () => {
    const check = await ContractCheck.of(document);
    expect(
      check.departure({
        method: 'GET',
        url: '/v1/leads/lead_x',
        status: 418,
        contentType: 'application/json',
        body: '{}',
      }),
    ).toMatch(/GET \/v1\/leads\/\{leadId\} answered 418, a status the document does not list/);
  });

  it('fails a test whose request gets an answer departing from the document', async () => {
    // injectInto checks every answer; an undocumented route+status reaches the test as an error.
    const check = await ContractCheck.of(document);
    const departure = check.departure({
      method: 'POST',
      url: '/v1/leads/demo',
      status: 201,
      contentType: 'application/json',
      body: JSON.stringify({ lead_id: 'lead_x', order_id: 7, status: 'pending', duplicate: false }),
    });
    expect(departure).toMatch(/\/order_id must be string,null|\/order_id must be/);
  });
});
