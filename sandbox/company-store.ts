// The sandbox's in-memory SalesRender companies: orders, their change rules, locks and change history.
import { ChangeLog } from './change-log.js';
import type { CompanyConfig, LeadStatus, SandboxStatus, StatusGroup } from './company-config.js';
import { checkOrderData, type InputLocation } from './order-data-check.js';
import { orderView } from './order-view.js';
import {
  type NewOrder,
  type OrderData,
  orderDataGroups,
  SandboxGraphqlError,
  type SandboxOrder,
} from './sandbox-order.js';
import { normaliseVariants, type SchemaVariant } from './schema-variants.js';

export * from './company-config.js';
export type { NewOrder, OrderData, SandboxLead, SandboxOrder } from './sandbox-order.js';
export { SandboxGraphqlError } from './sandbox-order.js';

/** A lead's status follows its order's status group once the call centre has decided [assumed]. */
const leadStatusForGroup: Partial<Record<StatusGroup, LeadStatus>> = {
  APPROVED: 'APPROVED',
  SHIPPED: 'APPROVED',
  DELIVERED: 'APPROVED',
  CANCELED: 'CANCELED',
  UNDELIVERED: 'CANCELED',
  REFUNDED: 'CANCELED',
  SPAM: 'CANCELED',
  DOUBLE: 'CANCELED',
};

function isFilled(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'object') return Object.values(value).some(isFilled);
  return true;
}

/** Merges `{field, value}` entries into a copy of the order's data, replacing values field by field. */
function mergedData(current: OrderData, changes: Partial<OrderData>): OrderData {
  const data = structuredClone(current);
  for (const group of orderDataGroups) {
    for (const entry of changes[group] ?? []) {
      const list = data[group] as { field: string; value: unknown }[];
      const existing = list.find((candidate) => candidate.field === entry.field);
      if (existing) existing.value = entry.value;
      else list.push({ ...entry });
    }
  }
  return data;
}

export class Company {
  readonly orders = new Map<string, SandboxOrder>();
  /** What logsFetcher reads. */
  readonly changeLog = new ChangeLog();
  /** Where this company's webhooks go (a campaign's webhook_url); the sandbox-wide URL when null. */
  webhookUrl: string | null = null;
  /** The schema variants this company serves; null means the sandbox's default. */
  schemaVariants: SchemaVariant[] | null;
  private readonly locks = new Map<string, { lockId: string; until: number }>();
  private nextOrderId: number;
  private nextLockId = 1;

  constructor(
    readonly config: CompanyConfig,
    private readonly now: () => Date = () => new Date(),
    firstOrderId = 1000,
  ) {
    this.nextOrderId = firstOrderId;
    this.schemaVariants = config.schemaVariants ? normaliseVariants(config.schemaVariants) : null;
  }

  status(id: string): SandboxStatus | undefined {
    return this.config.statuses.find((status) => status.id === String(id));
  }

  private activeStatus(id: string): SandboxStatus {
    const status = this.status(id);
    if (!status) throw new SandboxGraphqlError('ERR_ORDER_STATUS_NOT_FOUND', `Status ${id} not found`);
    if (status.archived)
      throw new SandboxGraphqlError('ERR_ORDER_STATUS_ARCHIVED', `Status ${id} is archived`);
    return status;
  }

  /**
   * Creates an order. Unknown status or archived status answer their codes [official]; an unknown project,
   * offer or field, or a bad phone, a code-less error [assumed]. `logCreation` (default true) writes CREATE.
   */
  addOrder(input: NewOrder, options: { at?: InputLocation; logCreation?: boolean } = {}): SandboxOrder {
    this.activeStatus(input.statusId);
    const projectId = String(input.projectId);
    if (!this.config.projectIds.includes(projectId))
      throw new SandboxGraphqlError(null, `Project "${projectId}" not found`);
    const offerId = input.lead?.offerId ? String(input.lead.offerId) : null;
    const offer = offerId ? this.config.offers[offerId] : undefined;
    if (offerId && !offer) throw new SandboxGraphqlError(null, `Offer "${offerId}" not found`);
    const data = input.orderData ?? {};
    checkOrderData(this.config.fields, data, options.at);
    const webmasterId = input.lead?.webmasterId ? String(input.lead.webmasterId) : null;
    const at = this.now().toISOString();
    const empty: OrderData = Object.fromEntries(orderDataGroups.map((group) => [group, []])) as never;
    const order: SandboxOrder = {
      id: String(this.nextOrderId++),
      createdAt: at,
      updatedAt: at,
      statusChangedAt: at,
      statusId: String(input.statusId),
      projectId,
      data: mergedData(empty, data),
      source: Object.fromEntries(Object.entries(input.source ?? {}).filter(([, value]) => value != null)),
      lead:
        webmasterId || offerId
          ? {
              webmasterId,
              offerId,
              externalId: input.lead?.externalId ?? null,
              externalTag: input.lead?.externalTag ?? null,
              reward: offer ? { ...(offer.reward ?? { amount: 1500, currency: 'USD' }) } : null,
              rewardMethod: offer?.rewardMethod ?? 'ORDER',
              status: offer?.leadStatus ?? 'PROCESSING',
              holdTo: null,
            }
          : null,
      cart: {
        items: (input.cart?.items ?? []).map((item) => ({
          itemId: String(item.itemId),
          variation: item.variation,
          quantity: item.quantity,
          price: item.price ?? this.config.items?.[String(item.itemId)]?.price ?? 0,
        })),
      },
    };
    this.orders.set(order.id, order);
    if (options.logCreation ?? true)
      this.changeLog.record({ createdAt: at, action: 'CREATE', old: null, new: this.view(order) });
    return order;
  }

