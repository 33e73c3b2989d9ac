// The exact GraphQL documents LeadBridge sends to SalesRender's CRM module (salesrender-api.md).
// Each selects only what LeadBridge reads: SalesRender changes its schema without versioning, so every
// field selected "in case" is one more way for a whole query to fail (salesrender-api.md, [official]).
// test/unit/salesrender-documents.test.ts validates each against the sandbox's schemas.

/** Create an order [official]. Variables: `{input: AddOrderInput}`. */
export const addOrderDocument =
  'mutation ($input: AddOrderInput!) { orderMutation { addOrder(input: $input) { id } } }';

/** Change an order's status (and comment field) [official]. Variables: `{input: UpdateOrderInput}`. */
export const updateOrderDocument =
  'mutation ($input: UpdateOrderInput!) { orderMutation { updateOrder(input: $input) { id status { id } } } }';

/** The company's active statuses [official]. */
export const statusesDocument =
  'query { statusesFetcher(filters: {include: {archived: false}}) { statuses { id name group archived } } }';

/** The company's order fields; the data group follows `__typename` [official]. */
export const orderFieldsDocument =
  'query { fields { orderFieldsFetcher { fields { name label __typename } } } }';

/** What an order re-read needs: the status and when it changed, and the comment's string field when read back. */
function orderSelection(options: { withComment: boolean }): string {
  const data = options.withComment ? ' data { stringFields { field { name } value } }' : '';
  return `id status { id name group } statusChangedAt${data}`;
}

export interface OrdersByIdOptions {
  pageNumber?: number;
  pageSize?: number;
  /** Select the string fields, where the campaign's comment is read from (default true). */
  withComment?: boolean;
}

/**
 * Orders by id, one page [official]. Arguments are inlined as literals rather than variables, so the
 * document does not name their input types (they were renamed before); JSON string literals are valid
 * GraphQL string literals.
 */
export function ordersByIdDocument(ids: string[], options: OrdersByIdOptions = {}): string {
  const idList = ids.map((id) => JSON.stringify(String(id))).join(', ');
  const pageNumber = options.pageNumber ?? 1;
  const pageSize = options.pageSize ?? 100;
  const selection = orderSelection({ withComment: options.withComment ?? true });
  return `query { ordersFetcher(pagination: {pageNumber: ${pageNumber}, pageSize: ${pageSize}}, filters: {include: {ids: [${idList}]}}) { orders { ${selection} } } }`;
}

/**
 * Order creations in a time window, to find an order whose create call's answer was lost (in-doubt
 * create) [field: logsFetcher]. `creationAction` is the live schema's enum value for a creation (found
 * by introspection); `referenceTarget` is where the campaign writes our lead id (`source.subid_N` or a
 * string field's name), the only part of the order read back.
 */
export function orderCreationsDocument(options: {
  creationAction: string;
  referenceTarget: string;
  from: Date;
  to: Date;
  pageNumber?: number;
  pageSize?: number;
}): string {
  const from = JSON.stringify(options.from.toISOString());
  const to = JSON.stringify(options.to.toISOString());
  const reference = options.referenceTarget.startsWith('source.')
    ? `source { ${options.referenceTarget.slice('source.'.length)} }`
    : 'data { stringFields { field { name } value } }';
  return `query { logsFetcher(filters: {include: {action: ${options.creationAction}, createdAt: {gte: ${from}, lte: ${to}}, entity: {entity: Order}}}, pagination: {pageNumber: ${options.pageNumber ?? 1}, pageSize: ${options.pageSize ?? 100}}, sort: {field: createdAt, direction: ASC}) { log { createdAt new { ... on Order { id ${reference} } } } } }`;
}

/** Every CRM document with sample arguments, for schema validation and `leadbridge campaign check`. */
export function allDocuments(): Record<string, string> {
  return {
    addOrder: addOrderDocument,
    updateOrder: updateOrderDocument,
    statuses: statusesDocument,
    orderFields: orderFieldsDocument,
    ordersById: ordersByIdDocument(['1']),
  };
}
