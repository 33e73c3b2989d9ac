// A campaign as the domain sees it (its row joined with its SalesRender connection), and the mapping from that row.
import { sha256 } from '../connections/connection-repository.js';
import type { campaigns, DedupeScope, PostbackRow } from '../db/schema.js';
import type { CampaignWithConnectionRow } from '../db/sql/campaign-row.js';
import type { FieldMap } from '../salesrender/order-input.js';
import { resolveFieldMap } from './campaign-input.js';

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
  /** The SalesRender connection (company) it belongs to; `salesrender.baseUrl` and `companyId` are its. */
  connectionId: string;
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
  /**
   * The token its SalesRender calls use: its own (a CRM override, or the CPA webmaster's), else its
   * connection's. Creating and editing a campaign make sure it has one.
   */
  tokenEncrypted: string;
  /** The campaign's own token column (null: the connection's CRM token is used). */
  ownTokenEncrypted: string | null;
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

export function toCampaign(row: CampaignWithConnectionRow): Campaign {
  const fields = resolveFieldMap(row.module, row.fields);
  const inverse: Record<string, string> = {};
  for (const [statusId, label] of Object.entries(row.statusMap)) inverse[label] ??= statusId;
  return {
    id: row.id,
    alias: row.alias,
    name: row.name,
    module: row.module,
    connectionId: row.connectionId,
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
    // Never empty once stored through createCampaign or updateCampaign; an empty value fails to decrypt.
    tokenEncrypted: row.srTokenEncrypted ?? row.connectionToken ?? '',
    ownTokenEncrypted: row.srTokenEncrypted,
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
