// Reads AddOrderInput / UpdateOrderInput in the shape the company's schema variant has, into sandbox terms.
// The schema has already refused keys the variant lacks; this reads the keys the variant has, and only those.
import type { NewOrder, OrderData } from './sandbox-order.js';
import type { SchemaVariant } from './schema-variants.js';

/** orderData as the schema coerced it: as stored, except the address value's country key. */
export type OrderDataInput = Omit<Partial<OrderData>, 'addressFields'> & {
  addressFields?: { field: string; value: Record<string, string | null> }[] | null;
};

/** AddOrderInput of any variant: the top-level pair by default, `lead` under nested-lead. */
export interface AddOrderInput {
  statusId: string;
  projectId: string;
  orderData?: OrderDataInput | null;
  cart?: NewOrder['cart'];
  source?: Record<string, string | null> | null;
  webmasterId?: string | null;
  offerId?: string | null;
  lead?: { webmasterId: string; offerId: string; externalId?: string | null } | null;
}

export interface UpdateOrderInput {
  id: string;
  statusId?: string | null;
  orderData?: OrderDataInput | null;
}

/** `orderData` as stored: the address input key (`countryCode`, or `country` under address-country) becomes `country`. */
export function readOrderData(
  orderData: OrderDataInput | null | undefined,
  variants: readonly SchemaVariant[],
): Partial<OrderData> {
  if (!orderData) return {};
  const countryKey = variants.includes('address-country') ? 'country' : 'countryCode';
  const { addressFields, ...rest } = orderData;
  const data = rest as Partial<OrderData>;
  if (addressFields) {
    data.addressFields = addressFields.map((entry) => {
      const { [countryKey]: country, ...lines } = entry.value;
      return { field: entry.field, value: { ...lines, country: country ?? null } };
    });
  }
  return data;
}

export function readAddOrderInput(input: AddOrderInput, variants: readonly SchemaVariant[]): NewOrder {
  // [assumed] where webmasterId/offerId sit: top level by default, `lead {...}` under nested-lead.
  const lead = variants.includes('nested-lead')
    ? input.lead
    : { webmasterId: input.webmasterId, offerId: input.offerId, externalId: null };
  return {
    statusId: String(input.statusId),
    projectId: String(input.projectId),
    orderData: readOrderData(input.orderData, variants),
    source: input.source ?? null,
    cart: input.cart ?? null,
    lead: lead
      ? { webmasterId: lead.webmasterId, offerId: lead.offerId, externalId: lead.externalId ?? null }
      : null,
  };
}

export function readUpdateOrderInput(
  input: UpdateOrderInput,
  variants: readonly SchemaVariant[],
): { id: string; statusId: string | null; orderData: Partial<OrderData> } {
  return {
    id: String(input.id),
    statusId: input.statusId === undefined || input.statusId === null ? null : String(input.statusId),
    orderData: readOrderData(input.orderData, variants),
  };
}
