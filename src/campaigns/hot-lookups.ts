// A short-lived in-process cache of the two reads every lead makes (campaign by alias, client by key).

import type { Executor } from '../db/connection.js';
import { type AuthenticatedClient, authenticateKey } from './api-clients.js';
import { type Campaign, findCampaignByAlias } from './campaign-repository.js';

/**
 * Profiling showed each query costs CPU in query building and a syscall; these two are the same for
 * every lead of a campaign. Entries live `ttlMs` (default 2 s): a change made through this process is
 * seen at once (invalidate), one made through another instance within the TTL. Misses are not cached.
 */
export class HotLookups {
  private readonly campaigns = new Map<string, { value: Campaign; until: number }>();
  private readonly clients = new Map<string, { value: AuthenticatedClient; until: number }>();

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

  /** Forget everything: after any admin change to campaigns, clients or keys. */
  invalidate(): void {
    this.campaigns.clear();
    this.clients.clear();
  }
}
