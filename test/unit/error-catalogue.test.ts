// The catalogue of error codes: each code's status and transient flag agree with each other and with the
// typed errors that carry the same codes (SalesRender's failures, the PGlite import's refusals).
import { describe, expect, it } from 'vitest';
import { PgliteImportRefusedError } from '../../src/db/pglite-import/import-pglite-data.js';
import { AppError, asAppError, errorCatalogue, otherErrorCodes } from '../../src/errors.js';
import { SalesRenderError, type SalesRenderErrorCode } from '../../src/salesrender/errors.js';

const salesRenderCodes: SalesRenderErrorCode[] = [
  'SR_UNAVAILABLE',
  'SR_BAD_RESPONSE',
  'SR_AUTH_FAILED',
  'SR_ORDER_LOCKED',
  'SR_SCHEMA_FAULT',
  'SR_REJECTED',
];

describe('the error catalogue', () => {
  it('answers every code with a 4xx or 5xx, transient exactly when it is 429 or 5xx', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.transient, code).toBe(entry.status === 429 || entry.status >= 500);
    }
  });

  it("holds every SalesRender failure with the transient flag SalesRender's error gives it", () => {
    for (const code of salesRenderCodes) {
      const error = new SalesRenderError(code, 'from SalesRender');
      expect(errorCatalogue[code].transient, code).toBe(error.transient);
      expect(asAppError(error).transient, code).toBe(error.transient);
    }
  });

  it('names the codes that never make an HTTP answer, none of them also an HTTP code', () => {
    for (const code of Object.keys(otherErrorCodes)) expect(errorCatalogue).not.toHaveProperty(code);
    const refusal = new PgliteImportRefusedError('PGLITE_IMPORT_IN_USE', 'in use');
    expect(otherErrorCodes[refusal.code].transient).toBe(refusal.transient);
  });

  it('gives an AppError the status and transient flag of its code', () => {
    const error = new AppError('DATABASE_UNAVAILABLE');
    expect([error.status, error.transient]).toEqual([503, true]);
    expect(new AppError('LEAD_INVALID').transient).toBe(false);
  });
});
