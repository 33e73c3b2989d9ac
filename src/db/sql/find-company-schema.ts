// Reads a company's last good introspection (null when it was never introspected).
import { type SQL, sql } from 'drizzle-orm';
import { jsonColumn } from './json-column.js';

export function findCompanySchemaSql(company: string, module: 'CRM' | 'CPA'): SQL {
  return sql`select introspection, fetched_at from salesrender_schemas
    where company = ${company} and module = ${module} and introspection is not null`;
}

export function companySchemaFromRow(row: Record<string, unknown>): {
  introspection: unknown;
  fetchedAt: Date;
} {
  const introspection = jsonColumn<unknown>(row.introspection, null);
  return { introspection, fetchedAt: new Date(row.fetched_at as string | Date) };
}
