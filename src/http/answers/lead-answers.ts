// What the partner routes answer: a lead submitted (created, queued or a repeat) and a lead's status.
import { z } from 'zod';
import { statusSources } from '../../db/schema.js';
import { postbackStates } from '../../postbacks/postback-admin.js';
import { labelGroups } from '../../statuses/label-group.js';

const leadId = z.string().meta({ example: 'lead_9f3kQ2xv0LmA1bCd' });
const at = z.string().meta({ format: 'date-time' });

export const leadAnswer = z.object({
  lead_id: leadId,
  order_id: z.string().nullable().meta({ example: '1042' }),
  status: z.string().meta({
    example: 'pending',
    description:
      '`queued` until SalesRender has the order, then its label (`rejected`, `failed` when it never will)',
  }),
  duplicate: z.boolean(),
});

export const leadStatusAnswer = z.object({
  lead_id: leadId,
  campaign: z.string().nullable(),
  click_id: z.string().nullable(),
  order_id: z.string().nullable(),
  status: z.string(),
  label: z.string().nullable(),
  label_group: z.enum(labelGroups).nullable(),
  status_id: z.string().nullable(),
  comment: z.string().nullable(),
  payout: z.number().nullable().meta({
    description:
      "The label's payout in the campaign's currency (0 when none; null when the stored payout is not a number)",
  }),
  currency: z.string().nullable(),
  created_at: at,
  status_changed_at: at.nullable(),
  possible_duplicate: z.boolean().meta({
    description:
      'Sent again after a create whose outcome was unknown: SalesRender may hold two orders for it',
  }),
  postbacks: z.array(
    z.object({
      label: z.string(),
      state: z.enum(postbackStates),
      at,
      reason: z.string().nullable().optional().meta({ description: 'Why it was skipped' }),
    }),
  ),
  history: z.array(
    z.object({
      at,
      status_id: z.string(),
      label: z.string().nullable(),
      comment: z.string().nullable(),
      source: z.enum(statusSources),
    }),
  ),
});

export const leadsByClickIdAnswer = z.object({ leads: z.array(leadStatusAnswer) });
