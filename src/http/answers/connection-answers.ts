// What the admin API answers about SalesRender connections: the connection (never its token) and its check.
import { z } from 'zod';
import { at, schemaProblem } from './admin-answers.js';

const status = z.object({ id: z.string(), name: z.string(), group: z.string() });
const orderField = z.object({ name: z.string(), label: z.string(), type: z.string() });

export const connectionAnswer = z.object({
  id: z.string().meta({ example: 'con_9f3kQ2xv0LmA1bCd' }),
  name: z.string(),
  base_url: z.string(),
  company_id: z.string(),
  token: z.literal('(set, write-only)').nullable().meta({ description: 'null: no CRM token is set' }),
  webhook_url: z
    .string()
    .meta({ description: 'Register it in SalesRender: every order of the company reaches it' }),
  statuses: z
    .array(status)
    .nullable()
    .meta({ description: 'As the last check read them (null: never checked)' }),
  order_fields: z.array(orderField).nullable(),
  fetched_at: at.nullable(),
  campaigns: z.array(
    z.object({
      alias: z.string(),
      module: z.enum(['crm', 'cpa']),
      active: z.boolean(),
      own_token: z
        .boolean()
        .meta({ description: "Calls SalesRender with a token of its own, not the connection's" }),
    }),
  ),
  created_at: at,
  updated_at: at,
});

export const connectionListAnswer = z.object({ connections: z.array(connectionAnswer) });

export const connectionCheckAnswer = z.object({
  connection_id: z.string(),
  checked_at: at,
  ok: z.boolean(),
  problems: z.array(schemaProblem),
  statuses: z.array(status),
  order_fields: z.array(orderField),
});
