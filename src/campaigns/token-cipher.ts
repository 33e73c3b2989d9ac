// Encrypts SalesRender tokens at rest with AES-256-GCM under LEADBRIDGE_SECRET_KEY.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface TokenCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /**
   * A keyed digest of `value` (HMAC-SHA-256 under a key derived from the secret key; 64 hex characters):
   * the same on every instance sharing the key, and not reversible by trying every value (an IPv4
   * address, say) without it. For rows that must find a value again without storing it.
   */
  fingerprint(value: string): string;
}

/** Format `v1.<iv>.<tag>.<ciphertext>` (base64url), so the scheme can change without guessing. */
export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== 32) throw new Error('the secret key must be 32 bytes');
  // Every lead's SalesRender call needs its campaign's token: decrypted once per stored value, not per
  // lead (a cipher setup per lead showed in the intake profile). A stored value never changes meaning,
  // so the memo is exact; it only bounds its size.
  const decrypted = new Map<string, string>();
  // A key of its own for fingerprints, so a digest never uses the encryption key directly.
  const fingerprintKey = createHmac('sha256', key).update('leadbridge fingerprint v1').digest();
  return {
    fingerprint: (value) => createHmac('sha256', fingerprintKey).update(value).digest('hex'),
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), body]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
        .join('.');
    },
    decrypt(stored) {
      const known = decrypted.get(stored);
      if (known !== undefined) return known;
      const [version, iv, tag, body] = stored.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined)
        throw new Error('unknown token encryption format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
      if (decrypted.size >= 1_000) decrypted.clear();
      decrypted.set(stored, plain);
      return plain;
    },
  };
}
