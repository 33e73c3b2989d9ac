// A company's change history as logsFetcher reads it [field]: one entry per order creation and update.
import { type Pagination, paginate } from './pagination.js';
import { SandboxGraphqlError } from './sandbox-order.js';

export type LogAction = 'CREATE' | 'UPDATE' | 'DELETE';

export interface LogEntry {
  id: string;
  createdAt: string;
  action: LogAction;
  entity: 'Order';
  /** Order views, tagged `__typename: 'Order'` for the `LogEntity` union; `old` is null for CREATE. */
  old: Record<string, unknown> | null;
  new: Record<string, unknown> | null;
}

export interface LogQuery {
  filters?: {
    include?: {
      action?: LogAction | null;
      createdAt?: { gte?: string | null; lte?: string | null } | null;
      entity?: { entity: string } | null;
    } | null;
  } | null;
  pagination?: Pagination | null;
  sort?: { field: 'createdAt'; direction: 'ASC' | 'DESC' } | null;
}

function instant(value: string | null | undefined, path: string): number | null {
  if (value === null || value === undefined) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new SandboxGraphqlError(null, `Invalid DateTime ${JSON.stringify(value)} at "${path}"`);
  return time;
}

export class ChangeLog {
  readonly entries: LogEntry[] = [];
  private nextId = 1;

  record(entry: Omit<LogEntry, 'id' | 'entity'>): void {
    const tag = (view: Record<string, unknown> | null) =>
      view ? { ...structuredClone(view), __typename: 'Order' } : null;
    this.entries.push({
      ...entry,
      id: String(this.nextId++),
      entity: 'Order',
      old: tag(entry.old),
      new: tag(entry.new),
    });
  }

  /** Filters (createdAt bounds inclusive), sorts by createdAt (then id) and pages, as logsFetcher answers. */
  query(query: LogQuery) {
    const include = query.filters?.include ?? {};
    const gte = instant(include.createdAt?.gte, 'filters.include.createdAt.gte');
    const lte = instant(include.createdAt?.lte, 'filters.include.createdAt.lte');
    const found = this.entries.filter((entry) => {
      const at = Date.parse(entry.createdAt);
      return (
        (!include.action || entry.action === include.action) &&
        (!include.entity || entry.entity === include.entity.entity) &&
        (gte === null || at >= gte) &&
        (lte === null || at <= lte)
      );
    });
    const direction = query.sort?.direction === 'DESC' ? -1 : 1;
    found.sort(
      (a, b) =>
        direction * (Date.parse(a.createdAt) - Date.parse(b.createdAt) || Number(a.id) - Number(b.id)),
    );
    const { page, pageInfo } = paginate(found, query.pagination);
    return { log: page, pageInfo };
  }
}
