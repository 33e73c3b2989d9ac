// Strips secrets from anything headed for the audit log, logs, exports or error messages.

const REDACTED = '[redacted]';
const secretHeaders = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'cookie',
  'set-cookie',
  'x-admin-token',
]);
const secretKeyPattern =
  /^(api[_-]?key|apikey|token|access[_-]?token|secret|password|authorization|x-api-key)$/i;
const secretQueryParams = ['api_key', 'apikey', 'token', 'access_token', 'secret', 'key'];
/** One pattern for all of them, compiled once (it runs on every audited request). */
const secretQueryPattern = new RegExp(`([?&](?:${secretQueryParams.join('|')})=)[^&#]*`, 'gi');

/** Copies headers, replacing credential headers' values. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = secretHeaders.has(name.toLowerCase()) ? REDACTED : value;
  }
  return copy;
}

/** Removes credentials from a URL or path: secret query parameters and the webhook path secret. */
export function redactUrl(url: string): string {
  const result = url.replace(/(\/v1\/webhooks\/salesrender\/)[^/?#]+/, `$1${REDACTED}`);
  return result.includes('=') ? result.replace(secretQueryPattern, `$1${REDACTED}`) : result;
}

/** Whether a key's value is replaced; memoised, since the same few keys recur in every row. */
const secretKeys = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = secretKeyPattern.test(key);
    if (secretKeys.size >= 10_000) secretKeys.clear();
    secretKeys.set(key, secret);
  }
  return secret;
}

const cleanString = (text: string, knownSecrets: readonly string[]): string => {
  let clean = text.isWellFormed() ? text : text.toWellFormed();
  if (clean.includes('\u0000')) clean = clean.replaceAll('\u0000', '\uFFFD');
  for (const secret of knownSecrets)
    if (secret.length >= 8 && clean.includes(secret)) clean = clean.replaceAll(secret, REDACTED);
  return clean;
};

/**
 * A JSON-like value with values under secret-looking keys and any of `knownSecrets` found inside strings
 * replaced. NUL characters become U+FFFD because PostgreSQL's jsonb cannot hold them. Plain objects and
 * arrays with nothing to replace are answered as they are (not copied: this runs on every audit row, and
 * the copies were most of its cost); anything else that is an object is copied as its own enumerable
 * properties, as JSON would see them. The answer is for serialising: callers must not change it.
 */
export function redactValue(value: unknown, knownSecrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 64) return '[too deep]';
  if (typeof value === 'string') return cleanString(value, knownSecrets);
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      const clean = redactValue(item, knownSecrets, depth + 1);
      if (copy) copy.push(clean);
      else if (clean !== item) {
        copy = value.slice(0, index);
        copy.push(clean);
      }
    }
    return copy ?? value;
  }
  if (value && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    const plain = prototype === Object.prototype || prototype === null;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    let copy: Record<string, unknown> | null = plain ? null : {};
    // One array of keys, not Object.entries' array per key: those were most of what redaction allocated
    // per audited row. Each value is read once, so a getter runs once.
    const values: unknown[] = [];
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      const item = record[key];
      values.push(item);
      const safeKey = cleanString(key, []);
      const clean = isSecretKey(key) ? REDACTED : redactValue(item, knownSecrets, depth + 1);
      if (!copy && (clean !== item || safeKey !== key)) {
        copy = {};
        for (let earlier = 0; earlier < index; earlier++) copy[keys[earlier] as string] = values[earlier];
      }
      if (copy) copy[safeKey] = clean;
    }
    return copy ?? value;
  }
  return value;
}
