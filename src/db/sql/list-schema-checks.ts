// Every company's last drift-watch result, for the dashboard, the metric and the admin API.
import type { SchemaProblem } from '../../schema-problem.js';
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';

export interface SchemaCheckView {
  company: string;
  module: 'CRM' | 'CPA';
  baseUrl: string;
  companyId: string;
  checkedAt: Date | null;
  ok: boolean | null;
  problems: SchemaProblem[];
}

function schemaCheckFromRow(row: Record<string, unknown>): SchemaCheckView {
  const problems = jsonColumn<SchemaProblem[]>(row.problems, []);
  return {
    company: String(row.company),
    module: row.module as 'CRM' | 'CPA',
    baseUrl: String(row.base_url),
    companyId: String(row.company_id),
    checkedAt: row.checked_at ? new Date(row.checked_at as string | Date) : null,
    ok: row.ok === null || row.ok === undefined ? null : row.ok === true || row.ok === 't',
    problems: (problems ?? []) as SchemaProblem[],
  };
}

export const listSchemaChecks = defineStatement<Record<string, never>, SchemaCheckView>({
  name: 'list_schema_checks',
  text: `select company, module, base_url, company_id, checked_at, ok, problems
    from salesrender_schemas order by company, module`,
  values: () => [],
  row: schemaCheckFromRow,
});
