// Campaigns in the database: create, change, find, and the view the admin API and CLI show (never the token).
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { campaigns, type DedupeScope, type PostbackRow } from '../db/schema.js';
import { AppError, fieldsFromIssues } from '../errors.js';
import type { IdSource } from '../ids.js';
import { newSigningSecret } from '../postbacks/sign-webhook.js';
import type { FieldMap } from '../salesrender/order-input.js';
import {
  type CampaignCreateInput,
  type CampaignPatchInput,
  campaignCreateSchema,
  campaignPatchSchema,
  resolveFieldMap,
} from './campaign-input.js';
import { dropCapCounter } from './cap-counter-reset.js';
import { releaseHeldLeads } from './held-leads.js';
import type { TokenCipher } from './token-cipher.js';

type CampaignRow = typeof campaigns.$inferSelect;

/** A cap: leads forwarded per day (in the campaign's time zone) and in all; null is none, 0 takes none. */
export interface CapLimits {
  daily: number | null;
  total: number | null;
}

export interface Campaign {
  id: string;
  alias: string;
  name: string;
  module: 'crm' | 'cpa';
  salesrender: {
    baseUrl: string;
    companyId: string;
    projectId: string | null;
    initialStatusId: string | null;
    offerId: string | null;
    webmasterId: string | null;
    cart: CampaignRow['cart'];
    fields: FieldMap;
  };
  tokenEncrypted: string;
  statusMap: Record<string, string>;
  /** label -> status id; when not configured, the inverse of `statusMap` (first id per label wins). */
  advertiserStatusMap: Record<string, string>;
  /** The map as configured (null: derived from `statusMap`), kept so an edit does not freeze the default. */
  advertiserStatusMapConfigured: Record<string, string> | null;
  /** label -> payout in minor units of `currency` (money is never stored as a float). */
  payoutsMinor: Record<string, number>;
  currency: string;
  postback: PostbackRow | null;
  defaultCountry: string | null;
  dedupeWindowHours: number;
  /** IANA time zone a daily cap's day is counted in. */
  timezone: string;
  /** Leads forwarded per day (in `timezone`) and in all. */
  caps: CapLimits;
  /** ISO-2 countries a lead may come from; null: any. */
  countries: string[] | null;
  dedupeScope: DedupeScope;
  /** A second lead from one IP within this many hours is a duplicate; 0: the rule is off. */
  duplicateIpWindowHours: number;
  webhookSecret: string;
  /** SHA-256 of the webhook secret, computed once per load, for the constant-time match. */
  webhookSecretDigest: Buffer;
  /** Standard Webhooks secret (`whsec_…`) signing POST postbacks, encrypted at rest. */
  postbackSecretEncrypted: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export interface CampaignDeps {
  clock: Clock;
  ids: IdSource;
  cipher: TokenCipher;
}

export function toCampaign(row: CampaignRow): Campaign {
  const fields = resolveFieldMap(row.module, row.fields);
  const inverse: Record<string, string> = {};
  for (const [statusId, label] of Object.entries(row.statusMap)) inverse[label] ??= statusId;
  return {
    id: row.id,
    alias: row.alias,
    name: row.name,
    module: row.module,
    salesrender: {
      baseUrl: row.srBaseUrl,
      companyId: row.srCompanyId,
      projectId: row.srProjectId,
      initialStatusId: row.srInitialStatusId,
      offerId: row.srOfferId,
      webmasterId: row.srWebmasterId,
      cart: row.cart,
      fields,
    },
    tokenEncrypted: row.srTokenEncrypted,
    statusMap: row.statusMap,
    advertiserStatusMap: row.advertiserStatusMap ?? inverse,
    advertiserStatusMapConfigured: row.advertiserStatusMap,
    payoutsMinor: row.payouts,
    currency: row.currency,
    postback: row.postback,
    defaultCountry: row.defaultCountry,
    dedupeWindowHours: row.dedupeWindowHours,
    timezone: row.timezone,
    caps: { daily: row.dailyCap, total: row.totalCap },
    countries: row.countries,
    dedupeScope: row.dedupeScope,
    duplicateIpWindowHours: row.duplicateIpWindowHours ?? 0,
    webhookSecret: row.webhookSecret,
    webhookSecretDigest: sha256(row.webhookSecret),
    postbackSecretEncrypted: row.postbackSecretEncrypted,
    active: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function columnsFrom(input: CampaignCreateInput, cipher: TokenCipher) {
  const sr = input.salesrender;
  return {
    alias: input.alias,
    name: input.name,
    module: input.module,
    srBaseUrl: sr.base_url.replace(/\/+$/, ''),
    srCompanyId: sr.company_id,
    srTokenEncrypted: cipher.encrypt(sr.token),
    srProjectId: sr.project_id ?? null,
    srInitialStatusId: sr.initial_status_id ?? null,
    srOfferId: sr.offer_id ?? null,
    srWebmasterId: sr.webmaster_id ?? null,
    cart: sr.cart,
    fields: Object.fromEntries(
      Object.entries(sr.fields).filter(([, value]) => value !== undefined),
    ) as Record<string, string | null>,
    statusMap: input.status_map,
    advertiserStatusMap: input.advertiser_status_map ?? null,
    payouts: Object.fromEntries(
      Object.entries(input.payouts).map(([label, amount]) => [label, Math.round(amount * 100)]),
    ),
    currency: input.currency,
    postback: input.postback ?? null,
    defaultCountry: input.default_country ?? null,
    dedupeWindowHours: input.dedupe_window_hours,
    timezone: input.timezone,
    dailyCap: input.caps.daily,
    totalCap: input.caps.total,
    countries: input.countries,
    dedupeScope: input.dedupe_scope,
    duplicateIpWindowHours: input.duplicate_ip_window_hours || null,
    active: input.active,
  };
}

function parseOrThrow<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  body: unknown,
): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
  return parsed.data;
}

/** Validates and stores a new campaign with a fresh webhook secret; the token is encrypted first. */
export async function createCampaign(db: Executor, body: unknown, deps: CampaignDeps): Promise<Campaign> {
  const input = parseOrThrow(campaignCreateSchema, body);
  const existing = await findCampaignByAlias(db, input.alias);
  if (existing) throw new AppError('CAMPAIGN_ALIAS_TAKEN', undefined, { fields: { alias: 'already taken' } });
  const now = deps.clock.now();
  const [row] = await db
    .insert(campaigns)
    .values({
      id: deps.ids.next('cmp'),
      ...columnsFrom(input, deps.cipher),
      // 32 random bytes: the secret is the webhook's only authentication (salesrender-api.md, Webhooks [field]).
      webhookSecret: deps.ids.secret(32),
      postbackSecretEncrypted: deps.cipher.encrypt(newSigningSecret()),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('CAMPAIGN_ALIAS_TAKEN', undefined, { fields: { alias: 'already taken' } });
  return toCampaign(row);
}

/** Applies a partial change, re-validating the whole campaign as it would be after it. */
export async function updateCampaign(
  db: Executor,
  alias: string,
  body: unknown,
  deps: CampaignDeps,
): Promise<Campaign> {
  const patch: CampaignPatchInput = parseOrThrow(campaignPatchSchema, body);
  const current = await findCampaignByAlias(db, alias);
  if (!current) throw new AppError('CAMPAIGN_NOT_FOUND');
  const merged = { ...toCreateShape(current, deps.cipher), ...withoutUndefined(patch) } as Record<
    string,
    unknown
  >;
  merged.caps = { ...current.caps, ...withoutUndefined(patch.caps ?? {}) };
  const currentSr = toCreateShape(current, deps.cipher).salesrender;
  const patchSr = withoutUndefined(patch.salesrender ?? {});
  // Field routes merge one by one: changing where the phone goes keeps the other routes. A switch of
  // module starts from the new module's defaults instead (CRM field names mean nothing to CPA's lead/add).
  const moduleChanged = patch.module !== undefined && patch.module !== current.module;
  merged.salesrender = {
    ...currentSr,
    ...patchSr,
    fields: { ...(moduleChanged ? {} : currentSr.fields), ...(patchSr.fields ?? {}) },
  };
  const input = parseOrThrow(campaignCreateSchema, merged);
  const [row] = await db
    .update(campaigns)
    .set({
      ...columnsFrom(input, deps.cipher),
      postbackSecretEncrypted: current.postbackSecretEncrypted ?? deps.cipher.encrypt(newSigningSecret()),
      updatedAt: deps.clock.now(),
    })
    .where(eq(campaigns.id, current.id))
    .returning();
  if (!row) throw new AppError('CAMPAIGN_NOT_FOUND');
  const recount =
    current.timezone !== row.timezone ||
    current.caps.daily !== row.dailyCap ||
    current.caps.total !== row.totalCap;
  if (recount) await dropCapCounter(db, row.id);
  // A changed campaign may have fixed what held its leads (a schema fault): they are tried again at once.
  await releaseHeldLeads(db, [row.id], deps.clock.now());
  return toCampaign(row);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/** The stored campaign in the create-input shape (token decrypted), so a patch can be re-validated whole. */
function toCreateShape(campaign: Campaign, cipher: TokenCipher) {
  const sr = campaign.salesrender;
  return {
    alias: campaign.alias,
    name: campaign.name,
    module: campaign.module,
    salesrender: {
      base_url: sr.baseUrl,
      company_id: sr.companyId,
      token: cipher.decrypt(campaign.tokenEncrypted),
      project_id: sr.projectId,
      initial_status_id: sr.initialStatusId,
      offer_id: sr.offerId,
      webmaster_id: sr.webmasterId,
      cart: sr.cart,
      fields: sr.fields,
    },
    status_map: campaign.statusMap,
    advertiser_status_map: campaign.advertiserStatusMapConfigured,
    payouts: Object.fromEntries(
      Object.entries(campaign.payoutsMinor).map(([label, minor]) => [label, minor / 100]),
    ),
    currency: campaign.currency,
    postback: campaign.postback,
    default_country: campaign.defaultCountry,
    dedupe_window_hours: campaign.dedupeWindowHours,
    ...trafficRulesOf(campaign),
    active: campaign.active,
  };
}

/** The caps and traffic rules in the API's shape (create input and view alike). */
function trafficRulesOf(campaign: Campaign) {
  return {
    timezone: campaign.timezone,
    caps: { ...campaign.caps },
    countries: campaign.countries,
    dedupe_scope: campaign.dedupeScope,
    duplicate_ip_window_hours: campaign.duplicateIpWindowHours || null,
  };
}

export async function findCampaignByAlias(db: Executor, alias: string): Promise<Campaign | null> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.alias, alias)).limit(1);
  return row ? toCampaign(row) : null;
}

/**
 * The campaign among `candidates` whose webhook secret is `secret`, in constant time: an indexed equality
 * would let a caller time how much of a guess matched. Every secret is compared (as SHA-256 digests, so
 * lengths never differ) with no early exit; a network has tens of campaigns, not millions.
 */
export function matchWebhookSecret(candidates: readonly Campaign[], secret: string): Campaign | null {
  const offered = sha256(secret);
  let match: Campaign | null = null;
  for (const campaign of candidates) {
    if (timingSafeEqual(campaign.webhookSecretDigest, offered)) match = campaign;
  }
  return match;
}

export async function findCampaignById(db: Executor, id: string): Promise<Campaign | null> {
  const [row] = await db.select().from(campaigns).where(eq(campaigns.id, id)).limit(1);
  return row ? toCampaign(row) : null;
}

/**
 * The ids of the campaigns on one SalesRender company (equal base URL and company id): the campaigns a
 * `dedupe_scope` of `connection` looks across.
 */
export async function findCampaignIdsOfCompany(
  db: Executor,
  baseUrl: string,
  companyId: string,
): Promise<string[]> {
  const rows = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.srBaseUrl, baseUrl), eq(campaigns.srCompanyId, companyId)))
    .orderBy(asc(campaigns.id));
  return rows.map((row) => row.id);
}

