// Records the drift watch's result for one company and answers the result it replaces (to audit a change).
import { type SQL, sql } from 'drizzle-orm';
import type { SchemaProblem } from '../../schema-problem.js';

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
export function recordSchemaCheckSql(row: SchemaCheckRow): SQL {
  return sql`with previous as (
      select ok, problems from salesrender_schemas where company = ${row.company} and module = ${row.module}),
    saved as (
      insert into salesrender_schemas (company, module, base_url, company_id, checked_at, ok, problems)
      values (${row.company}, ${row.module}, ${row.baseUrl}, ${row.companyId}, ${row.checkedAt.toISOString()},
        ${row.ok}, ${JSON.stringify(row.problems)}::jsonb)
      on conflict (company, module) do update set base_url = excluded.base_url, company_id = excluded.company_id,
        checked_at = excluded.checked_at, ok = excluded.ok, problems = excluded.problems
      returning company)
    select previous.ok as previous_ok, previous.problems as previous_problems from saved left join previous on true`;
}
