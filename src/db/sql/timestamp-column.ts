// A timestamptz column as read back: text from executeSql (its session keeps timestamps raw), a Date elsewhere.

/** The column's instant, as drizzle's `timestamp({ mode: 'date' })` maps it. */
export function timestampColumn(value: unknown): Date {
  return new Date(value as string | Date);
}

/** The column's instant, or null for SQL NULL. */
export function nullableTimestampColumn(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(value as string | Date);
}