export async function listCampaigns(db: Executor): Promise<Campaign[]> {
  return (await db.select().from(campaigns).orderBy(asc(campaigns.alias))).map(toCampaign);
}

/**
 * What the admin API and CLI show: everything but the token, plus the webhook URL to give SalesRender
 * and, when a cipher is given, the postback signing secret the tracker needs to verify POST postbacks.
 */
export function campaignView(campaign: Campaign, publicBaseUrl: string, cipher?: TokenCipher) {
  const sr = campaign.salesrender;
  return {
    id: campaign.id,
    alias: campaign.alias,
    name: campaign.name,
    module: campaign.module,
    salesrender: {
      base_url: sr.baseUrl,
      company_id: sr.companyId,
      token: '(set, write-only)',
      project_id: sr.projectId,
      initial_status_id: sr.initialStatusId,
      offer_id: sr.offerId,
      webmaster_id: sr.webmasterId,
      cart: sr.cart,
      fields: sr.fields,
    },
    status_map: campaign.statusMap,
    advertiser_status_map: campaign.advertiserStatusMap,
    payouts: Object.fromEntries(
      Object.entries(campaign.payoutsMinor).map(([label, minor]) => [label, minor / 100]),
    ),
    currency: campaign.currency,
    postback: campaign.postback,
    postback_signing_secret:
      cipher && campaign.postbackSecretEncrypted
        ? cipher.decrypt(campaign.postbackSecretEncrypted)
        : undefined,
    default_country: campaign.defaultCountry,
    dedupe_window_hours: campaign.dedupeWindowHours,
    ...trafficRulesOf(campaign),
    active: campaign.active,
    webhook_url: `${publicBaseUrl}/v1/webhooks/salesrender/${campaign.webhookSecret}`,
    created_at: campaign.createdAt.toISOString(),
    updated_at: campaign.updatedAt.toISOString(),
  };
}
