// Fires SalesRender-shaped status-change webhooks from the sandbox to a configured URL.
import type { Company } from './company-store.js';

/** The body shapes receivers see in the field (salesrender-api.md, Webhooks [field]). */
export type WebhookShape = 'ordersFetcher' | 'orders' | 'data' | 'form';

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
  shape: WebhookShape = 'ordersFetcher';
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  /** Sends one webhook for the order's current state; a lost webhook is not retried, as in SalesRender. */
  fire(company: Company, orderId: string): void {
    const url = company.webhookUrl ?? this.url;
    if (!this.enabled || !url) return;
    const order = company.orders.get(orderId);
    if (!order) return;
    const view = company.view(order);
    let init: RequestInit;
    if (this.shape === 'form') {
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ id: order.id, status_id: order.statusId }).toString(),
      };
    } else {
      const body =
        this.shape === 'ordersFetcher'
          ? { data: { ordersFetcher: { orders: [view] } } }
          : this.shape === 'orders'
            ? { data: { orders: [view] } }
            : { data: view };
      init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    }
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
