// Turns a normalised lead into SalesRender's create-order input (CRM) or lead body (CPA), per the campaign's field map.

/** The lead attributes a campaign can route into an order. */
export const leadAttributes = [
  'phone',
  'name',
  'comment',
  'address',
  'country',
  'click_id',
  'sub1',
  'sub2',
  'sub3',
  'sub4',
  'sub5',
  'ip',
  'user_agent',
  // Our lead id, written into the order so an order whose create answer was lost can be found (in-doubt create).
  'lead_id',
] as const;
export type LeadAttribute = (typeof leadAttributes)[number];
export type FieldMap = Record<LeadAttribute, string | null>;

export const defaultCrmFields: FieldMap = {
  phone: 'phone',
  name: 'name',
  comment: 'comment',
  address: null,
  country: null,
  click_id: 'source.subid_1',
  sub1: 'source.subid_2',
  sub2: 'source.subid_3',
  sub3: 'source.subid_4',
  sub4: 'source.subid_5',
  sub5: 'source.subid_6',
  ip: 'source.ip',
  user_agent: null,
  lead_id: null,
};

/** CPA `lead/add` has fixed data keys and only subid_1..2 in its source block [official]. */
export const defaultCpaFields: FieldMap = {
  phone: 'phone_1',
  name: 'humanName_1',
  comment: 'comment',
  address: null,
  country: null,
  click_id: 'source.subid_1',
  sub1: 'source.subid_2',
  sub2: 'string_1',
  sub3: 'string_2',
  sub4: 'string_3',
  sub5: 'string_4',
  ip: 'source.ip',
  user_agent: null,
  // CPA carries our lead id as `externalId` already.
  lead_id: null,
};

/** Source-block keys SalesRender knows (read side [official]; same names on input [assumed]). */
export const crmSourceKeys = new Set([
  'ip',
  'uri',
  'refererUri',
  ...['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'],
  ...Array.from({ length: 10 }, (_, index) => `subid_${index + 1}`),
]);
export const cpaSourceKeys = new Set([
  'ip',
  'uri',
  'refererUri',
  ...['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'],
  'subid_1',
  'subid_2',
]);
export const cpaDataKeys = new Set([
  'phone_1',
  'phone_2',
  'humanName_1',
  'address_1',
  'email_1',
  'uri_1',
  'comment',
  ...Array.from({ length: 10 }, (_, index) => `string_${index + 1}`),
]);

export interface LeadForOrder {
  id: string;
  phone: string;
  name: string | null;
  country: string | null;
  ip: string | null;
  userAgent: string | null;
  clickId: string | null;
  comment: string | null;
  subs: Record<string, string>;
  utm: Record<string, string>;
}

export interface CrmOrderSettings {
  projectId: string | null;
  statusId: string | null;
  offerId: string | null;
  webmasterId: string | null;
  cart: { item_id: string; variation: number; quantity: number; price: number }[];
  fields: FieldMap;
}

type FieldValue = string | { firstName: string; lastName: string } | Record<string, string>;

/** Splits "Ivan  Petrov Sr" into firstName "Ivan", lastName "Petrov Sr" (names arrive normalised). */
export function splitHumanName(name: string): { firstName: string; lastName: string } {
  const [firstName = '', ...rest] = name.split(' ');
  return { firstName, lastName: rest.join(' ') };
}

function attributeValue(lead: LeadForOrder, attribute: LeadAttribute): FieldValue | null {
  switch (attribute) {
    case 'phone':
      return lead.phone;
    case 'name':
      return lead.name ? splitHumanName(lead.name) : null;
    case 'comment':
      return lead.comment;
    case 'address':
      return lead.country ? { countryCode: lead.country } : null;
    case 'country':
      return lead.country;
    case 'click_id':
      return lead.clickId;
    case 'ip':
      return lead.ip;
    case 'user_agent':
      return lead.userAgent;
    case 'lead_id':
      return lead.id;
    default:
      return lead.subs[attribute] ?? null;
  }
}

/** The orderData group an attribute's value belongs to; the doc maps field types to groups [official]. */
function crmGroupFor(attribute: LeadAttribute): string {
  if (attribute === 'phone') return 'phoneFields';
  if (attribute === 'name') return 'humanNameFields';
  if (attribute === 'address') return 'addressFields';
  return 'stringFields';
}

/** Builds `AddOrderInput` for `addOrder` (salesrender-api.md, Creating an order). */
export function buildAddOrderInput(lead: LeadForOrder, settings: CrmOrderSettings): Record<string, unknown> {
  const orderData: Record<string, { field: string; value: FieldValue }[]> = {};
  const source: Record<string, string> = { ...lead.utm };
  for (const attribute of Object.keys(settings.fields) as LeadAttribute[]) {
    const target = settings.fields[attribute];
    const value = attributeValue(lead, attribute);
    if (!target || value === null || value === '') continue;
    if (target.startsWith('source.')) {
      if (typeof value === 'string') source[target.slice('source.'.length)] = value;
      continue;
    }
    const group = crmGroupFor(attribute);
    orderData[group] ??= [];
    orderData[group].push({ field: target, value });
  }
  const input: Record<string, unknown> = { orderData };
  if (settings.statusId) input.statusId = settings.statusId;
  if (settings.projectId) input.projectId = settings.projectId;
  if (settings.offerId) input.offerId = settings.offerId;
  if (settings.webmasterId) input.webmasterId = settings.webmasterId;
  if (Object.keys(source).length > 0) input.source = source;
  if (settings.cart.length > 0) {
    input.cart = {
      items: settings.cart.map((item) => ({
        itemId: item.item_id,
        variation: item.variation,
        quantity: item.quantity,
        price: item.price,
      })),
    };
  }
  return input;
}

/** Builds the JSON body for CPA `lead/add`; our lead id travels as `externalId` (salesrender-api.md). */
export function buildCpaLeadBody(
  lead: LeadForOrder,
  settings: { offerId: string; fields: FieldMap; price?: { value: number; currency: string } },
): Record<string, unknown> {
  const data: Record<string, FieldValue> = {};
  const source: Record<string, string> = {};
  for (const [key, value] of Object.entries(lead.utm)) if (cpaSourceKeys.has(key)) source[key] = value;
  for (const attribute of Object.keys(settings.fields) as LeadAttribute[]) {
    const target = settings.fields[attribute];
    const value = attributeValue(lead, attribute);
    if (!target || value === null || value === '') continue;
    if (target.startsWith('source.')) {
      if (typeof value === 'string') source[target.slice('source.'.length)] = value;
    } else {
      data[target] = value;
    }
  }
  const body: Record<string, unknown> = {
    offerId: settings.offerId,
    data,
    source,
    externalId: lead.id,
    externalTag: 'leadbridge',
  };
  if (settings.price !== undefined) body.price = settings.price;
  return body;
}
