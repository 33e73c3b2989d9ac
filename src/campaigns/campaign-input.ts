// What an operator may send to create or change a campaign, validated with zod (snake_case, as the API speaks).
import { z } from 'zod';
import { idLike, salesRenderBaseUrl, salesRenderToken } from '../connections/connection-input.js';
import { isValidSuccessMatch } from '../postbacks/success-match.js';
import {
  cpaDataKeys,
  cpaSourceKeys,
  crmSourceKeys,
  defaultCpaFields,
  defaultCrmFields,
  type FieldMap,
  leadAttributes,
} from '../salesrender/order-input.js';
import { countryCode, label, money } from './input-values.js';
import { trafficRulesCreateShape, trafficRulesPatchShape } from './traffic-rules-input.js';

const fieldTarget = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be a SalesRender field name or source.<key>')
  .nullable();

const fieldsSchema = z
  .object(Object.fromEntries(leadAttributes.map((key) => [key, fieldTarget.optional()])))
  .strict();

const cartItem = z.object({
  item_id: idLike,
  variation: z.number().int().nonnegative().default(1),
  quantity: z.number().int().positive().default(1),
  price: z.number().int().nonnegative().describe('minor units'),
});

export const postbackSchema = z.object({
  url: z.url().refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL'),
  method: z.enum(['GET', 'POST']).default('GET'),
  on: z.array(label).default(['accepted', 'pending', 'rejected', 'trash']),
  status_values: z.record(label, z.string().max(64)).default({}),
  success_match: z
    .string()
    .min(1)
    .max(200)
    .refine(
      isValidSuccessMatch,
      'must be a substring, or a regular expression written /like this/i (RE2 syntax: no backreferences or lookarounds)',
    )
    .optional(),
});

const country = countryCode;

/**
 * Without defaults, so a PATCH that leaves a key out leaves it unchanged. `base_url` and `company_id` name
 * the campaign's company (its connection, found or created) when `connection_id` is not given; `token` is
 * the CRM token when it differs from the connection's, and the webmaster's token for CPA.
 */
const salesrenderShape = {
  base_url: salesRenderBaseUrl,
  company_id: idLike,
  token: salesRenderToken,
  project_id: idLike.nullish(),
  initial_status_id: idLike.nullish(),
  offer_id: idLike.nullish(),
  webmaster_id: idLike.nullish(),
  cart: z.array(cartItem).max(50),
  fields: fieldsSchema,
};

const salesrenderSchema = z
  .object({
    ...salesrenderShape,
    base_url: salesrenderShape.base_url.optional(),
    company_id: salesrenderShape.company_id.optional(),
    token: salesrenderShape.token.optional(),
    cart: salesrenderShape.cart.default([]),
    fields: fieldsSchema.default({}),
  })
  .strict();

export const campaignCreateSchema = z
  .object({
    alias: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'lowercase letters, digits, - and _, 2 to 63 characters'),
    name: z.string().trim().min(1).max(200),
    module: z.enum(['crm', 'cpa']).default('crm'),
    /** The SalesRender connection (company) the campaign belongs to; or name it by base URL and company id. */
    connection_id: z.string().trim().min(1).max(64).optional(),
    salesrender: salesrenderSchema,
    status_map: z.record(idLike, label).default({}),
    advertiser_status_map: z.record(label, idLike).nullish(),
    payouts: z.record(label, money).default({}),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'ISO 4217 code such as USD')
      .default('USD'),
    postback: postbackSchema.nullish(),
    default_country: country.nullish(),
    dedupe_window_hours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90)
      .default(24),
    ...trafficRulesCreateShape,
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((campaign, context) => {
    const sr = campaign.salesrender;
    if (!campaign.connection_id && !sr.company_id) {
      context.addIssue({
        code: 'custom',
        path: ['salesrender', 'company_id'],
        message: 'required unless connection_id is given',
      });
    }
    if (campaign.module === 'cpa' && !sr.token) {
      context.addIssue({
        code: 'custom',
        path: ['salesrender', 'token'],
        message: "required for the CPA module (the webmaster's token)",
      });
    }
    if (campaign.module === 'crm') {
      if (!sr.project_id)
        context.addIssue({
          code: 'custom',
          path: ['salesrender', 'project_id'],
          message: 'required for the CRM module',
        });
      if (!sr.initial_status_id) {
        context.addIssue({
          code: 'custom',
          path: ['salesrender', 'initial_status_id'],
          message: 'required for the CRM module',
        });
      }
    } else if (!sr.offer_id) {
      context.addIssue({
        code: 'custom',
        path: ['salesrender', 'offer_id'],
        message: 'required for the CPA module',
      });
    }
    const fields = resolveFieldMap(campaign.module, sr.fields);
    for (const [attribute, target] of Object.entries(fields)) {
      const problem = target ? fieldTargetProblem(campaign.module, target) : null;
      if (problem)
        context.addIssue({ code: 'custom', path: ['salesrender', 'fields', attribute], message: problem });
    }
    if (!fields.phone) {
      context.addIssue({
        code: 'custom',
        path: ['salesrender', 'fields', 'phone'],
        message: 'the phone must go somewhere',
      });
    }
  });

/** A PATCH: any subset; `salesrender` is merged key by key, so the token may be left out. */
export const campaignPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    module: z.enum(['crm', 'cpa']),
    connection_id: z.string().trim().min(1).max(64),
    salesrender: z.object(salesrenderShape).partial().strict(),
    status_map: z.record(idLike, label),
    advertiser_status_map: z.record(label, idLike).nullable(),
    payouts: z.record(label, money),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as USD'),
    postback: postbackSchema.nullable(),
    default_country: country.nullable(),
    dedupe_window_hours: z
      .number()
      .int()
      .min(0)
      .max(24 * 90),
    ...trafficRulesPatchShape,
    active: z.boolean(),
  })
  .partial()
  .strict();

export type CampaignCreateInput = z.infer<typeof campaignCreateSchema>;
export type CampaignPatchInput = z.infer<typeof campaignPatchSchema>;

/** The module's defaults overlaid with what the campaign names. */
export function resolveFieldMap(
  module: 'crm' | 'cpa',
  fields: Partial<Record<string, string | null | undefined>>,
): FieldMap {
  const resolved: FieldMap = { ...(module === 'crm' ? defaultCrmFields : defaultCpaFields) };
  for (const attribute of leadAttributes) {
    const value = fields[attribute];
    if (value !== undefined) resolved[attribute] = value;
  }
  return resolved;
}

function fieldTargetProblem(module: 'crm' | 'cpa', target: string): string | null {
  const sourceKeys = module === 'crm' ? crmSourceKeys : cpaSourceKeys;
  if (target.startsWith('source.')) {
    const key = target.slice('source.'.length);
    return sourceKeys.has(key) ? null : `unknown source key "${key}"; one of ${[...sourceKeys].join(', ')}`;
  }
  if (module === 'cpa' && !cpaDataKeys.has(target)) {
    return `the CPA module has fixed data keys: ${[...cpaDataKeys].join(', ')}`;
  }
  return null;
}
