// Makes parsed request bodies storable: PostgreSQL text and jsonb refuse NUL characters and lone UTF-16
// surrogates (which JSON allows as \u escapes), so both become U+FFFD before anything else sees them.

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point of this pattern
const needsCleaning = /[\u0000\ud800-\udfff]/;

export function cleanString(text: string): string {
  if (!needsCleaning.test(text)) return text;
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD');
}

/** Deep copy with every string (keys too) cleaned; `depth` guards against absurd nesting. */
export function cleanInput(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return cleanString(value);
  if (depth > 64) return null;
  if (Array.isArray(value)) return value.map((item) => cleanInput(item, depth + 1));
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[cleanString(key)] = cleanInput(item, depth + 1);
    return copy;
  }
  return value;
}
