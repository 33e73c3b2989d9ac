// The partner API description and the health endpoints.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

it('serves the partner API as OpenAPI and as a readable page', async () => {
  const spec = await h.request({ method: 'GET', url: '/docs/json' });
  expect(spec.status).toBe(200);
  expect(spec.body.openapi).toBe('3.1.0');
  // The document lists these answers and also the ones every route may give (400, 415, 500).
  expect(Object.keys(spec.body.paths['/v1/leads/{alias}'].post.responses).sort()).toEqual(
    expect.arrayContaining(['200', '201', '202', '401', '403', '404', '409', '413', '422', '429', '503']),
  );
  const page = await h.request({ method: 'GET', url: '/docs/' });
  expect(page.status).toBe(200);
  expect(page.text).toContain('<html');
});

it('reports health and readiness', async () => {
  expect((await h.request({ method: 'GET', url: '/healthz' })).body).toEqual({ status: 'ok' });
  // The harness does not start the background worker, so readiness says so.
  const ready = await h.request({ method: 'GET', url: '/readyz' });
  expect(ready.status).toBe(503);
  expect(ready.body.checks).toEqual({ database: 'ok', migrations: 'ok', worker: 'stopped' });
  h.service.context.worker.start();
  expect((await h.request({ method: 'GET', url: '/readyz' })).status).toBe(200);
  await h.service.context.worker.stop();
});

it('answers unknown paths with the error shape', async () => {
  const response = await h.request({ method: 'GET', url: '/nope' });
  expect(response.status).toBe(404);
  expect(response.body.error).toMatchObject({
    code: 'ROUTE_NOT_FOUND',
    request_id: expect.stringMatching(/^req_/),
  });
  expect(response.headers['x-request-id']).toBe(response.body.error.request_id);
});

it('warns at start when a job lease is too short to cover a slow SalesRender exchange', async () => {
  const leaseWarning = /JOB_LEASE_MS should exceed twice SALESRENDER_TIMEOUT_MS/;
  expect(h.logLines.join('')).not.toMatch(leaseWarning); // 60 s against 2 s: fine
  const short = await startHarness({ salesrenderTimeoutMs: 2000, env: { JOB_LEASE_MS: '4000' } });
  try {
    expect(short.logLines.join('')).toMatch(leaseWarning);
  } finally {
    await short.close();
  }
});
