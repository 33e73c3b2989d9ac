// Drizzle's typed view of the tables created by the SQL migrations in ./migrations (the SQL is the source of truth).
import { sql } from 'drizzle-orm';
import { bigserial, boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { JobKind, JobPayloads } from './queue/job-payloads.js';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const campaigns = pgTable('campaigns', {
  id: text('id').primaryKey(),
  alias: text('alias').notNull().unique(),
  name: text('name').notNull(),
  module: text('module').$type<'crm' | 'cpa'>().notNull(),
  srBaseUrl: text('sr_base_url').notNull(),
  srCompanyId: text('sr_company_id').notNull(),
  /** The company it belongs to (migration 0011); `srBaseUrl` and `srCompanyId` are kept equal to its. */
  connectionId: text('connection_id').notNull(),
  /** CRM: an override of the connection's token (null: the connection's); CPA: the webmaster's token. */
  srTokenEncrypted: text('sr_token_encrypted'),
  srProjectId: text('sr_project_id'),
  srInitialStatusId: text('sr_initial_status_id'),
  srOfferId: text('sr_offer_id'),
  srWebmasterId: text('sr_webmaster_id'),
  cart: jsonb('cart').$type<CartItemRow[]>().notNull(),
  fields: jsonb('fields').$type<Record<string, string | null>>().notNull(),
  statusMap: jsonb('status_map').$type<Record<string, string>>().notNull(),
  advertiserStatusMap: jsonb('advertiser_status_map').$type<Record<string, string> | null>(),
  payouts: jsonb('payouts').$type<Record<string, number>>().notNull(),
  currency: text('currency').notNull(),
  postback: jsonb('postback').$type<PostbackRow | null>(),
  defaultCountry: text('default_country'),
  dedupeWindowHours: integer('dedupe_window_hours').notNull(),
  /** Caps and traffic rules (migration 0012): the IANA time zone a daily cap's day is counted in. */
  timezone: text('timezone').notNull().default('UTC'),
  dailyCap: integer('daily_cap'),
  totalCap: integer('total_cap'),
  /** ISO-2 countries a lead may come from (null: any). */
  countries: text('countries').array(),
  dedupeScope: text('dedupe_scope').$type<DedupeScope>().notNull().default('campaign'),
  duplicateIpWindowHours: integer('duplicate_ip_window_hours'),
  webhookSecret: text('webhook_secret').notNull(),
  /** Standard Webhooks signing secret for POST postbacks, encrypted like the token. */
  postbackSecretEncrypted: text('postback_secret_encrypted'),
  active: boolean('active').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export const salesrenderConnections = pgTable('salesrender_connections', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  baseUrl: text('base_url').notNull(),
  companyId: text('company_id').notNull(),
  tokenEncrypted: text('token_encrypted'),
  webhookSecret: text('webhook_secret').notNull(),
  statuses: jsonb('statuses').$type<{ id: string; name: string; group: string }[]>(),
  orderFields: jsonb('order_fields').$type<{ name: string; label: string; type: string }[]>(),
  fetchedAt: timestamptz('fetched_at'),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

/** Where the phone dedupe looks: the campaign, or every campaign of the same SalesRender company. */
export type DedupeScope = 'campaign' | 'connection';

export interface CartItemRow {
  item_id: string;
  variation: number;
  quantity: number;
  price: number;
}

export interface PostbackRow {
  url: string;
  method: 'GET' | 'POST';
  on: string[];
  status_values: Record<string, string>;
  /** A substring, or `/regex/flags`, a 2xx answer's body must contain to count as delivered. */
  success_match?: string;
}

export const clients = pgTable('clients', {
  id: text('id').primaryKey(),
  kind: text('kind').$type<'partner' | 'advertiser'>().notNull(),
  name: text('name').notNull(),
  createdAt: timestamptz('created_at').notNull(),
});

export const clientCampaigns = pgTable('client_campaigns', {
  clientId: text('client_id').notNull(),
  campaignId: text('campaign_id').notNull(),
  /** The partner's payouts on this campaign (label -> minor units), overriding the campaign's (migration 0013). */
  payouts: jsonb('payouts').$type<Record<string, number>>(),
  payoutsByCountry: jsonb('payouts_by_country').$type<Record<string, Record<string, number>>>(),
  payoutCurrency: text('payout_currency'),
  /** A partner's own caps on the campaign (migration 0012; null: none). */
  dailyCap: integer('daily_cap'),
  totalCap: integer('total_cap'),
  /** A partner's own CPA webmaster token on a CPA campaign, encrypted (migration 0014; null: the campaign's). */
  cpaTokenEncrypted: text('cpa_token_encrypted'),
});

export const postbackEndpoints = pgTable('postback_endpoints', {
  id: text('id').primaryKey(),
  partnerId: text('partner_id').notNull(),
  /** Null: the partner's default, for every campaign without endpoints of its own. */
  campaignId: text('campaign_id'),
  name: text('name').notNull(),
  url: text('url').notNull(),
  method: text('method').$type<'GET' | 'POST'>().notNull(),
  onLabels: jsonb('on_labels').$type<string[]>().notNull(),
  statusValues: jsonb('status_values').$type<Record<string, string>>().notNull(),
  successMatch: text('success_match'),
  signingSecretEncrypted: text('signing_secret_encrypted').notNull(),
  preset: text('preset'),
  active: boolean('active').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

/** Leads taken under each capped campaign's caps (migration 0012, src/leads/store-lead.ts). */
export const capCounters = pgTable('cap_counters', {
  campaignId: text('campaign_id').primaryKey(),
  day: text('day').notNull(),
  dayUsed: integer('day_used').notNull(),
  totalUsed: integer('total_used').notNull(),
  partners: jsonb('partners').$type<Record<string, PartnerCapCount>>().notNull(),
  lastGranted: boolean('last_granted').notNull(),
});

/** A partner's counts in its campaign's `cap_counters` row. */
export interface PartnerCapCount {
  day: string;
  day_used: number;
  total_used: number;
}

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  clientId: text('client_id').notNull(),
  keyHash: text('key_hash').notNull(),
  keyPrefix: text('key_prefix').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  revokedAt: timestamptz('revoked_at'),
});

export type LeadState = 'queued' | 'created' | 'rejected' | 'failed';

export const leads = pgTable('leads', {
  id: text('id').primaryKey(),
  campaignId: text('campaign_id').notNull(),
  partnerId: text('partner_id'),
  state: text('state').$type<LeadState>().notNull(),
  clickId: text('click_id'),
  /** True while the lead holds its click id, null once rejected (migration 0017: the unique index's third column). */
  clickIdHeld: boolean('click_id_held').generatedAlwaysAs(sql`nullif(state <> 'rejected', false)`),
  idempotencyKey: text('idempotency_key'),
  phone: text('phone').notNull(),
  name: text('name'),
  country: text('country'),
  ip: text('ip'),
  userAgent: text('user_agent'),
  subs: jsonb('subs').$type<Record<string, string>>().notNull(),
  extras: jsonb('extras').$type<Record<string, unknown>>().notNull(),
  orderId: text('order_id'),
  statusId: text('status_id'),
  label: text('label'),
  comment: text('comment'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  statusChangedAt: timestamptz('status_changed_at'),
  /** While the intake's inline SalesRender attempt may still be running (migration 0005). */
  inlineLeaseUntil: timestamptz('inline_lease_until'),
  /** Sent again after a create whose outcome was unknown, with no order of ours found (migration 0006). */
  possibleDuplicate: boolean('possible_duplicate').notNull().default(false),
  /** Its postbacks carry the old per-label `{tid}`: it had one before tid became per order (migration 0007). */
  tidPerLabel: boolean('tid_per_label').notNull().default(false),
  /** When reconciliation last re-read its order (migration 0009): final leads are re-read at most hourly. */
  reconciledAt: timestamptz('reconciled_at'),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export const statusSources = ['created', 'webhook', 'reconcile', 'advertiser'] as const;
export type StatusSource = (typeof statusSources)[number];

export const leadStatusHistory = pgTable('lead_status_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  leadId: text('lead_id').notNull(),
  statusId: text('status_id').notNull(),
  label: text('label'),
  comment: text('comment'),
  source: text('source').$type<StatusSource>().notNull(),
  changedAt: timestamptz('changed_at').notNull(),
  recordedAt: timestamptz('recorded_at').notNull(),
  /** The payout in force when the status changed (migration 0013): what was paid and posted back. */
  payoutMinor: integer('payout_minor'),
  payoutCurrency: text('payout_currency'),
});

export const deliveryAttempts = pgTable('delivery_attempts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  jobId: text('job_id').notNull(),
  attempt: integer('attempt').notNull(),
  at: timestamptz('at').notNull(),
  method: text('method').notNull(),
  url: text('url').notNull(),
  httpStatus: integer('http_status'),
  latencyMs: integer('latency_ms'),
  responseHead: text('response_head'),
  error: text('error'),
});

export type JobState = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'superseded';

export const jobs = pgTable('jobs', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  campaignId: text('campaign_id'),
  leadId: text('lead_id'),
  payload: jsonb('payload').$type<JobPayloads[JobKind]>().notNull(),
  state: text('state').$type<JobState>().notNull(),
  attempts: integer('attempts').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  nextAttemptAt: timestamptz('next_attempt_at').notNull(),
  lockedUntil: timestamptz('locked_until'),
  lockedBy: text('locked_by'),
  lastError: text('last_error'),
  lastHttpStatus: integer('last_http_status'),
  dedupeKey: text('dedupe_key'),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
  finishedAt: timestamptz('finished_at'),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamptz('at').notNull(),
  requestId: text('request_id'),
  campaignId: text('campaign_id'),
  leadId: text('lead_id'),
  orderId: text('order_id'),
  actor: text('actor'),
  event: text('event').notNull(),
  outcome: text('outcome'),
  httpStatus: integer('http_status'),
  latencyMs: integer('latency_ms'),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
});

export const adminSessions = pgTable('admin_sessions', {
  id: text('id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  expiresAt: timestamptz('expires_at').notNull(),
  revokedAt: timestamptz('revoked_at'),
});
