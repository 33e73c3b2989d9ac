// Campaigns in the database: create, change and find them (the view the API shows: campaign-view.ts).
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { campaigns } from '../db/schema.js';
import { findCampaignByAlias as findCampaignByAliasStatement } from '../db/sql/find-campaign-by-alias.js';
import { findCampaignById as findCampaignByIdStatement } from '../db/sql/find-campaign-by-id.js';
import { listCampaignIdsOfCompany } from '../db/sql/list-campaign-ids-of-company.js';
import { listCampaigns as listCampaignsStatement } from '../db/sql/list-campaigns.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError, parseInput } from '../errors.js';
import type { IdSource } from '../ids.js';
import { newSigningSecret } from '../postbacks/sign-webhook.js';
import { type Campaign, toCampaign } from './campaign.js';
import { type CampaignConnection, resolveCampaignConnection } from './campaign-connection.js';
import {
  type CampaignCreateInput,
  type CampaignPatchInput,
  campaignCreateSchema,
  campaignPatchSchema,
} from './campaign-input.js';
import { dropCapCounter } from './cap-counter-reset.js';
import { releaseHeldLeads } from './held-leads.js';
import { toMajorUnits, toMinorUnits } from './input-values.js';
import type { TokenCipher } from './token-cipher.js';

export interface CampaignDeps {
  clock: Clock;
  ids: IdSource;
  cipher: TokenCipher;
}

