// The sandbox's in-memory SalesRender companies: statuses, order fields, orders and their change rules.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

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
}

export type FieldType =
  | 'PhoneOrderField'
  | 'HumanNameOrderField'
  | 'StringOrderField'
  | 'AddressOrderField'
  | 'EmailOrderField';

export interface SandboxField {
  name: string;
  label: string;
  type: FieldType;
}

export interface CompanyConfig {
  id: string;
  /** CRM (company-level) tokens. */
  crmTokens: string[];
  /** CPA (webmaster) tokens, each with the webmaster id it stands for. */
  cpaTokens: Record<string, string>;
  statuses: SandboxStatus[];
  fields: SandboxField[];
  projectIds: string[];
  /** CPA offers: id -> the status and project a new lead gets. */
  offers: Record<string, { projectId: string; statusId: string }>;
}

export interface SandboxOrder {
  id: string;
  createdAt: string;
  updatedAt: string;
  statusChangedAt: string;
  statusId: string;
  projectId: string;
  data: {
    phoneFields: { field: string; value: string }[];
    humanNameFields: { field: string; value: { firstName?: string | null; lastName?: string | null } }[];
    stringFields: { field: string; value: string | null }[];
    addressFields: { field: string; value: Record<string, string | null> }[];
    emailFields: { field: string; value: string | null }[];
  };
  source: Record<string, string | null>;
  lead: {
    externalId: string | null;
    webmasterId: string | null;
    offerId: string | null;
    reward: { amount: number; currency: string } | null;
  };
  cart: { items: { itemId: string; variation: number; quantity: number; price: number }[] };
}

/** A GraphQL error with SalesRender's `extensions.code` (salesrender-api.md, Errors). */
export class SandboxGraphqlError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const groupForType: Record<FieldType, keyof SandboxOrder['data']> = {
  PhoneOrderField: 'phoneFields',
  HumanNameOrderField: 'humanNameFields',
  StringOrderField: 'stringFields',
  AddressOrderField: 'addressFields',
  EmailOrderField: 'emailFields',
};

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
  };
}

export class Company {
  readonly orders = new Map<string, SandboxOrder>();
  /** Where this company's webhooks go (a campaign's webhook_url); the sandbox-wide URL when null. */
  webhookUrl: string | null = null;
  private nextOrderId: number;

  constructor(
    readonly config: CompanyConfig,
    private readonly now: () => Date = () => new Date(),
    firstOrderId = 1000,
  ) {
    this.nextOrderId = firstOrderId;
  }

  status(id: string): SandboxStatus | undefined {
    return this.config.statuses.find((status) => status.id === String(id));
  }

  private activeStatus(id: string): SandboxStatus {
    const status = this.status(id);
    if (!status) throw new SandboxGraphqlError('ERR_ORDER_STATUS_NOT_FOUND', `Status ${id} not found`);
    if (status.archived)
      throw new SandboxGraphqlError('ERR_ORDER_STATUS_ARCHIVED', `Status ${id} is archived`);
    return status;
  }

  /** Checks each `{field, value}` names a field of the right type, as SalesRender validates order data. */
  private validateOrderData(data: Record<string, { field: string; value: unknown }[] | undefined>): void {
    for (const [group, entries] of Object.entries(data)) {
      for (const entry of entries ?? []) {
        const field = this.config.fields.find((candidate) => candidate.name === entry.field);
        if (!field) {
          throw new SandboxGraphqlError(
            'ERR_ORDER_VALIDATION_FAILED',
            `Unknown order field "${entry.field}"`,
          );
        }
        if (groupForType[field.type] !== group) {
          throw new SandboxGraphqlError(
            'ERR_ORDER_VALIDATION_FAILED',
            `Field "${entry.field}" is a ${field.type}, not accepted in ${group}`,
          );
        }
        if (group === 'phoneFields' && !/\d{5,}/.test(String(entry.value ?? '').replace(/\D/g, ''))) {
          throw new SandboxGraphqlError(
            'ERR_ORDER_VALIDATION_FAILED',
            `Field "${entry.field}": invalid phone`,
          );
        }
      }
    }
  }

