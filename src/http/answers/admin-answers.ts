// What the admin API answers: campaigns and their check, partners and advertisers, postbacks, the drift
// watch and reconciliation. Dates are z.date() where the domain hands a Date (the document says string).
import { z } from 'zod';
import { postbackStates } from '../../postbacks/postback-admin.js';

export const at = z.string().meta({ format: 'date-time' });

const postbackSettings = z.object({
  url: z.string(),
  method: z.enum(['GET', 'POST']),
  on: z.array(z.string()),
  status_values: z.record(z.string(), z.string()),
  success_match: z.string().optional(),
});

/** Leads forwarded per day (in the campaign's time zone) and in all; null: no cap. */
const capLimits = z.object({ daily: z.number().int().nullable(), total: z.number().int().nullable() });

export const campaignAnswer = z.object({
  id: z.string(),
  alias: z.string(),
  name: z.string(),
  module: z.enum(['crm', 'cpa']),
  connection_id: z.string().meta({ description: 'The SalesRender connection (company) it belongs to' }),
  salesrender: z.object({
    base_url: z.string(),
    company_id: z.string(),
    token: z.literal('(set, write-only)'),
    token_from: z.enum(['campaign', 'connection']).meta({
      description:
        "`campaign`: its own (a CRM override, or the CPA webmaster's); `connection`: the connection's",
    }),
    project_id: z.string().nullable(),
    initial_status_id: z.string().nullable(),
    offer_id: z.string().nullable(),
    webmaster_id: z.string().nullable(),
    cart: z.array(
      z.object({ item_id: z.string(), variation: z.number(), quantity: z.number(), price: z.number() }),
    ),
    fields: z.record(z.string(), z.string().nullable()),
  }),
  status_map: z.record(z.string(), z.string()),
  advertiser_status_map: z.record(z.string(), z.string()),
  payouts: z.record(z.string(), z.number()),
  currency: z.string(),
  postback: postbackSettings.nullable(),
  postback_signing_secret: z
    .string()
    .optional()
    .meta({ description: 'Signs POST postbacks (Standard Webhooks)' }),
  default_country: z.string().nullable(),
  dedupe_window_hours: z.number().int(),
  timezone: z.string().meta({ description: "IANA time zone a daily cap's day is counted in" }),
  caps: capLimits,
  countries: z
    .array(z.string())
    .nullable()
    .meta({ description: 'ISO-2 countries a lead may come from (null: any)' }),
  dedupe_scope: z.enum(['campaign', 'connection']).meta({
    description: 'Where the phone dedupe looks: this campaign, or every campaign of its SalesRender company',
  }),
  duplicate_ip_window_hours: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'A second lead from one IP within this many hours is a 409 duplicate (null: off)' }),
  active: z.boolean(),
  webhook_url: z
    .string()
    .meta({ description: "The campaign's own URL (its orders only); its connection's covers the company" }),
  created_at: at,
  updated_at: at,
});

export const campaignListAnswer = z.object({ campaigns: z.array(campaignAnswer) });

export const schemaProblem = z.object({
  kind: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  path: z.string().optional(),
  campaign: z.string().optional(),
});

export const campaignCheckAnswer = z.object({
  ok: z.boolean(),
  checked_at: at,
  problems: z.array(schemaProblem),
  left_out: z.array(z.string()),
  statuses: z.array(z.object({ id: z.string(), name: z.string(), group: z.string(), archived: z.boolean() })),
  fields: z.array(z.object({ name: z.string(), label: z.string(), __typename: z.string() })),
  in_doubt_lookup: z.enum(['logs', 'none']),
  released: z
    .number()
    .int()
    .meta({ description: 'Leads held for a schema fault and sent at once, now that nothing would fail' }),
});

export const createdClientAnswer = z.object({
  id: z.string(),
  name: z.string(),
  campaigns: z.array(z.string()),
  api_key: z.string().meta({ description: 'Shown this once: only its digest is stored' }),
});