  /**
   * Changes status and/or order data; returns whether the status actually changed. `respectLocks` (off
   * for the call centre, which holds its own lock) refuses a locked order unless `lockId` is its lock.
   */
  updateOrder(
    input: { id: string; statusId?: string | null; orderData?: Partial<OrderData> | null },
    options: { at?: InputLocation; respectLocks?: boolean; lockId?: string | null } = {},
  ): { order: SandboxOrder; statusChanged: boolean } {
    const order = this.orders.get(String(input.id));
    if (!order) throw new SandboxGraphqlError('ERR_ORDER_NOT_FOUND', `Order ${input.id} not found`);
    const lock = this.lockOf(order.id);
    if (options.respectLocks && lock && lock.lockId !== options.lockId) {
      throw new SandboxGraphqlError('ERR_ORDER_LOCKED', `Order ${order.id} is locked by another user`);
    }
    const changes = input.orderData ?? {};
    const target =
      input.statusId !== undefined && input.statusId !== null && String(input.statusId) !== order.statusId
        ? this.activeStatus(input.statusId)
        : null;
    checkOrderData(this.config.fields, changes, options.at);
    const data = mergedData(order.data, changes);
    for (const name of target?.requireFields ?? []) {
      const filled = orderDataGroups.some((group) =>
        (data[group] as { field: string; value: unknown }[]).some(
          (entry) => entry.field === name && isFilled(entry.value),
        ),
      );
      if (!filled) {
        throw new SandboxGraphqlError(
          'ERR_ORDER_VALIDATION_FAILED',
          `Order validation failed: field "${name}" is required to move to status ${target?.id} "${target?.name}"`,
        );
      }
    }
    const old = this.view(order);
    const at = this.now().toISOString();
    order.data = data;
    if (target) {
      order.statusId = target.id;
      order.statusChangedAt = at;
      const leadStatus = leadStatusForGroup[target.group];
      if (order.lead) order.lead.status = leadStatus ?? order.lead.status;
    }
    order.updatedAt = at;
    this.changeLog.record({ createdAt: at, action: 'UPDATE', old, new: this.view(order) });
    return { order, statusChanged: target !== null };
  }

  /** The order's lock while it lasts; an expired lock is gone. */
  lockOf(orderId: string): { lockId: string; until: number } | null {
    const lock = this.locks.get(String(orderId));
    if (!lock) return null;
    if (lock.until <= this.now().getTime()) {
      this.locks.delete(String(orderId));
      return null;
    }
    return lock;
  }

  /**
   * Locks an order for `timeoutMs` (someone else editing it, as in SalesRender [field]); returns the lock
   * id. Taking a lock someone else holds answers ERR_ORDER_LOCKED; the holder (`lockId`) extends it.
   */
  lockOrder(orderId: string, timeoutMs: number, lockId?: string | null): string {
    if (!this.orders.has(String(orderId)))
      throw new SandboxGraphqlError('ERR_ORDER_NOT_FOUND', `Order ${orderId} not found`);
    const held = this.lockOf(orderId);
    if (held && held.lockId !== lockId)
      throw new SandboxGraphqlError('ERR_ORDER_LOCKED', `Order ${orderId} is locked by another user`);
    const id = held?.lockId ?? `lock-${this.config.id}-${this.nextLockId++}`;
    this.locks.set(String(orderId), { lockId: id, until: this.now().getTime() + timeoutMs });
    return id;
  }

  /** Releases an order's lock; false when it held none. */
  unlockOrder(orderId: string): boolean {
    return this.locks.delete(String(orderId));
  }

  /** The order as the GraphQL `Order` type reads it. */
  view(order: SandboxOrder): Record<string, unknown> {
    return orderView(this, order);
  }
}
