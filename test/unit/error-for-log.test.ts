// An unexpected error is logged by its kind, code, innermost message and frames: never by the message of a
// wrapper that quotes the failed statement's parameters, which are a lead's personal data.
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { errorForLog } from '../../src/error-for-log.js';

describe('errorForLog', () => {
  it("leaves out a failed statement's parameters, keeping what a person needs to find the fault", () => {
    const cause = Object.assign(new Error('duplicate key value violates unique constraint "leads_pkey"'), {
      code: '23505',
    });
    const error = new DrizzleQueryError(
      'insert into leads (id, phone, name) values ($1, $2, $3)',
      ['lead_1', '+79161234567', 'Anna Petrova'],
      cause,
    );

    const logged = errorForLog(error);

    expect(JSON.stringify(logged)).not.toMatch(/79161234567|Anna Petrova|insert into/);
    expect(logged).toMatchObject({
      type: 'Error',
      code: '23505',
      message: 'duplicate key value violates unique constraint "leads_pkey"',
    });
    expect(logged.stack).toMatch(/^\s+at /);
    expect(logged.stack).toContain('error-for-log.test.ts');
  });

  it('describes a thrown value that is not an Error', () => {
    expect(errorForLog('plain text')).toEqual({ type: 'string', message: 'plain text' });
  });
});
