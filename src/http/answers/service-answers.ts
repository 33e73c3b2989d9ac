// What the health routes, the SalesRender webhook and the advertisers' status routes answer.
import { z } from 'zod';

export const healthAnswer = z.object({ status: z.literal('ok') });

export const readinessAnswer = z.object({
  status: z.enum(['ready', 'not ready']),
  checks: z
    .record(z.string(), z.string())
    .meta({ description: 'database, migrations, worker: `ok` or what is wrong' }),
});

export const webhookAnswer = z.object({
  status: z.enum(['queued', 'unknown_order']).meta({
    description:
      '`queued`: the order is re-read and its status applied; `unknown_order`: no lead has this order',
  }),
  order_id: z.string(),
});

export const orderStatusAnswer = z.object({
  order_id: z.string(),
  lead_id: z.string(),
  status: z.string().meta({ description: 'The label set' }),
  status_id: z.string().meta({ description: "SalesRender's status id the label maps to" }),
  comment: z.string().nullable(),
  state: z.enum(['applied', 'queued']),
});

export const bulkStatusAnswer = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      order_id: z.string().nullable(),
      ok: z.boolean(),
      http_status: z.number().int().meta({ description: 'What a single update would have answered' }),
      state: z.enum(['applied', 'queued']).optional(),
      status: z.string().optional(),
      status_id: z.string().optional(),
      error: z
        .object({
          code: z.string(),
          message: z.string(),
          fields: z.record(z.string(), z.string()).optional(),
        })
        .catchall(z.unknown())
        .optional(),
    }),
  ),
});
