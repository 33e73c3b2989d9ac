// Checks a defined statement against its own text: its parameters, and for each JSON parameter read by
// json_to_recordset/json_populate_record with a column list, that the keys its `values` writes and the
// columns the text reads are the same names (a renamed key would otherwise become a NULL column silently).
import type { Statement } from '../../src/db/sql/statement.js';

/** Each `json_to_recordset($n::json) as alias (column type, ...)` and the like in `text`: n and its columns. */
export function recordsetColumns(text: string): { param: number; columns: string[] }[] {
  const pattern =
    /(?:jsonb?_to_recordset|jsonb?_to_record|jsonb?_populate_record(?:set)?)\(\s*\$(\d+)::jsonb?\s*\)\s+as\s+\w+\s*\(([^)]*)\)/gi;
  return [...text.matchAll(pattern)].map((match) => ({
    param: Number(match[1]),
    columns: (match[2] ?? '')
      .split(',')
      .map((column) => column.trim().split(/\s+/)[0] ?? '')
      .filter(Boolean),
  }));
}

/** The highest `$n` in `text`. */
export function highestParameter(text: string): number {
  return Math.max(0, ...[...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
}

/** The problems found with `statement` run on `example` (empty: none). */
export function statementProblems<Input>(statement: Statement<Input, unknown>, example: Input): string[] {
  const problems: string[] = [];
  const values = statement.values(example);
  const highest = highestParameter(statement.text);
  if (values.length !== highest)
    problems.push(`${statement.name}: ${values.length} values for a text that reads up to $${highest}`);
  const recordsets = recordsetColumns(statement.text);
  for (const param of new Set(recordsets.map((recordset) => recordset.param))) {
    const value = values[param - 1];
    const rows = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
    const objects = (Array.isArray(rows) ? rows : [rows]) as Record<string, unknown>[];
    if (objects.length === 0 || objects.some((row) => row === null || typeof row !== 'object')) {
      problems.push(`${statement.name}: $${param} has no object in the example to check its keys`);
      continue;
    }
    const keys = new Set(objects.flatMap((row) => Object.keys(row)));
    const readers = recordsets.filter((recordset) => recordset.param === param);
    // Every column a reader names is a key; every key is read by some reader (one may read a few keys).
    for (const reader of readers)
      for (const column of reader.columns)
        if (!keys.has(column)) problems.push(`${statement.name}: $${param} has no key "${column}"`);
    const read = new Set(readers.flatMap((reader) => reader.columns));
    for (const key of keys)
      if (!read.has(key)) problems.push(`${statement.name}: $${param}'s key "${key}" names no column`);
  }
  return problems;
}

/** A statement with an input to check it on. */
export interface StatementExample<Input = never> {
  statement: Statement<Input, unknown>;
  example: Input;
}

/** Registers a statement for the checker with an example input that fills every JSON parameter. */
export function example<Input>(statement: Statement<Input, unknown>, input: Input): StatementExample<Input> {
  return { statement, example: input };
}
