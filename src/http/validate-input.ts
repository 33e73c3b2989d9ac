// Validates a request part with a route's zod schema: the parsed value, or 422 VALIDATION_FAILED with a
// reason per field.
import type { z } from 'zod';
import { AppError, fieldsFromIssues } from '../errors.js';

export function validateInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
  }
  return parsed.data;
}