  addOrder(
    input: {
      statusId: string;
      projectId: string;
      orderData?: Partial<SandboxOrder['data']> | null;
      source?: Record<string, string | null> | null;
      cart?: { items: SandboxOrder['cart']['items'] } | null;
      webmasterId?: string | null;
      offerId?: string | null;
      externalId?: string | null;
    },
    options: { fixedCpaKeys?: boolean } = {},
  ): SandboxOrder {
    this.activeStatus(input.statusId);
    if (!this.config.projectIds.includes(String(input.projectId))) {
      throw new SandboxGraphqlError('ERR_ORDER_VALIDATION_FAILED', `Project ${input.projectId} not found`);
    }
    const data = input.orderData ?? {};
    // CPA lead/add writes its fixed keys (string_1, comment...), not the company's field names.
    if (!options.fixedCpaKeys) this.validateOrderData(data);
    const at = this.now().toISOString();
    const order: SandboxOrder = {
      id: String(this.nextOrderId++),
      createdAt: at,
      updatedAt: at,
      statusChangedAt: at,
      statusId: String(input.statusId),
      projectId: String(input.projectId),
      data: {
        phoneFields: data.phoneFields ?? [],
        humanNameFields: data.humanNameFields ?? [],
        stringFields: data.stringFields ?? [],
        addressFields: data.addressFields ?? [],
        emailFields: data.emailFields ?? [],
      },
      source: { ...(input.source ?? {}) },
      lead: {
        externalId: input.externalId ?? null,
        webmasterId: input.webmasterId ? String(input.webmasterId) : null,
        offerId: input.offerId ? String(input.offerId) : null,
        reward: input.offerId ? { amount: 1500, currency: 'USD' } : null,
      },
      cart: { items: input.cart?.items ?? [] },
    };
    this.orders.set(order.id, order);
    return order;
  }

  /** Changes status and/or order data; returns whether the status actually changed. */
  updateOrder(input: {
    id: string;
    statusId?: string | null;
    orderData?: Partial<SandboxOrder['data']> | null;
  }): {
    order: SandboxOrder;
    statusChanged: boolean;
  } {
    const order = this.orders.get(String(input.id));
    if (!order) throw new SandboxGraphqlError('ERR_ORDER_NOT_FOUND', `Order ${input.id} not found`);
    const data = input.orderData ?? {};
    let statusChanged = false;
    if (
      input.statusId !== undefined &&
      input.statusId !== null &&
      String(input.statusId) !== order.statusId
    ) {
      this.activeStatus(input.statusId);
      statusChanged = true;
    }
    this.validateOrderData(data);
    const at = this.now().toISOString();
    for (const group of Object.keys(data) as (keyof SandboxOrder['data'])[]) {
      for (const entry of data[group] ?? []) {
        const list = order.data[group] as { field: string; value: unknown }[];
        const existing = list.find((candidate) => candidate.field === entry.field);
        if (existing) existing.value = entry.value;
        else list.push({ ...entry });
      }
    }
    if (statusChanged) {
      order.statusId = String(input.statusId);
      order.statusChangedAt = at;
    }
    order.updatedAt = at;
    return { order, statusChanged };
  }

  /** The order as the GraphQL `Order` type reads it. */
  view(order: SandboxOrder): Record<string, unknown> {
    const ref = (name: string) => ({ name });
    return {
      id: order.id,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      statusChangedAt: order.statusChangedAt,
      status: this.status(order.statusId),
      data: {
        phoneFields: order.data.phoneFields.map((entry) => ({
          field: ref(entry.field),
          value: phoneView(entry.value),
        })),
        humanNameFields: order.data.humanNameFields.map((entry) => ({
          field: ref(entry.field),
          value: entry.value,
        })),
        stringFields: order.data.stringFields.map((entry) => ({
          field: ref(entry.field),
          value: entry.value,
        })),
        addressFields: order.data.addressFields.map((entry) => ({
          field: ref(entry.field),
          value: entry.value,
        })),
        emailFields: order.data.emailFields.map((entry) => ({ field: ref(entry.field), value: entry.value })),
      },
      source: order.source,
      lead: order.lead,
      cart: {
        items: order.cart.items,
        total: order.cart.items.reduce((sum, item) => sum + item.price * item.quantity, 0),
      },
    };
  }
}

function phoneView(raw: string): {
  raw: string;
  international: string | null;
  national: string | null;
  country: string | null;
} {
  const parsed = parsePhoneNumberFromString(raw);
  return {
    raw,
    international: parsed?.formatInternational() ?? null,
    national: parsed?.formatNational() ?? null,
    country: parsed?.country ?? null,
  };
}
