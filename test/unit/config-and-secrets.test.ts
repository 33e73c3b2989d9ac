import { describe, expect, it } from 'vitest';
import { redactHeaders, redactUrl, redactValue } from '../../src/audit/redact.js';
import { createTokenCipher } from '../../src/campaigns/token-cipher.js';
import { loadSettings, SettingsError } from '../../src/config/settings.js';

describe('settings', () => {
  it('applies defaults', () => {
    const settings = loadSettings({});
    expect(settings).toMatchObject({
      PORT: 8080,
      DATA_DIR: './data',
      BODY_LIMIT_BYTES: 65536,
      RECONCILE_FINAL_DAYS: 7,
      publicBaseUrl: 'http://localhost:8080',
    });
    expect(settings.LEADBRIDGE_ALLOW_PRIVATE_TARGETS).toBe(false);
  });

  it('lists every bad value at once', () => {
    try {
      loadSettings({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LEADBRIDGE_SECRET_KEY: 'short',
        PUBLIC_BASE_URL: 'nope',
      });
      throw new Error('expected a SettingsError');
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      const problems = (error as SettingsError).problems.join('\n');
      for (const name of ['PORT', 'DATABASE_URL', 'LEADBRIDGE_SECRET_KEY', 'PUBLIC_BASE_URL'])
        expect(problems).toContain(name);
    }
  });
});

describe('redaction', () => {
  it('hides credential headers', () => {
    expect(redactHeaders({ 'X-Api-Key': 'k', authorization: 'a', 'user-agent': 'ua' })).toEqual({
      'X-Api-Key': '[redacted]',
      authorization: '[redacted]',
      'user-agent': 'ua',
    });
  });

  it('hides query credentials and the webhook secret in URLs', () => {
    expect(redactUrl('/v1/leads/x?a=1&api_key=secret&token=t')).toBe(
      '/v1/leads/x?a=1&api_key=[redacted]&token=[redacted]',
    );
    expect(redactUrl('/v1/webhooks/salesrender/abcdef?id=1')).toBe(
      '/v1/webhooks/salesrender/[redacted]?id=1',
    );
  });

  it('hides secret-looking keys and known secrets deep in values, and NUL characters', () => {
    expect(
      redactValue({ a: { api_key: 'x', list: ['has sekrit-value-1 inside'] }, b: 'nul\u0000' }, [
        'sekrit-value-1',
      ]),
    ).toEqual({
      a: { api_key: '[redacted]', list: ['has [redacted] inside'] },
      b: 'nul\uFFFD',
    });
  });

  it('leaves its input unchanged, copying only what it replaces', () => {
    const clean = { lead: { name: 'Ivan', phones: ['+79125550101'] }, count: 2 };
    expect(redactValue(clean)).toBe(clean);
    const input = { lead: { name: 'Ivan', token: 'abc' }, other: { kept: true } };
    const redacted = redactValue(input) as typeof input;
    expect(redacted).toEqual({ lead: { name: 'Ivan', token: '[redacted]' }, other: { kept: true } });
    expect(input.lead.token).toBe('abc');
    expect(redacted.other).toBe(input.other);
  });

  it('keeps the keys in their order when a copy starts partway, prototype-less objects included', () => {
    const input = Object.assign(Object.create(null), { first: 1, second: 'x', token: 'abc', last: true });
    const redacted = redactValue({ outer: input, after: 2 }) as Record<string, Record<string, unknown>>;
    expect(Object.keys(redacted)).toEqual(['outer', 'after']);
    expect(Object.entries(redacted.outer ?? {})).toEqual([
      ['first', 1],
      ['second', 'x'],
      ['token', '[redacted]'],
      ['last', true],
    ]);
  });

  it('reads an object with a prototype as JSON would: its own enumerable properties', () => {
    class Answer {
      status = 'ok';
      get hidden() {
        return 'not serialised';
      }
    }
    expect(redactValue(new Answer())).toEqual({ status: 'ok' });
  });
});

describe('token cipher', () => {
  const cipher = createTokenCipher(Buffer.alloc(32, 7));
  it('round-trips and never produces the same ciphertext twice', () => {
    const first = cipher.encrypt('eyJ.token');
    expect(cipher.decrypt(first)).toBe('eyJ.token');
    expect(cipher.encrypt('eyJ.token')).not.toBe(first);
  });
  it('refuses tampered ciphertext, also of a value it has decrypted before', () => {
    const stored = cipher.encrypt('eyJ.token');
    expect(cipher.decrypt(stored)).toBe('eyJ.token');
    const parts = stored.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'))).toThrow();
    expect(() => createTokenCipher(Buffer.alloc(32, 8)).decrypt(stored)).toThrow();
  });
});
