// Stores a company's newest introspection: the last good schema, used when SalesRender cannot be asked.
import { defineStatement } from './statement.js';

export interface CompanySchemaRow {
  company: string;
  module: 'CRM' | 'CPA';
  baseUrl: string;
  companyId: string;
  introspection: unknown;
  fetchedAt: Date;
}

/** Upserts by (company, module), leaving the check columns as they are. */
export const saveCompanySchema = defineStatement<CompanySchemaRow>({
  name: 'save_company_schema',
  text: `insert into salesrender_schemas (company, module, base_url, company_id, introspection, fetched_at)
    values ($1::text, $2::text, $3::text, $4::text, $5::jsonb, $6::timestamptz)
    on conflict (company, module) do update set base_url = excluded.base_url, company_id = excluded.company_id,
      introspection = excluded.introspection, fetched_at = excluded.fetched_at`,
  values: (row) => [
    row.company,
    row.module,
    row.baseUrl,
    row.companyId,
    JSON.stringify(row.introspection),
    row.fetchedAt.toISOString(),
  ],
});
