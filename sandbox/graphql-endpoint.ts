// Executes SalesRender-shaped GraphQL against a sandbox company, including error codes and introspection.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type DocumentNode, execute, type GraphQLError, Kind, parse, validate } from 'graphql';
import { type Company, SandboxGraphqlError } from './company-store.js';

const schemaPath = join(dirname(fileURLToPath(import.meta.url)), 'schema.graphql');
export const sandboxSchemaSdl = readFileSync(schemaPath, 'utf8');
export const sandboxSchema = buildSchema(sandboxSchemaSdl);

export interface GraphqlAnswer {
  data?: unknown;
  errors?: { message: string; extensions: { code: string } }[];
}

/** True when every operation only reads `__schema`/`__type`: SalesRender serves those without a token [official wiki]. */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.operation === 'query' &&
      definition.selectionSet.selections.every(
        (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
      ),
  );
}

export function parseQuery(query: string): DocumentNode | GraphqlAnswer {
  try {
    return parse(query);
  } catch (error) {
    return { errors: [{ message: (error as Error).message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }] };
  }
}

export type StatusChangeListener = (company: Company, orderId: string) => void;

/** Runs a parsed document for one company; `onStatusChange` fires after each real status change. */
export async function runGraphql(
  company: Company,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  onStatusChange: StatusChangeListener,
): Promise<GraphqlAnswer> {
  const validationErrors = validate(sandboxSchema, document);
  if (validationErrors.length > 0) {
    return {
      errors: validationErrors.map((error) => ({
        message: error.message,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      })),
    };
  }
  const rootValue = {
    ordersFetcher: (args: {
      pagination?: { pageNumber: number; pageSize: number };
      filters?: { include?: { ids?: string[]; statusIds?: string[] } };
      sort?: { field: string; direction: 'ASC' | 'DESC' };
    }) => {
      const include = args.filters?.include ?? {};
      let orders = [...company.orders.values()];
      if (include.ids) orders = orders.filter((order) => include.ids?.includes(order.id));
      if (include.statusIds) orders = orders.filter((order) => include.statusIds?.includes(order.statusId));
      const direction = args.sort?.direction === 'DESC' ? -1 : 1;
      orders.sort((a, b) => direction * (Number(a.id) - Number(b.id)));
      const pageSize = Math.max(1, args.pagination?.pageSize ?? 50);
      const pageNumber = Math.max(1, args.pagination?.pageNumber ?? 1);
      const page = orders.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return {
        orders: page.map((order) => company.view(order)),
        pageInfo: { itemsCount: orders.length, pagesCount: Math.ceil(orders.length / pageSize) },
      };
    },
    statusesFetcher: (args: { filters?: { include?: { archived?: boolean; ids?: string[] } } }) => {
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
    orderMutation: () => ({
      addOrder: ({ input }: { input: Parameters<Company['addOrder']>[0] }) =>
        company.view(company.addOrder(input)),
      updateOrder: ({ input }: { input: Parameters<Company['updateOrder']>[0] }) => {
        const { order, statusChanged } = company.updateOrder(input);
        if (statusChanged) onStatusChange(company, order.id);
        return company.view(order);
      },
    }),
  };
  const result = await execute({ schema: sandboxSchema, document, rootValue, variableValues: variables });
  const answer: GraphqlAnswer = { data: result.data ?? null };
  if (result.errors?.length) answer.errors = result.errors.map(toSalesRenderError);
  return answer;
}

function toSalesRenderError(error: GraphQLError): { message: string; extensions: { code: string } } {
  const original = error.originalError;
  if (original instanceof SandboxGraphqlError)
    return { message: original.message, extensions: { code: original.code } };
  // Variable coercion failures and the like: SalesRender reports them as bad user input.
  return {
    message: error.message,
    extensions: { code: original ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' },
  };
}
