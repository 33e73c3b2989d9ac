// A short-lived in-process cache of the reads every lead and webhook makes (campaign, client by key, webhook URL).

import { timingSafeEqual } from 'node:crypto';
import { type Connection, listConnections, sha256 } from '../connections/connection-repository.js';
import type { Executor } from '../db/connection.js';
import { loadPartnerPostbackSetup, type PartnerPostbackSetup } from '../postbacks/partner-postback-setup.js';
import { type AuthenticatedClient, authenticateKey } from './api-clients.js';
import type { Campaign } from './campaign.js';
import {
  findCampaignByAlias,
  findCampaignById,
  findCampaignIdsOfCompany,
  listCampaigns,
} from './campaign-repository.js';
import { findPartnerCpaToken } from './partner-cpa-token.js';

/** What a webhook URL's secret names: one campaign (its own URL), or a connection (every order of its company). */
export type WebhookTarget =
  | { kind: 'campaign'; campaign: Campaign }
  | { kind: 'connection'; connection: Connection };

interface WebhookDirectory {
  campaigns: Campaign[];
  connections: Connection[];
}

/**
 * The target whose webhook secret is `secret`, in constant time: an indexed equality would let a caller
 * time how much of a guess matched. Every secret is compared (as SHA-256 digests, so lengths never
 * differ) with no early exit; a network has tens of campaigns and connections, not millions.
 */
export function matchWebhookSecret(directory: WebhookDirectory, secret: string): WebhookTarget | null {
  const offered = sha256(secret);
  let match: WebhookTarget | null = null;
  for (const campaign of directory.campaigns) {
    if (timingSafeEqual(campaign.webhookSecretDigest, offered)) match = { kind: 'campaign', campaign };
  }
  for (const connection of directory.connections) {
    if (timingSafeEqual(connection.webhookSecretDigest, offered)) match = { kind: 'connection', connection };
  }
  return match;
}

/**
 * Found values live until `until`; misses are not kept, so a new row is seen at once. Concurrent misses of
 * one key share one load: when an entry expires under load, every request in flight would otherwise run
 * the same query.
 */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly loading = new Map<string, Promise<T | null>>();
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, load: (key: string) => Promise<T | null>): Promise<T | null> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return Promise.resolve(hit.value);
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load(key).then(
      (value) => {
        // A load that `clear` overtook is answered to its callers but not kept.
        if (this.loading.get(key) !== loaded) return value;
        this.loading.delete(key);
        if (value) this.entries.set(key, { value, until: this.now() + this.ttlMs });
        else this.entries.delete(key);
        if (this.entries.size > this.maxEntries) this.entries.clear();
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  /** The value held for `key` while it is fresh, without loading or waiting for a load in flight. */
  peek(key: string): T | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > this.now() ? hit.value : undefined;
  }

  /** Keeps `value` for `key` as a load would (a value read by a caller that may not share loads). */
  remember(key: string, value: T): void {
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.clear();
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }
}

/**
 * Profiling showed each query costs CPU in query building and a syscall; these reads are the same for
 * every lead and webhook of a campaign. Entries live `ttlMs` (default 2 s): a change made through this
 * process is seen at once (invalidate), one made through another instance within the TTL. Misses are not
 * cached.
 */
export class HotLookups {
  private readonly campaigns: TtlCache<Campaign>;
  private readonly clients: TtlCache<AuthenticatedClient>;
  private readonly campaignsById: TtlCache<Campaign>;
  private readonly partnerSetups: TtlCache<PartnerPostbackSetup>;
  private readonly companyCampaigns: TtlCache<string[]>;
  /** Wrapped, so that "no token of its own" (the usual answer) is cached too. */
  private readonly partnerCpaTokens: TtlCache<{ tokenEncrypted: string | null }>;
  private webhookDirectory: { value: WebhookDirectory; until: number } | null = null;

