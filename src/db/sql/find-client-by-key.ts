// Reads the client owning an API key (by its digest) with each campaign it may use and its caps there:
// once per request with `X-Api-Key` that the cache of hot-lookups.ts misses.
import type { clients } from '../schema.js';
import { defineStatement } from './statement.js';

export interface ClientByKeyRow {
  id: string;
  kind: (typeof clients.$inferSelect)['kind'];
  name: string;
  /** Null when the client may use no campaign (the left join found none). */
  campaignId: string | null;
  dailyCap: number | null;
  totalCap: number | null;
}

/** One row per campaign of the client (one with a null campaign when it has none); none for an unknown or revoked key. */
export const findClientByKey = defineStatement<{ keyHash: string }, ClientByKeyRow>({
  name: 'find_client_by_key',
  text: `select client.id, client.kind, client.name, terms.campaign_id, terms.daily_cap, terms.total_cap
    from api_keys as key
    join clients as client on client.id = key.client_id
    left join client_campaigns as terms on terms.client_id = client.id
    where key.key_hash = $1::text and key.revoked_at is null`,
  values: (input) => [input.keyHash],
  row: (raw) => ({
    id: raw.id as string,
    kind: raw.kind as ClientByKeyRow['kind'],
    name: raw.name as string,
    campaignId: (raw.campaign_id as string | null) ?? null,
    dailyCap: (raw.daily_cap as number | null) ?? null,
    totalCap: (raw.total_cap as number | null) ?? null,
  }),
});
