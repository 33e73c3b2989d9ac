// A partner's postback endpoints: its default for all its campaigns and per-campaign overrides.
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { postbackSchema } from '../campaigns/campaign-input.js';
import type { TokenCipher } from '../campaigns/token-cipher.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { campaigns, clientCampaigns, clients, type PostbackRow, postbackEndpoints } from '../db/schema.js';
import { findPostbackEndpoint as findPostbackEndpointStatement } from '../db/sql/find-postback-endpoint.js';
import { listPartnerEndpoints as listPartnerEndpointsStatement } from '../db/sql/list-partner-endpoints.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError, parseInput } from '../errors.js';
import type { IdSource } from '../ids.js';
import { newSigningSecret } from './sign-webhook.js';
import { fillPresetUrl, findTrackerPreset, trackerPresets } from './tracker-presets.js';

type EndpointRow = typeof postbackEndpoints.$inferSelect;

export interface PostbackEndpoint {
  id: string;
  partnerId: string;
  /** Null: the partner's default, for every campaign without endpoints of its own. */
  campaignId: string | null;
  name: string;
  postback: PostbackRow;
  signingSecretEncrypted: string;
  preset: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface EndpointDeps {
  clock: Clock;
  ids: IdSource;
  cipher: TokenCipher;
}

export function toPostbackEndpoint(row: EndpointRow): PostbackEndpoint {
  return {
    id: row.id,
    partnerId: row.partnerId,
    campaignId: row.campaignId,
    name: row.name,
    postback: {
      url: row.url,
      method: row.method,
      on: row.onLabels,
      status_values: row.statusValues,
      ...(row.successMatch ? { success_match: row.successMatch } : {}),
    },
    signingSecretEncrypted: row.signingSecretEncrypted,
    preset: row.preset,
    active: row.active,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const presetIds = trackerPresets.map((preset) => preset.id) as [string, ...string[]];

/**
 * A new endpoint: a `preset` (a tracker's format) with the buyer's `host` and `key` filled in, or a URL
 * template of its own; any postback setting given overrides the preset's.
 */
export const endpointCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    campaign: z
      .string()
      .trim()
      .min(1)
      .nullish()
      .describe('A campaign alias: an override for it; none: the default'),
    preset: z.enum(presetIds).optional(),
    host: z
      .string()
      .trim()
      .regex(
        /^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?\/?$/,
        "the tracker's host name, e.g. trk.example.com (or http://trk.example.com:8080)",
      )
      .optional(),
    key: z.string().trim().min(1).max(200).optional(),
    url: postbackSchema.shape.url.optional(),
    method: postbackSchema.shape.method.unwrap().optional(),
    on: z.array(z.string().trim().min(1).max(64)).optional(),
    status_values: z.record(z.string().trim().min(1).max(64), z.string().max(64)).optional(),
    success_match: postbackSchema.shape.success_match,
    active: z.boolean().default(true),
  })
  .strict();

export const endpointPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    url: postbackSchema.shape.url,
    method: postbackSchema.shape.method.unwrap(),
    on: z.array(z.string().trim().min(1).max(64)),
    status_values: z.record(z.string().trim().min(1).max(64), z.string().max(64)),
    success_match: postbackSchema.shape.success_match.unwrap().nullable(),
    active: z.boolean(),
  })
  .partial()
  .strict();

const invalid = (fields: Record<string, string>) => new AppError('VALIDATION_FAILED', undefined, { fields });

/** The postback settings a create body stands for: the preset's, filled in and overridden by what is given. */
function settingsFrom(input: z.infer<typeof endpointCreateSchema>): PostbackRow & { name: string } {
  const preset = input.preset ? findTrackerPreset(input.preset) : undefined;
  const template = input.url ?? preset?.postback.url;
  if (!template) throw invalid({ url: 'required unless a preset is given' });
  const url = fillPresetUrl(template, input.host, input.key);
  const left = url.match(/<[^>]+>/g);
  if (left) throw invalid({ [input.url ? 'url' : 'host']: `fill in ${left.join(', ')} (host and key)` });
  const settings = {
    name: input.name ?? (preset ? `${preset.name} postback` : 'Postback'),
    url,
    method: input.method ?? preset?.postback.method ?? 'GET',
    on: input.on ?? preset?.postback.on ?? ['accepted', 'pending', 'rejected', 'trash'],
    status_values: input.status_values ?? preset?.postback.status_values ?? {},
    ...((input.success_match ?? preset?.postback.success_match)
      ? { success_match: input.success_match ?? preset?.postback.success_match }
      : {}),
  };
  // The result must be a postback a campaign would accept (an http(s) URL, a valid success_match).
  parseInput(postbackSchema, settings);
  return settings;
}