  constructor(
    private readonly db: Executor,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {
    this.campaigns = new TtlCache(ttlMs, now);
    this.clients = new TtlCache(ttlMs, now);
    this.campaignsById = new TtlCache(ttlMs, now);
    this.companyCampaigns = new TtlCache(ttlMs, now);
    this.partnerSetups = new TtlCache(ttlMs, now);
    this.partnerCpaTokens = new TtlCache(ttlMs, now);
  }

  /** A partner's own CPA webmaster token on a campaign, encrypted; null: the campaign's token applies. */
  async partnerCpaToken(partnerId: string, campaignId: string): Promise<string | null> {
    const found = await this.partnerCpaTokens.get(`${partnerId}/${campaignId}`, async () => ({
      tokenEncrypted: await findPartnerCpaToken(this.db, partnerId, campaignId),
    }));
    return found?.tokenEncrypted ?? null;
  }

  /**
   * A partner's payouts and postback endpoints on a campaign, read for each status change of its leads.
   * `transaction`: the caller's open transaction. Such a caller takes a fresh cached value, or reads on
   * its own transaction, and never waits for a shared read from the pool: a read from the pool waits for
   * a free connection while the transaction holds one, and with every connection held by such callers
   * none would ever be free (seen as 503s and stalled postbacks under load).
   */
  partnerPostbackSetup(
    partnerId: string,
    campaignId: string,
    transaction?: Executor,
  ): Promise<PartnerPostbackSetup> {
    const key = `${partnerId}/${campaignId}`;
    if (transaction) {
      const hit = this.partnerSetups.peek(key);
      if (hit) return Promise.resolve(hit);
      return loadPartnerPostbackSetup(transaction, partnerId, campaignId).then((setup) => {
        this.partnerSetups.remember(key, setup);
        return setup;
      });
    }
    return this.partnerSetups
      .get(key, () => loadPartnerPostbackSetup(this.db, partnerId, campaignId))
      .then((setup) => setup ?? { payouts: null, endpoints: [] });
  }

  campaignByAlias(alias: string): Promise<Campaign | null> {
    return this.campaigns.get(alias, (key) => findCampaignByAlias(this.db, key));
  }

  clientByKey(apiKey: string): Promise<AuthenticatedClient | null> {
    return this.clients.get(apiKey, (key) => authenticateKey(this.db, key));
  }

  campaignById(id: string): Promise<Campaign | null> {
    return this.campaignsById.get(id, (key) => findCampaignById(this.db, key));
  }

  /**
   * The ids of every campaign on `campaign`'s SalesRender company, `campaign`'s own included (a campaign
   * made on another instance within the TTL may be missing from the list until it passes).
   */
  async campaignIdsOfCompany(campaign: Campaign): Promise<string[]> {
    const { baseUrl, companyId } = campaign.salesrender;
    const ids = await this.companyCampaigns.get(`${baseUrl}\u0000${companyId}`, () =>
      findCampaignIdsOfCompany(this.db, baseUrl, companyId),
    );
    return ids?.includes(campaign.id) ? ids : [...(ids ?? []), campaign.id];
  }

  /** The campaign or connection a webhook URL's secret names (matchWebhookSecret). */
  async webhookTarget(secret: string): Promise<WebhookTarget | null> {
    const cached =
      this.webhookDirectory && this.webhookDirectory.until > this.now() ? this.webhookDirectory.value : null;
    const hit = cached ? matchWebhookSecret(cached, secret) : null;
    if (hit) return hit;
    // A miss is never cached: a campaign created on another instance a moment ago must be found.
    const [campaigns, connections] = await Promise.all([listCampaigns(this.db), listConnections(this.db)]);
    const fresh = { campaigns, connections };
    this.webhookDirectory = { value: fresh, until: this.now() + this.ttlMs };
    return matchWebhookSecret(fresh, secret);
  }

  /** Forget everything: after any admin change to campaigns, clients or keys. */
  invalidate(): void {
    this.campaigns.clear();
    this.clients.clear();
    this.campaignsById.clear();
    this.partnerSetups.clear();
    this.partnerCpaTokens.clear();
    this.companyCampaigns.clear();
    this.webhookDirectory = null;
  }
}
