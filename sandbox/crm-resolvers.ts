// The CRM module's GraphQL root: what each query and mutation of schema.graphql does to a sandbox company.
import { type GraphQLResolveInfo, Kind } from 'graphql';
import type { LogQuery } from './change-log.js';
import type { Company } from './company-store.js';
import type { InputLocation } from './order-data-check.js';
import {
  type AddOrderInput,
  readAddOrderInput,
  readUpdateOrderInput,
  type UpdateOrderInput,
} from './order-input.js';
import { type Pagination, paginate } from './pagination.js';
import { SandboxGraphqlError, type SandboxOrder } from './sandbox-order.js';
import type { SchemaVariant } from './schema-variants.js';

export interface CrmHooks {
  /** After an order was created (webhooks may fire for new orders). */
  onCreate(company: Company, orderId: string): void;
  /** After an order's status really changed. */
  onStatusChange(company: Company, orderId: string): void;
}

export interface CrmContext {
  /** The `X-LOCK-ID` header: the caller's own lock [official/field]. */
  lockId: string | null;
}

/** Where `input` came from, so a bad value is named as graphql-js names a bad variable value. */
function inputLocation(info: GraphQLResolveInfo): InputLocation {
  const argument = info.fieldNodes[0]?.arguments?.find((candidate) => candidate.name.value === 'input');
  if (argument?.value.kind === Kind.VARIABLE) {
    const name = argument.value.name.value;
    return { label: `Variable "$${name}"`, path: `${name}.orderData` };
  }
  return { label: 'Argument "input"', path: 'input.orderData' };
}

const sortKeys: Record<string, (order: SandboxOrder) => number> = {
  id: (order) => Number(order.id),
  createdAt: (order) => Date.parse(order.createdAt),
  updatedAt: (order) => Date.parse(order.updatedAt),
  statusChangedAt: (order) => Date.parse(order.statusChangedAt),
};

export function crmRootValue(company: Company, variants: readonly SchemaVariant[], hooks: CrmHooks) {
  return {
    ordersFetcher: (args: {
      pagination?: Pagination | null;
      filters?: { include?: { ids?: string[] | null } | null } | null;
      sort?: { field: string; direction: 'ASC' | 'DESC' } | null;
    }) => {
      const ids = args.filters?.include?.ids;
      let orders = [...company.orders.values()];
      if (ids) orders = orders.filter((order) => ids.includes(order.id));
      const key = sortKeys[args.sort?.field ?? 'id'];
      if (!key) throw new SandboxGraphqlError(null, `Unknown sort field "${args.sort?.field}"`);
      const direction = args.sort?.direction === 'DESC' ? -1 : 1;
      orders.sort((a, b) => direction * (key(a) - key(b) || Number(a.id) - Number(b.id)));
      const { page, pageInfo } = paginate(orders, args.pagination);
      return { orders: page.map((order) => company.view(order)), pageInfo };
    },
    statusesFetcher: (args: {
      filters?: { include?: { archived?: boolean | null; ids?: string[] | null } };
    }) => {
      const include = args.filters?.include ?? {};
      return {
        statuses: company.config.statuses.filter(
          (status) =>
            (include.archived === undefined ||
              include.archived === null ||
              status.archived === include.archived) &&
            (!include.ids || include.ids.includes(status.id)),
        ),
      };
    },
    fields: () => ({
      orderFieldsFetcher: {
        fields: company.config.fields.map((field) => ({
          __typename: field.type,
          name: field.name,
          label: field.label,
        })),
      },
    }),
    logsFetcher: (args: LogQuery) => company.changeLog.query(args),
    orderMutation: () => ({
      addOrder: ({ input }: { input: AddOrderInput }, _context: CrmContext, info: GraphQLResolveInfo) => {
        const order = company.addOrder(readAddOrderInput(input, variants), {
          at: inputLocation(info),
          logCreation: !variants.includes('logs-without-create'),
        });
        hooks.onCreate(company, order.id);
        return company.view(order);
      },
      updateOrder: (
        { input }: { input: UpdateOrderInput },
        context: CrmContext,
        info: GraphQLResolveInfo,
      ) => {
        const { order, statusChanged } = company.updateOrder(readUpdateOrderInput(input, variants), {
          at: inputLocation(info),
          respectLocks: true,
          lockId: context.lockId,
        });
        if (statusChanged) hooks.onStatusChange(company, order.id);
        return company.view(order);
      },
    }),
    lockMutation: () => ({
      lockEntity: (
        { input }: { input: { entity: { entity: string; id: string }; timeout: number } },
        context: CrmContext,
      ) => company.lockOrder(input.entity.id, input.timeout * 1000, context.lockId),
      unlockEntity: (
        { input }: { input: { entity: { entity: string; id: string } } },
        context: CrmContext,
      ) => {
        const lock = company.lockOf(input.entity.id);
        if (lock && lock.lockId !== context.lockId)
          throw new SandboxGraphqlError(
            'ERR_ORDER_LOCKED',
            `Order ${input.entity.id} is locked by another user`,
          );
        return company.unlockOrder(input.entity.id);
      },
    }),
  };
}
