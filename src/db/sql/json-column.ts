// A jsonb column as read back: an object from pg, sometimes its text (PGlite in some paths).
export function jsonColumn<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
