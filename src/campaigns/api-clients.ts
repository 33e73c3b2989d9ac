// Partners (media buyers) and advertisers: API clients with hashed keys, each allowed a set of campaigns.
import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Executor, Orm } from '../db/connection.js';
import { apiKeys, campaigns, clientCampaigns, clients } from '../db/schema.js';
import { findClientByKey } from '../db/sql/find-client-by-key.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError, fieldsFromIssues } from '../errors.js';
import type { IdSource } from '../ids.js';
import type { CapLimits } from './campaign.js';

export type ClientKind = 'partner' | 'advertiser';

export interface AuthenticatedClient {
  id: string;
  kind: ClientKind;
  name: string;
  campaignIds: string[];
  /** The partner's own caps per campaign id, where it has any. */
  caps: Record<string, CapLimits>;
}

export const clientCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    campaigns: z.array(z.string().trim().min(1)).max(500).default([]),
  })
  .strict();

/** SHA-256 of the key: keys carry 192 random bits, so no salt or slow hash is needed (as unkey does). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Creates a partner or advertiser and its first key; the plain key is returned once and never stored. */
export async function createClient(
  db: Orm,
  kind: ClientKind,
  body: unknown,
  deps: { clock: Clock; ids: IdSource },
): Promise<{ id: string; name: string; campaigns: string[]; api_key: string }> {
  const parsed = clientCreateSchema.safeParse(body);
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', undefined, { fields: fieldsFromIssues(parsed.error.issues) });
  const aliases = [...new Set(parsed.data.campaigns)];
  return db.transaction(async (tx) => {
    const found = aliases.length
      ? await tx
          .select({ id: campaigns.id, alias: campaigns.alias })
          .from(campaigns)
          .where(inArray(campaigns.alias, aliases))
      : [];
    const missing = aliases.filter((alias) => !found.some((campaign) => campaign.alias === alias));
    if (missing.length > 0) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: { campaigns: `unknown campaign alias: ${missing.join(', ')}` },
      });
    }
    const now = deps.clock.now();
    const id = deps.ids.next(kind === 'partner' ? 'ptn' : 'adv');
    await tx.insert(clients).values({ id, kind, name: parsed.data.name, createdAt: now });
    if (found.length > 0) {
      await tx
        .insert(clientCampaigns)
        .values(found.map((campaign) => ({ clientId: id, campaignId: campaign.id })));
    }
    const apiKey = await issueKey(tx, id, deps);
    return { id, name: parsed.data.name, campaigns: aliases, api_key: apiKey };
  });
}

/** Adds a new key for a client (rotation keeps old keys until revoked). */
export async function issueKey(
  db: Executor,
  clientId: string,
  deps: { clock: Clock; ids: IdSource },
): Promise<string> {
  const key = `lb_${deps.ids.secret(24)}`;
  await db.insert(apiKeys).values({
    id: deps.ids.next('key'),
    clientId,
    keyHash: hashApiKey(key),
    keyPrefix: key.slice(0, 7),
    createdAt: deps.clock.now(),
  });
  return key;
}

/** Revokes every key of a client (used by the demo and by rotation). */
export async function revokeKeys(db: Executor, clientId: string, at: Date): Promise<void> {
  await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.clientId, clientId), isNull(apiKeys.revokedAt)));
}

/**
 * Finds the client owning `key`. The lookup is by hash on a unique index, so the comparison is the
 * database's equality on a digest: timing reveals nothing about the key itself.
 */
export async function authenticateKey(db: Executor, key: string): Promise<AuthenticatedClient | null> {
  const rows = await executeSql(db, findClientByKey, { keyHash: hashApiKey(key) });
  const first = rows[0];
  if (!first) return null;
  return {
    id: first.id,
    kind: first.kind,
    name: first.name,
    campaignIds: rows.map((row) => row.campaignId).filter((id): id is string => id !== null),
    caps: Object.fromEntries(
      rows
        .filter((row) => row.campaignId !== null && (row.dailyCap !== null || row.totalCap !== null))
        .map((row) => [row.campaignId, { daily: row.dailyCap, total: row.totalCap }]),
    ),
  };
}

