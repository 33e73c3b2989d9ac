// The order as the GraphQL `Order` type reads it (salesrender-api.md, Reading: Order fields [official]).
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Company } from './company-store.js';
import type { OrderData, SandboxOrder } from './sandbox-order.js';

/** The order field a value belongs to; a field renamed or removed since still reads by its stored name. */
function fieldRef(company: Company, name: string) {
  const field = company.config.fields.find((candidate) => candidate.name === name);
  return { name, label: field?.label ?? name };
}

function phoneView(raw: string) {
  const parsed = parsePhoneNumberFromString(raw);
  return {
    raw,
    international: parsed?.formatInternational() ?? null,
    national: parsed?.formatNational() ?? null,
    country: parsed?.country ?? null,
  };
}

/** Other orders of the company for which `matches` holds: SalesRender counts duplicates itself [official]. */
function duplicates(company: Company, self: SandboxOrder, matches: (order: SandboxOrder) => boolean): number {
  let count = 0;
  for (const order of company.orders.values()) if (order !== self && matches(order)) count += 1;
  return count;
}

function dataView(company: Company, order: SandboxOrder) {
  const data: OrderData = order.data;
  const plain = <T extends { field: string }>(entries: T[]) =>
    entries.map((entry) => ({ ...entry, field: fieldRef(company, entry.field) }));
  return {
    phoneFields: data.phoneFields.map((entry) => ({
      field: fieldRef(company, entry.field),
      value: phoneView(entry.value),
    })),
    humanNameFields: plain(data.humanNameFields),
    stringFields: plain(data.stringFields),
    emailFields: data.emailFields.map((entry) => ({
      field: fieldRef(company, entry.field),
      value: {
        raw: entry.value,
        duplicates: entry.value
          ? duplicates(company, order, (other) =>
              other.data.emailFields.some((candidate) => candidate.value === entry.value),
            )
          : 0,
      },
    })),
    addressFields: plain(data.addressFields),
    integerFields: plain(data.integerFields),
    floatFields: plain(data.floatFields),
    booleanFields: plain(data.booleanFields),
  };
}

function sourceView(company: Company, order: SandboxOrder) {
  const { ip, ...rest } = order.source;
  return {
    ...rest,
    // [official] source.ip is an object; geo lookups are not modelled, so they read null.
    ip: ip
      ? {
          ip: { address: ip, country: null, city: null, timezone: null },
          duplicates: duplicates(company, order, (other) => other.source.ip === ip),
        }
      : null,
  };
}

function leadView(order: SandboxOrder) {
  const lead = order.lead;
  if (!lead) return null;
  return {
    webmaster: lead.webmasterId
      ? { id: lead.webmasterId, email: `webmaster${lead.webmasterId}@sandbox.test` }
      : null,
    offer: lead.offerId ? { id: lead.offerId } : null,
    rewardMethod: lead.rewardMethod,
    reward: lead.reward,
    status: lead.status,
    holdTo: lead.holdTo,
    finished: lead.status !== 'PROCESSING',
    externalId: lead.externalId,
    externalTag: lead.externalTag,
  };
}

function cartView(company: Company, order: SandboxOrder) {
  const items = order.cart.items.map((line, index) => ({
    id: `${order.id}-${index + 1}`,
    quantity: line.quantity,
    price: line.price,
    total: line.price * line.quantity,
    // [official] the newer pricing block is in major units.
    pricing: { unitPrice: line.price / 100, totalPrice: (line.price * line.quantity) / 100 },
    sku: {
      item: { id: line.itemId, name: company.config.items?.[line.itemId]?.name ?? `Item ${line.itemId}` },
      variation: { number: line.variation, property: null },
    },
  }));
  return { total: items.reduce((sum, item) => sum + item.total, 0), items };
}

/** A fresh object graph for the order as it is now (callers may keep or clone it). */
export function orderView(company: Company, order: SandboxOrder): Record<string, unknown> {
  const status = company.status(order.statusId);
  return {
    id: order.id,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    statusChangedAt: order.statusChangedAt,
    status: status
      ? { id: status.id, name: status.name, group: status.group, archived: status.archived }
      : null,
    project: { id: order.projectId, name: `Project ${order.projectId}` },
    data: dataView(company, order),
    source: sourceView(company, order),
    lead: leadView(order),
    cart: cartView(company, order),
  };
}
