// What the admin API answers about a partner's own postback endpoints and payouts.
import { z } from 'zod';
import { at } from './admin-answers.js';

export const endpointAnswer = z.object({
  id: z.string().meta({ example: 'pbe_9f3kQ2xv0LmA1bCd' }),
  partner_id: z.string(),
  campaign: z
    .string()
    .nullable()
    .meta({ description: "The campaign it overrides the partner's default for; null: the default" }),
  name: z.string(),
  url: z.string(),
  method: z.enum(['GET', 'POST']),
  on: z.array(z.string()),
  status_values: z.record(z.string(), z.string()),
  success_match: z.string().nullable(),
  signing_secret: z.string().meta({ description: 'Signs its POST postbacks (Standard Webhooks)' }),
  preset: z.string().nullable(),
  active: z.boolean(),
  created_at: at,
  updated_at: at,
});

export const endpointListAnswer = z.object({ endpoints: z.array(endpointAnswer) });

export const partnerPayoutsAnswer = z.object({
  partner_id: z.string(),
  campaign: z.string(),
  payouts: z.record(z.string(), z.number()),
  payouts_by_country: z.record(z.string(), z.record(z.string(), z.number())),
  currency: z.string().nullable(),
});