function columnsFrom(input: CampaignCreateInput, company: CampaignConnection) {
  const sr = input.salesrender;
  return {
    alias: input.alias,
    name: input.name,
    module: input.module,
    connectionId: company.connection.id,
    srBaseUrl: company.connection.baseUrl,
    srCompanyId: company.connection.companyId,
    srTokenEncrypted: company.ownTokenEncrypted,
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
    payouts: toMinorUnits(input.payouts),
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

/** Validates and stores a new campaign with a fresh webhook secret; the token is encrypted first. */
export async function createCampaign(db: Executor, body: unknown, deps: CampaignDeps): Promise<Campaign> {
  const input = parseInput(campaignCreateSchema, body);
  const existing = await findCampaignByAlias(db, input.alias);
  if (existing) throw new AppError('CAMPAIGN_ALIAS_TAKEN', undefined, { fields: { alias: 'already taken' } });
  const company = await resolveCampaignConnection(db, input, deps);
  const now = deps.clock.now();
  const [row] = await db
    .insert(campaigns)
    .values({
      id: deps.ids.next('cmp'),
      ...columnsFrom(input, company),
      // 32 random bytes: the secret is the webhook's only authentication (salesrender-api.md, Webhooks [field]).
      webhookSecret: deps.ids.secret(32),
      postbackSecretEncrypted: deps.cipher.encrypt(newSigningSecret()),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: campaigns.id });
  if (!row) throw new AppError('CAMPAIGN_ALIAS_TAKEN', undefined, { fields: { alias: 'already taken' } });
  return readBack(db, row.id);
}

/** The campaign as stored, with its connection's token (what `returning` of a write cannot join). */
async function readBack(db: Executor, id: string): Promise<Campaign> {
  const campaign = await findCampaignById(db, id);
  if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
  return campaign;
}

/** Applies a partial change, re-validating the whole campaign as it would be after it. */
export async function updateCampaign(
  db: Executor,
  alias: string,
  body: unknown,
  deps: CampaignDeps,
): Promise<Campaign> {
  const patch: CampaignPatchInput = parseInput(campaignPatchSchema, body);
  const current = await findCampaignByAlias(db, alias);
  if (!current) throw new AppError('CAMPAIGN_NOT_FOUND');
  const merged = { ...toCreateShape(current, deps.cipher), ...withoutUndefined(patch) } as Record<
    string,
    unknown
  >;
  merged.caps = { ...current.caps, ...withoutUndefined(patch.caps ?? {}) };
  const currentSr = toCreateShape(current, deps.cipher).salesrender;
  const patchSr = withoutUndefined(patch.salesrender ?? {});
  // A campaign moves to another company by naming it one way or the other: the way not named is dropped.
  const movedByCompany = patchSr.base_url !== undefined || patchSr.company_id !== undefined;
  if (movedByCompany && patch.connection_id === undefined) delete merged.connection_id;
  if (patch.connection_id !== undefined && !movedByCompany) {
    delete currentSr.base_url;
    delete currentSr.company_id;
  }
  // Field routes merge one by one: changing where the phone goes keeps the other routes. A switch of
  // module starts from the new module's defaults instead (CRM field names mean nothing to CPA's lead/add).
  const moduleChanged = patch.module !== undefined && patch.module !== current.module;
  merged.salesrender = {
    ...currentSr,
    ...patchSr,
    fields: { ...(moduleChanged ? {} : currentSr.fields), ...(patchSr.fields ?? {}) },
  };
  const input = parseInput(campaignCreateSchema, merged);
  const company = await resolveCampaignConnection(db, input, deps);
  const [row] = await db
    .update(campaigns)
    .set({
      ...columnsFrom(input, company),
      postbackSecretEncrypted: current.postbackSecretEncrypted ?? deps.cipher.encrypt(newSigningSecret()),
      updatedAt: deps.clock.now(),
    })
    .where(eq(campaigns.id, current.id))
    .returning({ id: campaigns.id });
  if (!row) throw new AppError('CAMPAIGN_NOT_FOUND');
  const recount =
    current.timezone !== input.timezone ||
    current.caps.daily !== input.caps.daily ||
    current.caps.total !== input.caps.total;
  if (recount) await dropCapCounter(db, row.id);
  // A changed campaign may have fixed what held its leads (a schema fault): they are tried again at once.
  await releaseHeldLeads(db, [row.id], deps.clock.now());
  return readBack(db, row.id);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

/**
 * The stored campaign in the create-input shape (its own token decrypted, if it has one), so a patch can
 * be re-validated whole.
 */
function toCreateShape(campaign: Campaign, cipher: TokenCipher) {
  const sr = campaign.salesrender;
  return {
    alias: campaign.alias,
    name: campaign.name,
    module: campaign.module,
    connection_id: campaign.connectionId as string | undefined,
    salesrender: {
      base_url: sr.baseUrl as string | undefined,
      company_id: sr.companyId as string | undefined,
      token: campaign.ownTokenEncrypted ? cipher.decrypt(campaign.ownTokenEncrypted) : undefined,
      project_id: sr.projectId,
      initial_status_id: sr.initialStatusId,
      offer_id: sr.offerId,
      webmaster_id: sr.webmasterId,
      cart: sr.cart,
      fields: sr.fields,
    },
    status_map: campaign.statusMap,
    advertiser_status_map: campaign.advertiserStatusMapConfigured,
    payouts: toMajorUnits(campaign.payoutsMinor),
    currency: campaign.currency,
    postback: campaign.postback,
    default_country: campaign.defaultCountry,
    dedupe_window_hours: campaign.dedupeWindowHours,
    ...trafficRulesOf(campaign),
    active: campaign.active,
  };
}

/** The caps and traffic rules in the API's shape (create input and view alike). */
export function trafficRulesOf(campaign: Campaign) {
  return {
    timezone: campaign.timezone,
    caps: { ...campaign.caps },
    countries: campaign.countries,
    dedupe_scope: campaign.dedupeScope,
    duplicate_ip_window_hours: campaign.duplicateIpWindowHours || null,
  };
}

export async function findCampaignByAlias(db: Executor, alias: string): Promise<Campaign | null> {
  const [row] = await executeSql(db, findCampaignByAliasStatement, { alias });
  return row ? toCampaign(row) : null;
}

export async function findCampaignById(db: Executor, id: string): Promise<Campaign | null> {
  const [row] = await executeSql(db, findCampaignByIdStatement, { id });
  return row ? toCampaign(row) : null;
}

/**
 * The ids of the campaigns on one SalesRender company (equal base URL and company id): the campaigns a
 * `dedupe_scope` of `connection` looks across.
 */
export function findCampaignIdsOfCompany(
  db: Executor,
  baseUrl: string,
  companyId: string,
): Promise<string[]> {
  return executeSql(db, listCampaignIdsOfCompany, { baseUrl, companyId });
}

export async function listCampaigns(db: Executor): Promise<Campaign[]> {
  return (await executeSql(db, listCampaignsStatement, {})).map(toCampaign);
}
