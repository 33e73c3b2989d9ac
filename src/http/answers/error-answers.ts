// The error body every route answers with, `{error: {code, message, request_id, fields?}}`, as zod schemas
// grouped by HTTP status, each listing exactly the catalogue codes a route may answer with that status.
import { z } from 'zod';
import { type ErrorCode, errorCatalogue } from '../../errors.js';

/** Per-field reasons of a 422: `{ "field.path": "reason" }`. */
const fieldReasons = z.record(z.string(), z.string()).meta({ example: { phone: 'is required' } });

/** What CAP_REACHED carries beside its message. */
const capReached = {
  cap: z
    .object({
      scope: z.enum(['campaign', 'partner']),
      period: z.enum(['daily', 'total']),
      limit: z.number().int(),
    })
    .optional()
    .meta({ description: 'CAP_REACHED: the cap that refused the lead' }),
  resets_at: z.string().nullable().optional().meta({
    format: 'date-time',
    description:
      'CAP_REACHED: when a daily cap resets (ISO-8601 UTC, also as Retry-After); null for a total cap',
  }),
};

/**
 * Routes answering one status with the same codes share one schema: built per route, the error answers
 * were most of the zod objects the service holds for its whole life.
 */
const errorAnswers = new Map<string, z.ZodType>();

function errorAnswer(codes: [ErrorCode, ...ErrorCode[]], description: string): z.ZodType {
  const key = codes.join(' ');
  let answer = errorAnswers.get(key);
  if (!answer) {
    answer = errorBody(codes).describe(description);
    errorAnswers.set(key, answer);
  }
  return answer;
}

function errorBody(codes: [ErrorCode, ...ErrorCode[]]) {
  const error = z
    .object({
      code: z.enum(codes),
      message: z.string(),
      request_id: z.string().meta({ example: 'req_9f3kQ2xv0LmA1bCd' }),
      fields: fieldReasons.optional(),
      ...(codes.includes('CAP_REACHED') ? capReached : {}),
    })
    // Some codes carry details beside the message: salesrender_code, allowed labels, retry_after_seconds.
    .catchall(z.unknown());
  if (!codes.includes('LEAD_DUPLICATE_PHONE')) return z.object({ error });
  // A 409 duplicate also carries the existing lead's ids at the top level, like a 200 duplicate does.
  return z.object({
    error,
    lead_id: z.string().optional(),
    order_id: z.string().nullable().optional(),
    duplicate: z.literal(true).optional(),
  });
}

/**
 * Response schemas for the given codes, keyed by the status the catalogue gives each; each described by
 * its codes and their messages.
 */
export function errorResponses(codes: readonly ErrorCode[]): Record<number, z.ZodType> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = errorCatalogue[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, z.ZodType> = {};
  for (const [status, [first, ...rest]] of byStatus) {
    if (!first) continue;
    const listed = [first, ...rest];
    const description = listed.map((code) => `${code}: ${errorCatalogue[code].message}`).join('; ');
    responses[status] = errorAnswer([first, ...rest], description);
  }
  return responses;
}
