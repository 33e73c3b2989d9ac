// What the sandbox's routes share: companies, fault plan, webhooks, the request record and schema settings.
import type { FastifyRequest } from 'fastify';
import type { Company } from './company-store.js';
import type { FaultPlan } from './faults.js';
import type { SchemaVariant } from './schema-variants.js';
import type { WebhookSender } from './webhook-sender.js';

export interface RecordedRequest {
  path: string;
  headers: Record<string, unknown>;
  body: unknown;
}

export interface SandboxState {
  companies: Map<string, Company>;
  faults: FaultPlan;
  webhooks: WebhookSender;
  requests: RecordedRequest[];
  /** The variants a company without its own serves. */
  defaultVariants: SchemaVariant[];
  /** extensions.code on schema-mismatch errors; null leaves them without one [assumed]. */
  validationErrorCode: string | null;
}

export const variantsOf = (state: SandboxState, company: Company): SchemaVariant[] =>
  company.schemaVariants ?? state.defaultVariants;

/** Reads the token as SalesRender accepts it: raw header, `Bearer` header, or `?token=` [official]/[field]. */
export function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header) return header.replace(/^Bearer\s+/i, '').trim();
  const query = request.query as { token?: string };
  return query.token ?? null;
}

export const errorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

export function recordRequest(state: SandboxState, request: FastifyRequest): void {
  state.requests.push({ path: request.url, headers: { ...request.headers }, body: request.body });
}
