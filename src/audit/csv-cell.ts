// How every CSV LeadBridge writes encodes its cells: RFC 4180 quoting plus OWASP's CSV-injection defence.
// A spreadsheet runs a cell that begins with = + - @ (or a tab or carriage return) as a formula, so such a
// cell is written with a leading single quote: shown as text, never run. Programs should read NDJSON,
// which carries every value unchanged (https://owasp.org/www-community/attacks/CSV_Injection).

/** The first characters a spreadsheet may read as the start of a formula. */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * One CSV cell: null and undefined become an empty cell, objects their JSON text, anything else its string.
 * Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote in front
 * (`+79123456789` becomes `'+79123456789`, `-5` becomes `'-5`); then a cell holding a quote, a comma
 * or a line break is quoted, its quotes doubled (RFC 4180).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const raw = typeof value === 'object' ? JSON.stringify(value) : String(value);
  const text = formulaStart.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record: the cells of `values` in order, separated by commas and ended by CRLF (RFC 4180). */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
