// GraphQL calls to SalesRender's CRM module: create and update orders, read orders, statuses and fields.
import { getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import {
  addOrderDocument,
  orderFieldsDocument,
  ordersByIdDocument,
  statusesDocument,
  updateOrderDocument,
} from './documents.js';
import { errorFromGraphqlErrors, errorFromHttpStatus, type LeadValue, SalesRenderError } from './errors.js';
import { postJson, type TransportOptions } from './transport.js';

export interface SalesRenderTarget {
  /** e.g. `https://de.backend.salesrender.com`; the cluster varies, so it is stored per campaign. */
  baseUrl: string;
  companyId: string;
  token: string;
}

export function moduleUrl(
  target: Pick<SalesRenderTarget, 'baseUrl' | 'companyId'>,
  module: 'CRM' | 'CPA',
): string {
  return `${target.baseUrl.replace(/\/+$/, '')}/companies/${encodeURIComponent(target.companyId)}/${module}`;
}

export interface SalesRenderStatus {
  id: string;
  name: string;
  group: string;
  archived: boolean;
}

export interface SalesRenderOrderField {
  name: string;
  label: string;
  __typename: string;
}

/**
 * GraphQL calls to one module of a company: the CRM module, or the CPA module, which serves GraphQL
 * too (salesrender-api.md [field]) and is introspected like the CRM one.
 */
export class CrmClient {
  private readonly url: string;
  constructor(
    private readonly target: SalesRenderTarget,
    private readonly options: TransportOptions,
    module: 'CRM' | 'CPA' = 'CRM',
  ) {
    this.url = moduleUrl(target, module);
  }

  /**
   * Runs one GraphQL operation and returns `data`, or throws a typed SalesRenderError. `leadValues` are
   * the lead's values in the variables, so a refusal naming one is told apart from a schema fault.
   */
  async graphql<T>(
    operation: string,
    query: string,
    variables?: Record<string, unknown>,
    leadValues: readonly LeadValue[] = [],
  ): Promise<T> {
    const body = variables ? { query, variables } : { query };
    const response = await postJson(this.url, this.target.token, operation, body, this.options);
    const envelope = (response.body ?? {}) as { data?: unknown; errors?: unknown };
    const graphqlError = response.unreadable
      ? null
      : errorFromGraphqlErrors(envelope.errors, response.status, leadValues);
    if (response.status < 200 || response.status >= 300) {
      if (graphqlError && response.status < 500) {
        if (response.status === 401 || response.status === 403) {
          throw new SalesRenderError('SR_AUTH_FAILED', graphqlError.message, { httpStatus: response.status });
        }
        throw graphqlError;
      }
      const error = errorFromHttpStatus(
        response.status,
        `SalesRender answered HTTP ${response.status}`,
        response.retryAfterMs,
      );
      // A 4xx without a GraphQL error says nothing about the lead (a wrong base URL or company id answers
      // 404): the operator's to fix, so the lead is held, never refused.
      if (error.code === 'SR_REJECTED') {
        throw new SalesRenderError('SR_SCHEMA_FAULT', error.message, { httpStatus: response.status });
      }
      throw error;
    }
    if (response.unreadable) {
      throw new SalesRenderError('SR_BAD_RESPONSE', 'SalesRender answered with a body that is not JSON', {
        httpStatus: response.status,
      });
    }
    if (graphqlError) throw graphqlError;
    if (envelope.data === undefined || envelope.data === null) {
      throw new SalesRenderError('SR_BAD_RESPONSE', 'SalesRender answered without data', {
        httpStatus: response.status,
      });
    }
    return envelope.data as T;
  }

  /** `addOrder`; returns SalesRender's order id as a string. */
  async addOrder(
    input: Record<string, unknown>,
    leadValues: readonly LeadValue[] = [],
  ): Promise<{ orderId: string }> {
    const data = await this.graphql<{ orderMutation?: { addOrder?: { id?: unknown } } }>(
      'addOrder',
      addOrderDocument,
      { input },
      leadValues,
    );
    const id = data.orderMutation?.addOrder?.id;
    if (id === undefined || id === null || id === '') {
      throw new SalesRenderError('SR_BAD_RESPONSE', 'addOrder answered without an order id');
    }
    return { orderId: String(id) };
  }

  /** `updateOrder` with `{id, statusId, orderData?}`; returns the status id SalesRender reports. */
  async updateOrder(input: {
    id: string;
    statusId: string;
    orderData?: Record<string, unknown>;
  }): Promise<{ orderId: string; statusId: string }> {
    const data = await this.graphql<{
      orderMutation?: { updateOrder?: { id?: unknown; status?: { id?: unknown } } };
    }>('updateOrder', updateOrderDocument, { input });
    const order = data.orderMutation?.updateOrder;
    if (!order?.id) throw new SalesRenderError('SR_BAD_RESPONSE', 'updateOrder answered without the order');
    return { orderId: String(order.id), statusId: String(order.status?.id ?? input.statusId) };
  }

  /** Orders by id; the string fields are read only when `commentField` names one (select only what is used). */
  async fetchOrders(
    ids: string[],
    options: { commentField: string | null },
  ): Promise<Record<string, unknown>[]> {
    const data = await this.graphql<{ ordersFetcher?: { orders?: Record<string, unknown>[] } }>(
      'ordersFetcher',
      ordersByIdDocument(ids, {
        pageSize: Math.max(ids.length, 1),
        // A comment routed to the source block is not read back (read-order.ts reads string fields).
        withComment: options.commentField !== null && !options.commentField.startsWith('source.'),
      }),
    );
    return data.ordersFetcher?.orders ?? [];
  }

  async fetchStatuses(): Promise<SalesRenderStatus[]> {
    const data = await this.graphql<{ statusesFetcher?: { statuses?: SalesRenderStatus[] } }>(
      'statusesFetcher',
      statusesDocument,
    );
    return (data.statusesFetcher?.statuses ?? []).map((status) => ({ ...status, id: String(status.id) }));
  }

  async fetchOrderFields(): Promise<SalesRenderOrderField[]> {
    const data = await this.graphql<{
      fields?: { orderFieldsFetcher?: { fields?: SalesRenderOrderField[] } };
    }>('orderFieldsFetcher', orderFieldsDocument);
    return data.fields?.orderFieldsFetcher?.fields ?? [];
  }

  /** The live schema, for `leadbridge campaign check` [official wiki: introspectable at the company URL]. */
  async introspect(): Promise<IntrospectionQuery> {
    return this.graphql<IntrospectionQuery>('introspection', getIntrospectionQuery());
  }
}
