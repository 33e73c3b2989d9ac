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

/**
 * Deep-copies a JSON-like value, replacing values under secret-looking keys and any of `knownSecrets`
 * found inside strings. NUL characters become U+FFFD because PostgreSQL's jsonb cannot hold them.
 */
export function redactValue(value: unknown, knownSecrets: readonly string[] = [], depth = 0): unknown {
  if (depth > 64) return '[too deep]';
  if (typeof value === 'string') {
    let text = value.toWellFormed();
    if (text.includes('\u0000')) text = text.replaceAll('\u0000', '\uFFFD');
    for (const secret of knownSecrets)
      if (secret.length >= 8 && text.includes(secret)) text = text.replaceAll(secret, REDACTED);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, knownSecrets, depth + 1));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const safeKey = key.toWellFormed().replaceAll('\u0000', '\uFFFD');
      copy[safeKey] = secretKeyPattern.test(key) ? REDACTED : redactValue(item, knownSecrets, depth + 1);
    }
    return copy;
  }
  return value;
}
