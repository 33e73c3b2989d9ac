// Reads what LeadBridge needs from a SalesRender order: its id, status, status time and the comment field.

export interface OrderSnapshot {
  orderId: string;
  statusId: string;
  statusChangedAt: Date;
  /** The value of the campaign's comment field; null when the order has none. */
  comment: string | null;
}

type Loose = Record<string, unknown> | undefined;

/**
 * The comment is a custom string field, found by the campaign's field name [field]; read-side entries
 * look like `{field: {name}, value}` (a plain `field: "name"` is accepted too).
 */
function stringFieldValue(order: Loose, fieldName: string | null): string | null {
  if (!fieldName) return null;
  const entries = ((order?.data as Loose)?.stringFields ?? []) as { field?: unknown; value?: unknown }[];
  for (const entry of entries) {
    const name = typeof entry.field === 'string' ? entry.field : (entry.field as Loose)?.name;
    if (name === fieldName) return typeof entry.value === 'string' ? entry.value : null;
  }
  return null;
}

/** Null when the order lacks an id or a status. */
export function readOrder(order: Loose, commentField: string | null): OrderSnapshot | null {
  const status = order?.status as Loose;
  if (!order || order.id === undefined || !status || status.id === undefined) return null;
  const changed = order.statusChangedAt ?? order.updatedAt ?? order.createdAt;
  const changedAt = new Date(
    typeof changed === 'string' || typeof changed === 'number' ? changed : Number.NaN,
  );
  return {
    orderId: String(order.id),
    statusId: String(status.id),
    statusChangedAt: Number.isNaN(changedAt.getTime()) ? new Date(0) : changedAt,
    comment: stringFieldValue(order, commentField),
  };
}
