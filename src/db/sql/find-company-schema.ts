// Reads a company's last good introspection (none when it was never introspected).
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';

export const findCompanySchema = defineStatement<
  { company: string; module: 'CRM' | 'CPA' },
  { introspection: unknown; fetchedAt: Date }
>({
  name: 'find_company_schema',
  text: `select introspection, fetched_at from salesrender_schemas
    where company = $1::text and module = $2::text and introspection is not null`,
  values: (input) => [input.company, input.module],
  row: (raw) => ({
    introspection: jsonColumn<unknown>(raw.introspection, null),
    fetchedAt: new Date(raw.fetched_at as string | Date),
  }),
});
