// Calls a running sandbox over HTTP as LeadBridge would: CRM and CPA GraphQL, CPA REST, control routes.
import type { Sandbox } from '../../sandbox/server.js';

export const crmToken = 'eyJhbGciOiJIUzI1NiJ9.sandbox-crm-token.c2lnbmF0dXJl';
export const cpaToken = 'eyJhbGciOiJIUzI1NiJ9.sandbox-cpa-token.c2lnbmF0dXJl';

export interface HttpAnswer {
  status: number;
  body: any;
  text: string;
}

export async function post(
  sandbox: Sandbox,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<HttpAnswer> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null; // a cut or non-JSON answer: the test reads `text`
  }
  return { status: response.status, body: parsed, text };
}

/** A CRM GraphQL call with the demo company's token (raw header, as LeadBridge sends it). */
export function crm(
  sandbox: Sandbox,
  query: string,
  variables?: Record<string, unknown>,
  options: { companyId?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const token = options.token === undefined ? crmToken : options.token;
  const auth: Record<string, string> = token ? { authorization: token } : {};
  return post(
    sandbox,
    `/companies/${options.companyId ?? '1'}/CRM`,
    { query, variables },
    {
      ...auth,
      ...options.headers,
    },
  );
}

export function cpa(
  sandbox: Sandbox,
  path: '' | '/lead/add',
  body: unknown,
  options: { companyId?: string; token?: string | null } = {},
): Promise<HttpAnswer> {
  const token = options.token === undefined ? cpaToken : options.token;
  return post(
    sandbox,
    `/companies/${options.companyId ?? '1'}/CPA${path}`,
    body,
    token ? { authorization: token } : {},
  );
}

export const addOrderDocument =
  'mutation ($input: AddOrderInput!) { orderMutation { addOrder(input: $input) { id } } }';
export const updateOrderDocument =
  'mutation ($input: UpdateOrderInput!) { orderMutation { updateOrder(input: $input) { id status { id } } } }';

/** A minimal valid AddOrderInput for the demo company's default schema. */
export function sampleOrderInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    statusId: '1',
    projectId: '1',
    orderData: {
      phoneFields: [{ field: 'phone', value: '+79123456789' }],
      humanNameFields: [{ field: 'name', value: { firstName: 'Ivan', lastName: 'Petrov' } }],
      stringFields: [{ field: 'comment', value: 'call after 6pm' }],
    },
    source: { ip: '203.0.113.7', subid_1: 'click-1' },
    ...overrides,
  };
}

/** Creates an order through the CRM API and returns its id (fails the test on any error). */
export async function createOrder(
  sandbox: Sandbox,
  overrides: Record<string, unknown> = {},
  companyId = '1',
): Promise<string> {
  const answer = await crm(sandbox, addOrderDocument, { input: sampleOrderInput(overrides) }, { companyId });
  if (answer.body?.errors) throw new Error(JSON.stringify(answer.body.errors));
  return answer.body.data.orderMutation.addOrder.id;
}

const orderSelection = `id createdAt updatedAt statusChangedAt status { id name group } project { id name }
  data {
    phoneFields { field { name } value { raw international national country } }
    humanNameFields { field { name } value { firstName lastName } }
    stringFields { field { name } value }
    emailFields { field { name } value { raw duplicates } }
    addressFields { field { name } value { postcode region city address_1 address_2 building apartment country } }
  }
  source { uri refererUri utm_source utm_medium utm_campaign utm_content utm_term subid_1 subid_2 subid_3 subid_10
    ip { ip { address country city timezone } duplicates } }
  lead { webmaster { id email } offer { id } rewardMethod reward { amount currency } status holdTo finished externalId externalTag }
  cart { total items { id quantity price total pricing { unitPrice totalPrice } sku { item { id name } variation { number property } } } }`;

/** Reads one order through ordersFetcher with every field the sheet lists. */
export async function readOrder(sandbox: Sandbox, id: string, companyId = '1'): Promise<any> {
  const answer = await crm(
    sandbox,
    `query ($ids: [ID!]) { ordersFetcher(filters: {include: {ids: $ids}}) { orders { ${orderSelection} } } }`,
    { ids: [id] },
    { companyId },
  );
  if (answer.body?.errors) throw new Error(JSON.stringify(answer.body.errors));
  return answer.body.data.ordersFetcher.orders[0];
}
