// Builds a route's `schema` option from zod objects: what it takes, what it answers (success and every
// error code), and how it is authenticated. The OpenAPI document is generated from these (openapi.ts).
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { errorResponses } from './answers/error-answers.js';

export interface RouteContract {
  summary: string;
  description?: string;
  /** The document's section. */
  tag: string;
  params?: z.ZodObject;
  querystring?: z.ZodObject;
  headers?: z.ZodObject;
  body?: z.ZodType;
  /** Request content types when not JSON only. */
  consumes?: string[];
  /** Answer content types when not JSON only. */
  produces?: string[];
  /** The successful answers by status; each schema's description is the response's. */
  answers: Record<number, z.ZodType>;
  /** Every error code the route itself may answer; those every route may answer are added here. */
  errors: ErrorCode[];
}

/** Any route may fail on our side or answer while the database is away. */
const everyRoute: ErrorCode[] = ['INTERNAL', 'DATABASE_UNAVAILABLE'];
/** The body parsers' refusals (server.ts). */
const withBody: ErrorCode[] = ['BODY_INVALID', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];

function schemaOf(contract: RouteContract, security: Record<string, string[]>[], more: ErrorCode[]) {
  const { answers, errors, tag, produces, ...rest } = contract;
  const codes = [...errors, ...more, ...everyRoute, ...(contract.body ? withBody : [])];
  const response: Record<number, unknown> = {};
  for (const [status, answer] of Object.entries(answers)) {
    response[Number(status)] = produces ? inContent(answer, produces) : answer;
  }
  for (const [status, error] of Object.entries(errorResponses(codes))) {
    const answer = answers[Number(status)];
    // A status that is both an answer and an error (readyz's 503 while the database is away) is either.
    const either = answer
      ? z.union([answer, error]).describe(`${answer.description ?? ''} Or: ${error.description ?? ''}`)
      : error;
    // Errors are JSON even where the answer is not (the exports).
    response[Number(status)] = produces ? inContent(either, ['application/json']) : either;
  }
  return { ...rest, tags: [tag], security, response } satisfies FastifySchema;
}

/** A response with its content types named (the form jsonSchemaTransform reads for non-JSON answers). */
function inContent(schema: z.ZodType, types: string[]) {
  return {
    description: schema.description ?? '',
    content: Object.fromEntries(types.map((type) => [type, { schema }])),
  };
}

/** A partner's or advertiser's route: an API key in X-Api-Key (or api_key), counted by the rate limit. */
export function apiKeyRoute(contract: RouteContract): FastifySchema {
  return schemaOf(contract, [{ apiKey: [] }, { apiKeyQuery: [] }], ['RATE_LIMITED']);
}

/** A route under /admin/api: the admin token as a bearer token (reads also take the console's session). */
export function adminRoute(contract: RouteContract): FastifySchema {
  return schemaOf(contract, [{ adminToken: [] }], ['ADMIN_UNAUTHORIZED']);
}

/** A route without credentials (the secret is in its URL, or it is public). */
export function openRoute(contract: RouteContract): FastifySchema {
  return schemaOf(contract, [], []);
}
