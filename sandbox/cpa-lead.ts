// A CPA lead (REST lead/add or GraphQL addLead): fixed data keys mapped to the company's own order fields.
import { type CpaDataKey, cpaDataKeys, defaultCpaFieldMap, groupForType } from './company-config.js';
import type { Company } from './company-store.js';
import { isValidPhone } from './order-data-check.js';
import { type OrderData, orderDataGroups, SandboxGraphqlError, type SandboxOrder } from './sandbox-order.js';

/** lead/add's body [official]; the GraphQL AddLeadInput has the same keys. */
export interface LeadBody {
  offerId?: unknown;
  data?: unknown;
  source?: unknown;
  externalId?: unknown;
  externalTag?: unknown;
  timezoneOffset?: unknown;
  price?: unknown;
  bid?: unknown;
}

/** lead/add's 201 answer: reward in major units [assumed, strong]. */
export interface LeadAnswer {
  id: string;
  status: string;
  method: string;
  reward: { value: number; currency: string } | null;
}

/** A refused lead: lead/add answers `status` with `errors[0].message` [official]. */
export class CpaLeadError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }
}

/** CPA's source block: utm_* and only subid_1..2 [official]. */
const cpaSourceKeys = new Set([
  'ip',
  'uri',
  'refererUri',
  ...['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'],
  'subid_1',
  'subid_2',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function checkBody(body: LeadBody, data: Record<string, unknown>): void {
  const refuse = (message: string) => {
    throw new CpaLeadError(400, message);
  };
  if (!isValidPhone(data.phone_1))
    refuse(`data.phone_1: not a valid phone number: ${JSON.stringify(data.phone_1)}`);
  if (data.phone_2 != null && !isValidPhone(data.phone_2))
    refuse(`data.phone_2: not a valid phone number: ${JSON.stringify(data.phone_2)}`);
  if (data.email_1 != null && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(data.email_1)))
    refuse(`data.email_1: not a valid email address: ${JSON.stringify(data.email_1)}`);
  // [official] SalesRender's own example sends price as {value, currency} in major units.
  if (
    body.price != null &&
    !(isObject(body.price) && typeof body.price.value === 'number' && typeof body.price.currency === 'string')
  )
    refuse('price: expected {value, currency} with value in major units');
  if (body.timezoneOffset != null && !/^UTC[+-]\d{2}:\d{2}$/.test(String(body.timezoneOffset)))
    refuse(`timezoneOffset: expected like UTC+03:00, got ${JSON.stringify(body.timezoneOffset)}`);
}

/** One fixed key's value as the mapped field's group stores it. */
function valueFor(group: keyof OrderData, value: unknown): unknown {
  switch (group) {
    case 'humanNameFields':
      return isObject(value)
        ? { firstName: value.firstName ?? null, lastName: value.lastName ?? null }
        : { firstName: String(value) };
    case 'addressFields': {
      if (!isObject(value)) return { address_1: String(value) };
      const { countryCode, ...lines } = value;
      return { ...lines, country: lines.country ?? countryCode ?? null };
    }
    case 'integerFields':
    case 'floatFields':
      return Number(value);
    case 'booleanFields':
      return Boolean(value);
    default:
      return String(value);
  }
}

/** The company's order data for the fixed keys; unmapped keys, and keys mapped to no field, are dropped. */
function mappedOrderData(company: Company, data: Record<string, unknown>): Partial<OrderData> {
  const map = company.config.cpaFieldMap ?? defaultCpaFieldMap;
  const orderData: Partial<OrderData> = Object.fromEntries(orderDataGroups.map((group) => [group, []]));
  for (const key of cpaDataKeys) {
    const value = data[key];
    const field = company.config.fields.find((candidate) => candidate.name === map[key as CpaDataKey]);
    if (value === undefined || value === null || !field) continue;
    const group = groupForType[field.type];
    (orderData[group] as { field: string; value: unknown }[]).push({
      field: field.name,
      value: valueFor(group, value),
    });
  }
  return orderData;
}

/** Creates the lead's order; throws CpaLeadError for a refused lead. */
export function addCpaLead(
  company: Company,
  webmasterId: string,
  body: LeadBody,
  options: { logCreation: boolean },
): { order: SandboxOrder; answer: LeadAnswer } {
  const offerId = String(body.offerId ?? '');
  const offer = company.config.offers[offerId];
  if (!offer) throw new CpaLeadError(400, `Offer "${offerId}" not found`);
  const data = isObject(body.data) ? body.data : {};
  checkBody(body, data);
  const source = Object.fromEntries(
    Object.entries(isObject(body.source) ? body.source : {})
      .filter(([key, value]) => cpaSourceKeys.has(key) && value != null)
      .map(([key, value]) => [key, String(value)]),
  );
  const price = isObject(body.price) ? (body.price as { value: number; currency: string }) : null;
  let order: SandboxOrder;
  try {
    order = company.addOrder(
      {
        statusId: offer.statusId,
        projectId: offer.projectId,
        orderData: mappedOrderData(company, data),
        source,
        cart: price
          ? {
              items: [
                {
                  itemId: offer.itemId ?? '1',
                  variation: 1,
                  quantity: 1,
                  price: Math.round(price.value * 100),
                },
              ],
            }
          : null,
        lead: {
          webmasterId,
          offerId,
          externalId: body.externalId == null ? null : String(body.externalId),
          externalTag: body.externalTag == null ? null : String(body.externalTag),
        },
      },
      { logCreation: options.logCreation },
    );
  } catch (error) {
    if (error instanceof SandboxGraphqlError) throw new CpaLeadError(400, error.message);
    throw error;
  }
  const lead = order.lead;
  const reward = lead?.reward ? { value: lead.reward.amount / 100, currency: lead.reward.currency } : null;
  return {
    order,
    answer: {
      id: order.id,
      status: lead?.status ?? 'PROCESSING',
      method: lead?.rewardMethod ?? 'ORDER',
      reward,
    },
  };
}
