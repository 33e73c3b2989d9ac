// Executes a GraphQL document the way the sandbox's SalesRender modules (CRM, CPA) answer it, errors included.
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  parse,
  type SourceLocation,
  validate,
} from 'graphql';
import { SandboxGraphqlError } from './sandbox-order.js';

export { sandboxSchema, sandboxSchemaFor, sandboxSchemaSdl, schemaVariantNames } from './schema-variants.js';

export interface GraphqlErrorBody {
  message: string;
  locations?: readonly SourceLocation[];
  path?: readonly (string | number)[];
  /** Absent when SalesRender's code is unknown [assumed]. */
  extensions?: { code: string };
}

export interface GraphqlAnswer {
  data?: unknown;
  errors?: GraphqlErrorBody[];
}

/**
 * True when every operation only reads `__schema`/`__type`: SalesRender serves those without a token
 * [official wiki]. Fragments are allowed beside them (graphql-js's own introspection query uses them).
 */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ||
      (definition.kind === Kind.OPERATION_DEFINITION &&
        definition.operation === 'query' &&
        definition.selectionSet.selections.every(
          (selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'),
        )),
  );
}

/** The parsed document, or the syntax error graphql-js raised. */
export function parseQuery(query: string): DocumentNode | GraphQLError {
  try {
    return parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}

/**
 * A document that does not fit the schema (syntax, validation, variable coercion) as graphql-js words it.
 * [assumed] a PHP backend may put no extensions.code on these; `validationErrorCode` puts one there.
 */
export function schemaMismatch(
  errors: readonly GraphQLError[],
  validationErrorCode: string | null,
): GraphqlAnswer {
  return {
    errors: errors.map((error) => ({
      message: error.message,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(validationErrorCode ? { extensions: { code: validationErrorCode } } : {}),
    })),
  };
}

function executionError(error: GraphQLError): GraphqlErrorBody {
  const original = error.originalError;
  const body: GraphqlErrorBody = {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  };
  if (original instanceof SandboxGraphqlError) {
    if (original.code) body.extensions = { code: original.code };
    return body;
  }
  // Anything else is a sandbox bug: say so the way a server's unexpected failure would.
  return { ...body, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

export interface DocumentRun {
  schema: GraphQLSchema;
  document: DocumentNode;
  variables: Record<string, unknown> | undefined;
  rootValue: unknown;
  contextValue?: unknown;
  validationErrorCode: string | null;
}

/** Validates, then executes; errors carry SalesRender's code when it is known, and none otherwise. */
export async function runDocument(run: DocumentRun): Promise<GraphqlAnswer> {
  const validationErrors = validate(run.schema, run.document);
  if (validationErrors.length > 0) return schemaMismatch(validationErrors, run.validationErrorCode);
  const result = await execute({
    schema: run.schema,
    document: run.document,
    rootValue: run.rootValue,
    contextValue: run.contextValue,
    variableValues: run.variables,
  });
  // No `data` at all: the request failed before execution (variables that do not coerce to the input types).
  if (!('data' in result) || result.data === undefined)
    return schemaMismatch(result.errors ?? [], run.validationErrorCode);
  const answer: GraphqlAnswer = { data: result.data ?? null };
  if (result.errors?.length) answer.errors = result.errors.map(executionError);
  return answer;
}