export async function listClients(db: Executor, kind: ClientKind) {
  const rows = await db
    .select({ id: clients.id, name: clients.name, createdAt: clients.createdAt, alias: campaigns.alias })
    .from(clients)
    .leftJoin(clientCampaigns, eq(clientCampaigns.clientId, clients.id))
    .leftJoin(campaigns, eq(campaigns.id, clientCampaigns.campaignId))
    .where(eq(clients.kind, kind))
    .orderBy(asc(clients.createdAt), asc(clients.id));
  const byId = new Map<string, { id: string; name: string; created_at: string; campaigns: string[] }>();
  for (const row of rows) {
    const entry = byId.get(row.id) ?? {
      id: row.id,
      name: row.name,
      created_at: row.createdAt.toISOString(),
      campaigns: [],
    };
    if (row.alias) entry.campaigns.push(row.alias);
    byId.set(row.id, entry);
  }
  return [...byId.values()];
}

export async function findClientByName(db: Executor, kind: ClientKind, name: string) {
  const [row] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.kind, kind), eq(clients.name, name)))
    .limit(1);
  return row ?? null;
}

export interface ClientDetail {
  id: string;
  kind: ClientKind;
  name: string;
  created_at: string;
  campaigns: string[];
  /** The partner's own caps, by campaign alias, where it has any. */
  caps: Record<string, CapLimits>;
  /** The CPA campaigns (aliases) its leads go to with its own webmaster token (kept, unused, on a CRM one). */
  cpa_token_campaigns: string[];
  keys: { id: string; prefix: string; created_at: string; revoked_at: string | null }[];
}

/** One client with its campaigns and keys (prefixes only: the keys themselves are never stored). */
export async function findClientDetail(
  db: Executor,
  kind: ClientKind,
  id: string,
): Promise<ClientDetail | null> {
  const [client] = await db
    .select()
    .from(clients)
    .where(and(eq(clients.id, id), eq(clients.kind, kind)))
    .limit(1);
  if (!client) return null;
  const linked = await db
    .select({
      alias: campaigns.alias,
      dailyCap: clientCampaigns.dailyCap,
      totalCap: clientCampaigns.totalCap,
      cpaTokenEncrypted: clientCampaigns.cpaTokenEncrypted,
      module: campaigns.module,
    })
    .from(clientCampaigns)
    .innerJoin(campaigns, eq(campaigns.id, clientCampaigns.campaignId))
    .where(eq(clientCampaigns.clientId, id))
    .orderBy(asc(campaigns.alias));
  const keys = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.clientId, id))
    .orderBy(asc(apiKeys.createdAt));
  return {
    id: client.id,
    kind: client.kind,
    name: client.name,
    created_at: client.createdAt.toISOString(),
    campaigns: linked.map((row) => row.alias),
    caps: Object.fromEntries(
      linked
        .filter((row) => row.dailyCap !== null || row.totalCap !== null)
        .map((row) => [row.alias, { daily: row.dailyCap, total: row.totalCap }]),
    ),
    cpa_token_campaigns: linked
      .filter((row) => row.cpaTokenEncrypted !== null && row.module === 'cpa')
      .map((row) => row.alias),
    keys: keys.map((key) => ({
      id: key.id,
      prefix: key.keyPrefix,
      created_at: key.createdAt.toISOString(),
      revoked_at: key.revokedAt?.toISOString() ?? null,
    })),
  };
}

/** Replaces every live key of a client by one new key, returned once. The old keys stop working at once. */
export async function rotateKey(
  db: Orm,
  kind: ClientKind,
  clientId: string,
  deps: { clock: Clock; ids: IdSource },
): Promise<string> {
  return db.transaction(async (tx) => {
    const [client] = await tx
      .select({ id: clients.id })
      .from(clients)
      .where(and(eq(clients.id, clientId), eq(clients.kind, kind)));
    if (!client) throw new AppError('CLIENT_NOT_FOUND');
    await revokeKeys(tx, clientId, deps.clock.now());
    return issueKey(tx, clientId, deps);
  });
}

/** Revokes every live key of a client (the client stays, with no way in until a key is issued). */
export async function revokeClientKeys(
  db: Executor,
  kind: ClientKind,
  clientId: string,
  at: Date,
): Promise<number> {
  const [client] = await db
    .select({ id: clients.id })
    .from(clients)
    .where(and(eq(clients.id, clientId), eq(clients.kind, kind)));
  if (!client) throw new AppError('CLIENT_NOT_FOUND');
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.clientId, clientId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return revoked.length;
}