const clientSummary = z.object({
  id: z.string(),
  name: z.string(),
  created_at: at,
  campaigns: z.array(z.string()),
});
export const partnerListAnswer = z.object({ partners: z.array(clientSummary) });
export const advertiserListAnswer = z.object({ advertisers: z.array(clientSummary) });

export const clientAnswer = z.object({
  id: z.string(),
  kind: z.enum(['partner', 'advertiser']),
  name: z.string(),
  created_at: at,
  campaigns: z.array(z.string()),
  caps: z
    .record(z.string(), capLimits)
    .meta({ description: "A partner's own caps, by campaign alias, where it has any" }),
  cpa_token_campaigns: z.array(z.string()).meta({
    description: "The CPA campaigns (aliases) the partner's leads go to with its own webmaster token",
  }),
  keys: z.array(z.object({ id: z.string(), prefix: z.string(), created_at: at, revoked_at: at.nullable() })),
});

export const partnerCapsAnswer = z.object({ partner_id: z.string(), campaign: z.string(), caps: capLimits });

export const partnerCpaTokenAnswer = z.object({
  partner_id: z.string(),
  campaign: z.string(),
  own_token: z.boolean().meta({ description: 'Whether its leads there go with its own token (never shown)' }),
});

export const rotatedKeyAnswer = z.object({ id: z.string(), api_key: z.string() });
export const revokedKeysAnswer = z.object({ id: z.string(), revoked: z.number().int() });

export const postbackAnswer = z.object({
  id: z.string(),
  campaign_id: z.string().nullable(),
  lead_id: z.string().nullable(),
  endpoint_id: z
    .string()
    .nullable()
    .meta({ description: "A partner endpoint's; null: the campaign's own postback" }),
  order_id: z.string(),
  label: z.string(),
  status_id: z.string(),
  tid: z.string(),
  method: z.enum(['GET', 'POST']),
  url: z.string().meta({ description: 'Secrets in the query string redacted' }),
  state: z.enum(postbackStates),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  next_attempt_at: at.nullable(),
  last_http_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: at,
  finished_at: at.nullable(),
});
export const postbackListAnswer = z.object({ postbacks: z.array(postbackAnswer) });

export const deliveryAttemptsAnswer = z.object({
  attempts: z.array(
    z.object({
      id: z.number().int(),
      jobId: z.string(),
      attempt: z.number().int(),
      at: z.date(),
      method: z.string(),
      url: z.string(),
      httpStatus: z.number().int().nullable(),
      latencyMs: z.number().int().nullable(),
      responseHead: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

export const replayAnswer = z.object({ replayed: z.number().int() });

export const testPostbackAnswer = z.object({
  method: z.enum(['GET', 'POST']),
  url: z.string(),
  body: z.string().nullable(),
  http_status: z.number().int().nullable(),
  latency_ms: z.number(),
  response_head: z.string().nullable(),
  error: z.string().nullable(),
  delivered: z.boolean(),
});

export const trackerPresetsAnswer = z.object({
  presets: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      fits: z.string(),
      postback: postbackSettings,
      notes: z.string(),
    }),
  ),
});

export const reconcileAnswer = z.object({
  campaigns: z.number().int(),
  leads_checked: z.number().int(),
  orders_fetched: z.number().int(),
  changed: z.number().int(),
  postbacks: z.number().int(),
  errors: z.array(z.object({ campaign: z.string(), message: z.string() })),
});

export const salesRenderSchemaAnswer = z.object({
  companies: z.array(
    z.object({
      company: z.string(),
      base_url: z.string(),
      company_id: z.string(),
      checked_at: at,
      ok: z.boolean(),
      problems: z.array(schemaProblem.extend({ module: z.enum(['CRM', 'CPA']) })),
    }),
  ),
});

export const exportAnswer = z.string().describe('NDJSON (one JSON object a line) or CSV, streamed');
