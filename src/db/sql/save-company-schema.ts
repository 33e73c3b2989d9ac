// Stores a company's newest introspection: the last good schema, used when SalesRender cannot be asked.
import { type SQL, sql } from 'drizzle-orm';

export interface CompanySchemaRow {
  company: string;
  module: 'CRM' | 'CPA';
  baseUrl: string;
  companyId: string;
  introspection: unknown;
  fetchedAt: Date;
}

/** Upserts by (company, module), leaving the check columns as they are. */
export function saveCompanySchemaSql(row: CompanySchemaRow): SQL {
  return sql`insert into salesrender_schemas (company, module, base_url, company_id, introspection, fetched_at)
    values (${row.company}, ${row.module}, ${row.baseUrl}, ${row.companyId}, ${JSON.stringify(row.introspection)}::jsonb,
      ${row.fetchedAt.toISOString()})
    on conflict (company, module) do update set base_url = excluded.base_url, company_id = excluded.company_id,
      introspection = excluded.introspection, fetched_at = excluded.fetched_at`;
}
