// Fires SalesRender-shaped webhooks (status changes; new orders when asked) from the sandbox to a configured URL.
import type { Company } from './company-store.js';

/**
 * The body shapes receivers see in the field (salesrender-api.md, Webhooks [field]); the admin chooses:
 * - `'order'`: the bare order at the root
 * - `'data.ordersFetcher'`: `{data: {ordersFetcher: {orders: [order]}}}` (alias `'ordersFetcher'`)
 * - `'root.ordersFetcher'`: `{ordersFetcher: {orders: [order]}}`
 * - `'data.orders'`: `{data: {orders: [order]}}` (alias `'orders'`)
 * - `'root.orders'`: `{orders: [order]}`
 * - `'data'`: `{data: order}`
 * - `'form'`: a form post `id=<order id>&status_id=<status id>`
 */
export type WebhookShape =
  | 'order'
  | 'data.ordersFetcher'
  | 'root.ordersFetcher'
  | 'data.orders'
  | 'root.orders'
  | 'data'
  | 'form'
  | 'ordersFetcher'
  | 'orders';

export const webhookShapes: WebhookShape[] = [
  'order',
  'data.ordersFetcher',
  'root.ordersFetcher',
  'data.orders',
  'root.orders',
  'data',
  'form',
  'ordersFetcher',
  'orders',
];

/** The JSON body of one webhook in a JSON shape. */
export function webhookBody(shape: Exclude<WebhookShape, 'form'>, order: Record<string, unknown>): unknown {
  switch (shape) {
    case 'order':
      return order;
    case 'data.ordersFetcher':
    case 'ordersFetcher':
      return { data: { ordersFetcher: { orders: [order] } } };
    case 'root.ordersFetcher':
      return { ordersFetcher: { orders: [order] } };
    case 'data.orders':
    case 'orders':
      return { data: { orders: [order] } };
    case 'root.orders':
      return { orders: [order] };
    case 'data':
      return { data: order };
  }
}

export interface WebhookDelivery {
  at: string;
  url: string;
  orderId: string;
  statusId: string;
  httpStatus: number | null;
  error?: string;
}

export class WebhookSender {
  url: string | null = null;
  enabled = true;
  shape: WebhookShape = 'data.ordersFetcher';
  /** Also notify on new orders (SalesRender does [official]); off by default, so only status changes fire. */
  fireOnCreate = false;
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  /** Sends one webhook for the order's current state; a lost webhook is not retried [assumed]. */
  fire(company: Company, orderId: string): void {
    const url = company.webhookUrl ?? this.url;
    if (!this.enabled || !url) return;
    const order = company.orders.get(orderId);
    if (!order) return;
    const shape = this.shape;
    const init: RequestInit =
      shape === 'form'
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ id: order.id, status_id: order.statusId }).toString(),
          }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(webhookBody(shape, company.view(order))),
          };
    const delivery: WebhookDelivery = {
      at: new Date().toISOString(),
      url,
      orderId: order.id,
      statusId: order.statusId,
      httpStatus: null,
    };
    const sending = fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
      .then(async (response) => {
        delivery.httpStatus = response.status;
        await response.arrayBuffer();
      })
      .catch((error: Error) => {
        delivery.error = error.message;
      })
      .finally(() => {
        this.deliveries.push(delivery);
        this.inFlight.delete(sending);
      });
    this.inFlight.add(sending);
  }

  /** Resolves when every webhook sent so far has been answered (for tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
