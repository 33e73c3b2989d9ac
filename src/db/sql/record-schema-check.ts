// Records the drift watch's result for one company and answers the result it replaces (to audit a change).

import type { SchemaProblem } from '../../schema-problem.js';
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';

export interface SchemaCheckRow {
  company: string;
  module: 'CRM' | 'CPA';
  baseUrl: string;
  companyId: string;
  checkedAt: Date;
  ok: boolean;
  problems: SchemaProblem[];
}

/** The CTE reads the previous result before the upsert replaces it (both see the same snapshot). */
export const recordSchemaCheck = defineStatement<
  SchemaCheckRow,
  { previousOk: boolean | null; previousProblems: SchemaProblem[] }
>({
  name: 'record_schema_check',
  text: `with previous as (
      select ok, problems from salesrender_schemas where company = $1::text and module = $2::text),
    saved as (
      insert into salesrender_schemas (company, module, base_url, company_id, checked_at, ok, problems)
      values ($1::text, $2::text, $3::text, $4::text, $5::timestamptz, $6::boolean, $7::jsonb)
      on conflict (company, module) do update set base_url = excluded.base_url, company_id = excluded.company_id,
        checked_at = excluded.checked_at, ok = excluded.ok, problems = excluded.problems
      returning company)
    select previous.ok as previous_ok, previous.problems as previous_problems from saved left join previous on true`,
  values: (row) => [
    row.company,
    row.module,
    row.baseUrl,
    row.companyId,
    row.checkedAt.toISOString(),
    row.ok,
    JSON.stringify(row.problems),
  ],
  row: (raw) => ({
    previousOk: (raw.previous_ok as boolean | null | undefined) ?? null,
    previousProblems: jsonColumn<SchemaProblem[]>(raw.previous_problems, []),
  }),
});
