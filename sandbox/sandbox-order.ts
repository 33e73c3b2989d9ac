// How the sandbox stores an order (the GraphQL view is built from it in order-view.ts), and its error type.
import type { LeadStatus, RewardMethod } from './company-config.js';

export const addressKeys = [
  'postcode',
  'region',
  'city',
  'address_1',
  'address_2',
  'building',
  'apartment',
  'country',
] as const;
/** Stored with the read side's key `country`, whichever key the input used. */
export type AddressValue = Partial<Record<(typeof addressKeys)[number], string | null>>;

export interface OrderData {
  phoneFields: { field: string; value: string }[];
  humanNameFields: { field: string; value: { firstName?: string | null; lastName?: string | null } }[];
  stringFields: { field: string; value: string | null }[];
  emailFields: { field: string; value: string | null }[];
  addressFields: { field: string; value: AddressValue }[];
  integerFields: { field: string; value: number | null }[];
  floatFields: { field: string; value: number | null }[];
  booleanFields: { field: string; value: boolean | null }[];
}
export const orderDataGroups: (keyof OrderData)[] = [
  'phoneFields',
  'humanNameFields',
  'stringFields',
  'emailFields',
  'addressFields',
  'integerFields',
  'floatFields',
  'booleanFields',
];

export interface SandboxLead {
  webmasterId: string | null;
  offerId: string | null;
  externalId: string | null;
  externalTag: string | null;
  /** Minor units. */
  reward: { amount: number; currency: string } | null;
  rewardMethod: RewardMethod;
  status: LeadStatus;
  holdTo: string | null;
}

export interface CartLine {
  itemId: string;
  variation: number;
  quantity: number;
  /** Unit price, minor units. */
  price: number;
}

export interface SandboxOrder {
  id: string;
  createdAt: string;
  updatedAt: string;
  statusChangedAt: string;
  statusId: string;
  projectId: string;
  data: OrderData;
  /** Source keys as given (`ip` as the address string); the view turns `ip` into its object. */
  source: Record<string, string | null>;
  /** null for an order without lead data. */
  lead: SandboxLead | null;
  cart: { items: CartLine[] };
}

/** What Company.addOrder takes, already read from whichever input shape the schema variant has. */
export interface NewOrder {
  statusId: string;
  projectId: string;
  orderData?: Partial<OrderData> | null;
  source?: Record<string, string | null> | null;
  cart?: { items: (Omit<CartLine, 'price'> & { price?: number | null })[] } | null;
  lead?: {
    webmasterId?: string | null;
    offerId?: string | null;
    externalId?: string | null;
    externalTag?: string | null;
  } | null;
}

/**
 * A GraphQL error as SalesRender answers it: `extensions.code` when the code is known [official], and no
 * `extensions` at all when it is not (bad phone, unknown field or project) [assumed].
 */
export class SandboxGraphqlError extends Error {
  constructor(
    readonly code: string | null,
    message: string,
  ) {
    super(message);
  }
}