/** Adds an endpoint to partner `partnerId` (for all its campaigns, or one it is allowed). */
export async function createPostbackEndpoint(
  db: Executor,
  partnerId: string,
  body: unknown,
  deps: EndpointDeps,
): Promise<PostbackEndpoint> {
  const input = parseInput(endpointCreateSchema, body);
  await requirePartner(db, partnerId);
  const campaignId = input.campaign ? await allowedCampaignId(db, partnerId, input.campaign) : null;
  const settings = settingsFrom(input);
  const now = deps.clock.now();
  const [row] = await db
    .insert(postbackEndpoints)
    .values({
      id: deps.ids.next('pbe'),
      partnerId,
      campaignId,
      name: settings.name,
      url: settings.url,
      method: settings.method,
      onLabels: settings.on,
      statusValues: settings.status_values,
      successMatch: settings.success_match ?? null,
      signingSecretEncrypted: deps.cipher.encrypt(newSigningSecret()),
      preset: input.preset ?? null,
      active: input.active,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return toPostbackEndpoint(row as EndpointRow);
}

export async function updatePostbackEndpoint(
  db: Executor,
  id: string,
  body: unknown,
  deps: Pick<EndpointDeps, 'clock'>,
): Promise<PostbackEndpoint> {
  const patch = parseInput(endpointPatchSchema, body);
  const current = await findPostbackEndpoint(db, id);
  if (!current) throw new AppError('POSTBACK_ENDPOINT_NOT_FOUND');
  const next: PostbackRow = {
    url: patch.url ?? current.postback.url,
    method: patch.method ?? current.postback.method,
    on: patch.on ?? current.postback.on,
    status_values: patch.status_values ?? current.postback.status_values,
  };
  const successMatch =
    patch.success_match === undefined ? current.postback.success_match : patch.success_match;
  if (successMatch) next.success_match = successMatch;
  parseInput(postbackSchema, next);
  const [row] = await db
    .update(postbackEndpoints)
    .set({
      name: patch.name ?? current.name,
      url: next.url,
      method: next.method,
      onLabels: next.on,
      statusValues: next.status_values,
      successMatch: next.success_match ?? null,
      active: patch.active ?? current.active,
      updatedAt: deps.clock.now(),
    })
    .where(eq(postbackEndpoints.id, id))
    .returning();
  if (!row) throw new AppError('POSTBACK_ENDPOINT_NOT_FOUND');
  return toPostbackEndpoint(row);
}

/** Removes an endpoint; its postbacks already queued are still sent (their payload carries what to send). */
export async function deletePostbackEndpoint(db: Executor, id: string): Promise<void> {
  const deleted = await db
    .delete(postbackEndpoints)
    .where(eq(postbackEndpoints.id, id))
    .returning({ id: postbackEndpoints.id });
  if (deleted.length === 0) throw new AppError('POSTBACK_ENDPOINT_NOT_FOUND');
}

export async function findPostbackEndpoint(db: Executor, id: string): Promise<PostbackEndpoint | null> {
  const [row] = await executeSql(db, findPostbackEndpointStatement, { id });
  return row ? toPostbackEndpoint(row) : null;
}

export async function listPartnerEndpoints(db: Executor, partnerId: string): Promise<PostbackEndpoint[]> {
  return (await executeSql(db, listPartnerEndpointsStatement, { partnerId })).map(toPostbackEndpoint);
}

/**
 * The active endpoints a lead of `partnerId` on `campaignId` is posted back to: the campaign's overrides
 * when the partner has any for it (active or not: a paused override silences the campaign), otherwise
 * the partner's defaults.
 */
export async function endpointsFor(
  db: Executor,
  partnerId: string,
  campaignId: string,
): Promise<PostbackEndpoint[]> {
  const all = await listPartnerEndpoints(db, partnerId);
  const overrides = all.filter((endpoint) => endpoint.campaignId === campaignId);
  const chosen = overrides.length > 0 ? overrides : all.filter((endpoint) => endpoint.campaignId === null);
  return chosen.filter((endpoint) => endpoint.active);
}

/** What the admin API shows: everything, the signing secret too (the tracker needs it to verify POSTs). */
export function endpointView(endpoint: PostbackEndpoint, cipher: TokenCipher, campaignAlias: string | null) {
  return {
    id: endpoint.id,
    partner_id: endpoint.partnerId,
    campaign: campaignAlias,
    name: endpoint.name,
    url: endpoint.postback.url,
    method: endpoint.postback.method,
    on: endpoint.postback.on,
    status_values: endpoint.postback.status_values,
    success_match: endpoint.postback.success_match ?? null,
    signing_secret: cipher.decrypt(endpoint.signingSecretEncrypted),
    preset: endpoint.preset,
    active: endpoint.active,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

/** Campaign aliases by id, for views. */
export async function campaignAliases(db: Executor): Promise<Map<string, string>> {
  const rows = await db.select({ id: campaigns.id, alias: campaigns.alias }).from(campaigns);
  return new Map(rows.map((row) => [row.id, row.alias]));
}

/** The campaigns partner `partnerId` may send leads to. */
export async function partnerCampaignIds(db: Executor, partnerId: string): Promise<string[]> {
  const rows = await db
    .select({ id: clientCampaigns.campaignId })
    .from(clientCampaigns)
    .where(eq(clientCampaigns.clientId, partnerId))
    .orderBy(asc(clientCampaigns.campaignId));
  return rows.map((row) => row.id);
}

async function requirePartner(db: Executor, partnerId: string): Promise<void> {
  const [partner] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, partnerId), eq(clients.kind, 'partner')));
  if (!partner) throw new AppError('CLIENT_NOT_FOUND');
}

async function allowedCampaignId(db: Executor, partnerId: string, alias: string): Promise<string> {
  const [row] = await db
    .select({ id: campaigns.id, allowed: clientCampaigns.clientId })
    .from(campaigns)
    .leftJoin(
      clientCampaigns,
      and(eq(clientCampaigns.campaignId, campaigns.id), eq(clientCampaigns.clientId, partnerId)),
    )
    .where(eq(campaigns.alias, alias));
  if (!row) throw invalid({ campaign: 'no campaign has this alias' });
  if (!row.allowed) throw invalid({ campaign: `the partner may not send leads to ${alias}: allow it first` });
  return row.id;
}
