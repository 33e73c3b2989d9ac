// A short-lived in-process cache of the reads every lead and webhook makes (campaign, client by key).

import type { Executor } from '../db/connection.js';
import { type AuthenticatedClient, authenticateKey } from './api-clients.js';
import {
  type Campaign,
  findCampaignByAlias,
  findCampaignById,
  listCampaigns,
  matchWebhookSecret,
} from './campaign-repository.js';

/**
 * Profiling showed each query costs CPU in query building and a syscall; these two are the same for
 * every lead of a campaign. Entries live `ttlMs` (default 2 s): a change made through this process is
 * seen at once (invalidate), one made through another instance within the TTL. Misses are not cached.
 */
export class HotLookups {
  private readonly campaigns = new Map<string, { value: Campaign; until: number }>();
  private readonly clients = new Map<string, { value: AuthenticatedClient; until: number }>();
  private readonly campaignsById = new Map<string, { value: Campaign; until: number }>();
  private allCampaigns: { value: Campaign[]; until: number } | null = null;

  constructor(
    private readonly db: Executor,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  async campaignByAlias(alias: string): Promise<Campaign | null> {
    const hit = this.campaigns.get(alias);
    if (hit && hit.until > this.now()) return hit.value;
    const value = await findCampaignByAlias(this.db, alias);
    if (value) this.campaigns.set(alias, { value, until: this.now() + this.ttlMs });
    else this.campaigns.delete(alias);
    return value;
  }

  async clientByKey(key: string): Promise<AuthenticatedClient | null> {
    const hit = this.clients.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const value = await authenticateKey(this.db, key);
    if (value) this.clients.set(key, { value, until: this.now() + this.ttlMs });
    else this.clients.delete(key);
    if (this.clients.size > 10_000) this.clients.clear();
    return value;
  }

  async campaignById(id: string): Promise<Campaign | null> {
    const hit = this.campaignsById.get(id);
    if (hit && hit.until > this.now()) return hit.value;
    const value = await findCampaignById(this.db, id);
    if (value) this.campaignsById.set(id, { value, until: this.now() + this.ttlMs });
    else this.campaignsById.delete(id);
    return value;
  }

  /** The campaign a webhook URL's secret names, compared in constant time against every campaign. */
  async campaignByWebhookSecret(secret: string): Promise<Campaign | null> {
    const cached = this.allCampaigns && this.allCampaigns.until > this.now() ? this.allCampaigns.value : null;
    const hit = cached ? matchWebhookSecret(cached, secret) : null;
    if (hit) return hit;
    // A miss is never cached: a campaign created on another instance a moment ago must be found.
    const fresh = await listCampaigns(this.db);
    this.allCampaigns = { value: fresh, until: this.now() + this.ttlMs };
    return matchWebhookSecret(fresh, secret);
  }

  /** Forget everything: after any admin change to campaigns, clients or keys. */
  invalidate(): void {
    this.campaigns.clear();
    this.clients.clear();
    this.campaignsById.clear();
    this.allCampaigns = null;
  }
}
