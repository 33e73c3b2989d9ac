// What a sandbox company is made of: statuses, order fields, projects, offers, tokens; and the demo company.
import type { SchemaVariant } from './schema-variants.js';

export type StatusGroup =
  | 'PROCESSING'
  | 'CANCELED'
  | 'APPROVED'
  | 'SHIPPED'
  | 'DELIVERED'
  | 'UNDELIVERED'
  | 'REFUNDED'
  | 'SPAM'
  | 'DOUBLE';

export interface SandboxStatus {
  id: string;
  name: string;
  group: StatusGroup;
  archived: boolean;
  /**
   * A validator on the transition into this status: moving an order here while one of these fields is
   * empty answers ERR_ORDER_VALIDATION_FAILED [official: that code means a transition validator refused].
   */
  requireFields?: string[];
}

export type FieldType =
  | 'PhoneOrderField'
  | 'HumanNameOrderField'
  | 'StringOrderField'
  | 'AddressOrderField'
  | 'EmailOrderField'
  | 'IntegerOrderField'
  | 'FloatOrderField'
  | 'BooleanOrderField';

export interface SandboxField {
  name: string;
  label: string;
  type: FieldType;
}

/** The order data group a field's values go in: it follows the type name [official]. */
export const groupForType = {
  PhoneOrderField: 'phoneFields',
  HumanNameOrderField: 'humanNameFields',
  StringOrderField: 'stringFields',
  AddressOrderField: 'addressFields',
  EmailOrderField: 'emailFields',
  IntegerOrderField: 'integerFields',
  FloatOrderField: 'floatFields',
  BooleanOrderField: 'booleanFields',
} as const;
export const fieldTypes = Object.keys(groupForType) as FieldType[];

export type LeadStatus = 'PROCESSING' | 'APPROVED' | 'CANCELED';
export type RewardMethod = 'ORDER' | 'APPROVE' | 'BUYOUT';

export interface OfferConfig {
  projectId: string;
  /** The status a new lead's order gets. */
  statusId: string;
  /** The lead's reward, minor units (default 1500 USD cents). */
  reward?: { amount: number; currency: string };
  /** The lead status lead/add answers (default PROCESSING). */
  leadStatus?: LeadStatus;
  /** The reward method lead/add answers (default ORDER). */
  rewardMethod?: RewardMethod;
  /** The item a lead's `price` is booked on, as a one-line cart (default '1'). */
  itemId?: string;
}

/** CPA lead/add's fixed data keys [official]. */
export const cpaDataKeys = [
  'phone_1',
  'phone_2',
  'humanName_1',
  'address_1',
  'email_1',
  'uri_1',
  ...(Array.from({ length: 10 }, (_, index) => `string_${index + 1}`) as `string_${number}`[]),
  'comment',
] as const;
export type CpaDataKey = (typeof cpaDataKeys)[number];

/** Where the demo company's CPA data keys land: SalesRender maps them to the company's fields [official]. */
export const defaultCpaFieldMap: Partial<Record<CpaDataKey, string>> = {
  phone_1: 'phone',
  phone_2: 'contact_phone',
  humanName_1: 'name',
  address_1: 'address',
  email_1: 'email',
  comment: 'comment',
  string_1: 'click',
  string_2: 'country',
  string_3: 'user_agent',
};

export interface CompanyConfig {
  id: string;
  /** CRM (company-level) tokens. */
  crmTokens: string[];
  /** CPA (webmaster) tokens, each with the webmaster id it stands for. */
  cpaTokens: Record<string, string>;
  statuses: SandboxStatus[];
  /** The company's order fields; mutable, so a test can rename or remove one while LeadBridge runs. */
  fields: SandboxField[];
  projectIds: string[];
  /** CPA offers by id. */
  offers: Record<string, OfferConfig>;
  /** CPA data key -> this company's order field name; unmapped keys are dropped (default defaultCpaFieldMap). */
  cpaFieldMap?: Partial<Record<CpaDataKey, string>>;
  /** Item names and default prices (minor units) for carts; unknown items read as "Item <id>", price 0. */
  items?: Record<string, { name: string; price: number }>;
  /** The schema variants this company serves; the sandbox's default when absent. */
  schemaVariants?: SchemaVariant[];
}

/** The demo company: status ids are deliberately not 1 = new, 2 = accepted (ids differ per company). */
export function demoCompany(id = '1'): CompanyConfig {
  return {
    id,
    crmTokens: ['eyJhbGciOiJIUzI1NiJ9.sandbox-crm-token.c2lnbmF0dXJl'],
    cpaTokens: { 'eyJhbGciOiJIUzI1NiJ9.sandbox-cpa-token.c2lnbmF0dXJl': '77' },
    statuses: [
      { id: '1', name: 'New', group: 'PROCESSING', archived: false },
      { id: '2', name: 'Callback', group: 'PROCESSING', archived: false },
      { id: '3', name: 'Accepted', group: 'APPROVED', archived: false },
      { id: '4', name: 'Cancelled', group: 'CANCELED', archived: false },
      { id: '5', name: 'Spam', group: 'SPAM', archived: false },
      { id: '6', name: 'Double', group: 'DOUBLE', archived: false },
      { id: '7', name: 'Shipped', group: 'SHIPPED', archived: false },
      { id: '8', name: 'Old queue', group: 'PROCESSING', archived: true },
    ],
    fields: [
      { name: 'phone', label: 'Phone', type: 'PhoneOrderField' },
      { name: 'contact_phone', label: 'Contact phone', type: 'PhoneOrderField' },
      { name: 'name', label: 'Name', type: 'HumanNameOrderField' },
      { name: 'comment', label: 'Comment', type: 'StringOrderField' },
      { name: 'click', label: 'Click id', type: 'StringOrderField' },
      { name: 'country', label: 'Country', type: 'StringOrderField' },
      { name: 'user_agent', label: 'User agent', type: 'StringOrderField' },
      { name: 'address', label: 'Address', type: 'AddressOrderField' },
      { name: 'email', label: 'Email', type: 'EmailOrderField' },
    ],
    projectIds: ['1', '2'],
    offers: { '10': { projectId: '1', statusId: '1' } },
    cpaFieldMap: { ...defaultCpaFieldMap },
    items: { '501': { name: 'Sandbox cream', price: 4900 } },
  };
}
