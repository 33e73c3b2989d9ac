// Every SalesRender connection, by name: the webhook directory (hot-lookups.ts) and the admin lists.
import type { salesrenderConnections } from '../schema.js';
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';
import { nullableTimestampColumn, timestampColumn } from './timestamp-column.js';

type ConnectionRow = typeof salesrenderConnections.$inferSelect;

export const listConnections = defineStatement<Record<string, never>, ConnectionRow>({
  name: 'list_connections',
  text: `select id, name, base_url, company_id, token_encrypted, webhook_secret, statuses, order_fields,
      fetched_at, created_at, updated_at
    from salesrender_connections order by name`,
  values: () => [],
  row: (raw) => ({
    id: raw.id as string,
    name: raw.name as string,
    baseUrl: raw.base_url as string,
    companyId: raw.company_id as string,
    tokenEncrypted: (raw.token_encrypted as string | null) ?? null,
    webhookSecret: raw.webhook_secret as string,
    statuses: jsonColumn<ConnectionRow['statuses']>(raw.statuses, null),
    orderFields: jsonColumn<ConnectionRow['orderFields']>(raw.order_fields, null),
    fetchedAt: nullableTimestampColumn(raw.fetched_at),
    createdAt: timestampColumn(raw.created_at),
    updatedAt: timestampColumn(raw.updated_at),
  }),
});
