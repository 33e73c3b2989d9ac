// The exact GraphQL documents LeadBridge sends to SalesRender's CRM module (salesrender-api.md).
// test/unit/salesrender-documents.test.ts validates each against the schema fragment in sandbox/.

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

const orderSelection = `id createdAt updatedAt statusChangedAt status { id name group }
  data {
    phoneFields { field { name } value { raw international national country } }
    humanNameFields { field { name } value { firstName lastName } }
    stringFields { field { name } value }
  }
  source { ip uri refererUri utm_source utm_medium utm_campaign utm_content utm_term subid_1 subid_2 }
  lead { reward { amount currency } externalId }
  cart { total }`;

/**
 * Orders by id, one page [official]. Arguments are inlined as literals rather than variables because
 * the doc does not name their input types; JSON string literals are valid GraphQL string literals.
 */
export function ordersByIdDocument(ids: string[], pageNumber = 1, pageSize = 100): string {
  const idList = ids.map((id) => JSON.stringify(String(id))).join(', ');
  return `query { ordersFetcher(pagination: {pageNumber: ${pageNumber}, pageSize: ${pageSize}}, filters: {include: {ids: [${idList}]}}) { orders { ${orderSelection} } pageInfo { itemsCount pagesCount } } }`;
}

/** Every document above with sample arguments, for schema validation and `leadbridge campaign check`. */
export function allDocuments(): Record<string, string> {
  return {
    addOrder: addOrderDocument,
    updateOrder: updateOrderDocument,
    statuses: statusesDocument,
    orderFields: orderFieldsDocument,
    ordersById: ordersByIdDocument(['1']),
  };
}
