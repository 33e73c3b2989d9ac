// SalesRender connections in the database: one per company, shared by its campaigns; the token is never shown.
import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { TokenCipher } from '../campaigns/token-cipher.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/connection.js';
import { campaigns, salesrenderConnections } from '../db/schema.js';
import { listConnections as listConnectionsStatement } from '../db/sql/list-connections.js';
import { executeSql } from '../db/sql/statement.js';
import { AppError, parseInput } from '../errors.js';
import type { IdSource } from '../ids.js';
import { connectionCreateSchema, connectionPatchSchema } from './connection-input.js';

type ConnectionRow = typeof salesrenderConnections.$inferSelect;

export interface Connection {
  id: string;
  name: string;
  baseUrl: string;
  companyId: string;
  /** The CRM API token, encrypted; null when the company is reached only through CPA webmaster tokens. */
  tokenEncrypted: string | null;
  webhookSecret: string;
  /** SHA-256 of the webhook secret, for the constant-time match. */
  webhookSecretDigest: Buffer;
  /** What the last `connection check` read (null: never checked). */
  statuses: ConnectionRow['statuses'];
  orderFields: ConnectionRow['orderFields'];
  fetchedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConnectionDeps {
  clock: Clock;
  ids: IdSource;
  cipher: TokenCipher;
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest();

export function toConnection(row: ConnectionRow): Connection {
  return { ...row, webhookSecretDigest: sha256(row.webhookSecret) };
}

const companyTaken = () =>
  new AppError('CONNECTION_EXISTS', undefined, {
    fields: { company_id: 'this company at this base URL is already connected' },
  });

/** Validates and stores a new connection with a fresh webhook secret; the token is encrypted first. */
export async function createConnection(
  db: Executor,
  body: unknown,
  deps: ConnectionDeps,
): Promise<Connection> {
  const input = parseInput(connectionCreateSchema, body);
  const now = deps.clock.now();
  const [row] = await db
    .insert(salesrenderConnections)
    .values({
      id: deps.ids.next('con'),
      name: input.name,
      baseUrl: input.base_url,
      companyId: input.company_id,
      tokenEncrypted: input.token ? deps.cipher.encrypt(input.token) : null,
      // 32 random bytes: the secret is the webhook's only authentication (salesrender-api.md, Webhooks [field]).
      webhookSecret: deps.ids.secret(32),
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw companyTaken();
  return toConnection(row);
}

/** Applies a partial change; a new base URL or company id carries the connection's campaigns along. */
export async function updateConnection(
  db: Executor,
  id: string,
  body: unknown,
  deps: ConnectionDeps,
): Promise<Connection> {
  const patch = parseInput(connectionPatchSchema, body);
  const current = await findConnectionById(db, id);
  if (!current) throw new AppError('CONNECTION_NOT_FOUND');
  const baseUrl = patch.base_url ?? current.baseUrl;
  const companyId = patch.company_id ?? current.companyId;
  if (baseUrl !== current.baseUrl || companyId !== current.companyId) {
    const other = await findConnectionByCompany(db, baseUrl, companyId);
    if (other && other.id !== id) throw companyTaken();
  }
  const [row] = await db
    .update(salesrenderConnections)
    .set({
      name: patch.name ?? current.name,
      baseUrl,
      companyId,
      tokenEncrypted: patch.token ? deps.cipher.encrypt(patch.token) : current.tokenEncrypted,
      updatedAt: deps.clock.now(),
    })
    .where(eq(salesrenderConnections.id, id))
    .returning();
  if (!row) throw new AppError('CONNECTION_NOT_FOUND');
  return toConnection(row);
}

/** Removes a connection no campaign uses (the campaigns' foreign key refuses it otherwise). */
export async function deleteConnection(db: Executor, id: string): Promise<void> {
  const [user] = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(eq(campaigns.connectionId, id))
    .limit(1);
  if (user) throw new AppError('CONNECTION_IN_USE');
  const deleted = await db
    .delete(salesrenderConnections)
    .where(eq(salesrenderConnections.id, id))
    .returning({ id: salesrenderConnections.id });
  if (deleted.length === 0) throw new AppError('CONNECTION_NOT_FOUND');
}

export async function findConnectionById(db: Executor, id: string): Promise<Connection | null> {
  const [row] = await db
    .select()
    .from(salesrenderConnections)
    .where(eq(salesrenderConnections.id, id))
    .limit(1);
  return row ? toConnection(row) : null;
}

export async function findConnectionByCompany(
  db: Executor,
  baseUrl: string,
  companyId: string,
): Promise<Connection | null> {
  const [row] = await db
    .select()
    .from(salesrenderConnections)
    .where(and(eq(salesrenderConnections.baseUrl, baseUrl), eq(salesrenderConnections.companyId, companyId)))
    .limit(1);
  return row ? toConnection(row) : null;
}

export async function listConnections(db: Executor): Promise<Connection[]> {
  return (await executeSql(db, listConnectionsStatement, {})).map(toConnection);
}

/** The aliases of the connection's campaigns, for its view. */
export async function listConnectionCampaigns(
  db: Executor,
  connectionId: string,
): Promise<ConnectionCampaign[]> {
  return (await campaignsByConnection(db, connectionId)).get(connectionId) ?? [];
}

export interface ConnectionCampaign {
  alias: string;
  module: 'crm' | 'cpa';
  active: boolean;
  usesOwnToken: boolean;
}

/** Every connection's campaigns (or one connection's), by alias, in one read: for lists of connections. */
export async function campaignsByConnection(
  db: Executor,
  connectionId?: string,
): Promise<Map<string, ConnectionCampaign[]>> {
  const rows = await db
    .select({
      connectionId: campaigns.connectionId,
      alias: campaigns.alias,
      module: campaigns.module,
      active: campaigns.active,
      token: campaigns.srTokenEncrypted,
    })
    .from(campaigns)
    .where(connectionId ? eq(campaigns.connectionId, connectionId) : undefined)
    .orderBy(asc(campaigns.alias));
  const grouped = new Map<string, ConnectionCampaign[]>();
  for (const { connectionId: owner, token, ...row } of rows)
    grouped.set(owner, [...(grouped.get(owner) ?? []), { ...row, usesOwnToken: token !== null }]);
  return grouped;
}

/** What the admin API, CLI and console show: everything but the token, with the URL to give SalesRender. */
export function connectionView(
  connection: Connection,
  publicBaseUrl: string,
  campaignsOfConnection: readonly ConnectionCampaign[],
) {
  return {
    id: connection.id,
    name: connection.name,
    base_url: connection.baseUrl,
    company_id: connection.companyId,
    token: connection.tokenEncrypted ? ('(set, write-only)' as const) : null,
    webhook_url: connectionWebhookUrl(connection, publicBaseUrl),
    statuses: connection.statuses,
    order_fields: connection.orderFields,
    fetched_at: connection.fetchedAt?.toISOString() ?? null,
    campaigns: campaignsOfConnection.map((campaign) => ({
      alias: campaign.alias,
      module: campaign.module,
      active: campaign.active,
      own_token: campaign.usesOwnToken,
    })),
    created_at: connection.createdAt.toISOString(),
    updated_at: connection.updatedAt.toISOString(),
  };
}

export function connectionWebhookUrl(connection: Connection, publicBaseUrl: string): string {
  return `${publicBaseUrl}/v1/webhooks/salesrender/${connection.webhookSecret}`;
}
