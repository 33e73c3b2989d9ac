// Reads what LeadBridge needs to know from a company's introspected schema: its input types and log actions.
import {
  buildClientSchema,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  getNamedType,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isObjectType,
} from 'graphql';

/**
 * The name a company goes by in LeadBridge's reports and metrics: `<company_id>@<host of base_url>`
 * (a connection is one company; the cluster host differs between companies, salesrender-api.md).
 */
export function companyKey(target: { baseUrl: string; companyId: string }): string {
  // Asked for on every lead (the schema cache is keyed by it): parse each base URL once.
  let host = hostOf.get(target.baseUrl);
  if (host === undefined) {
    try {
      host = new URL(target.baseUrl).host;
    } catch {
      // A base URL that does not parse still names the company consistently.
      host = target.baseUrl;
    }
    if (hostOf.size > 1000) hostOf.clear();
    hostOf.set(target.baseUrl, host);
  }
  return `${target.companyId}@${host}`;
}

const hostOf = new Map<string, string>();

/** A schema built from an introspection answer; null when the answer is not a usable introspection. */
export function schemaFromIntrospection(introspection: unknown): GraphQLSchema | null {
  try {
    return buildClientSchema(introspection as IntrospectionQuery);
  } catch {
    return null;
  }
}

function rootField(
  schema: GraphQLSchema,
  root: 'query' | 'mutation',
  name: string,
): GraphQLField<unknown, unknown> | null {
  const type = root === 'query' ? schema.getQueryType() : schema.getMutationType();
  return type?.getFields()[name] ?? null;
}

/**
 * The input type of `<root>.<group>.<field>(input:)`, e.g. `orderMutation.addOrder`'s: read from the
 * field's argument, so the fit follows the live schema even if the type were renamed.
 */
export function mutationInputType(
  schema: GraphQLSchema,
  group: string,
  field: string,
  argument = 'input',
): GraphQLInputObjectType | null {
  const groupType = rootField(schema, 'mutation', group)?.type;
  const named = groupType ? getNamedType(groupType) : null;
  if (!named || !isObjectType(named)) return null;
  const arg = named.getFields()[field]?.args.find((candidate) => candidate.name === argument);
  const type = arg ? getNamedType(arg.type) : null;
  return type && isInputObjectType(type) ? type : null;
}

/** The input object type of an input field (unwrapping lists and non-null), or null. */
export function inputFieldType(type: GraphQLInputObjectType, field: string): GraphQLInputObjectType | null {
  const found = type.getFields()[field];
  const named = found ? getNamedType(found.type) : null;
  return named && isInputObjectType(named) ? named : null;
}

/**
 * The live schema's log action value for an order's creation, or null when `logsFetcher` is missing or
 * cannot return creations. The doc shows only `action: UPDATE` [field]; the creation value is looked up
 * among the action enum's values (CREATE, CREATED, ADD, INSERT).
 */
export function logCreationAction(schema: GraphQLSchema): string | null {
  const logs = rootField(schema, 'query', 'logsFetcher');
  const filters = logs?.args.find((arg) => arg.name === 'filters');
  const filterType = filters ? getNamedType(filters.type) : null;
  if (!filterType || !isInputObjectType(filterType)) return null;
  const include = inputFieldType(filterType, 'include');
  const action = include?.getFields().action;
  const actionType = action ? getNamedType(action.type) : null;
  if (!actionType || !isEnumType(actionType)) return null;
  const value = actionType
    .getValues()
    .find((candidate) => /^(CREATE|CREATED|ADD|ADDED|INSERT)$/i.test(candidate.name));
  return value?.name ?? null;
}
