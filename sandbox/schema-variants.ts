// The CRM schema the sandbox serves: the default SDL, and variants of it where salesrender-api.md says [assumed].
// Each variant is a small patch of the default SDL's AST, so a test can run LeadBridge against the other answer.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildASTSchema,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  Kind,
  parse,
  visit,
} from 'graphql';

export const schemaVariantNames = [
  /** AddOrderInput has no webmasterId/offerId; `lead: OrderLeadInput {webmasterId!, offerId!, externalId}` instead. */
  'nested-lead',
  /** SourceInput has subid_1 and subid_2 only. */
  'no-subid-3-10',
  /** The address input value says `country`, as the read side does, instead of `countryCode`. */
  'address-country',
  /** No logsFetcher (nor its types) at all. */
  'no-logs',
  /** logsFetcher exists, but LogAction has no CREATE and creations are not logged. */
  'logs-without-create',
] as const;
export type SchemaVariant = (typeof schemaVariantNames)[number];

const here = dirname(fileURLToPath(import.meta.url));
export const sandboxSchemaSdl = readFileSync(join(here, 'schema.graphql'), 'utf8');
const defaultDocument = parse(sandboxSchemaSdl);

/** Input fields parsed from SDL text, to splice into an existing input type. */
function inputFieldsOf(sdl: string): readonly InputValueDefinitionNode[] {
  const definition = parse(sdl).definitions[0];
  if (definition?.kind !== Kind.INPUT_OBJECT_TYPE_DEFINITION) throw new Error('expected an input type');
  return definition.fields ?? [];
}

function patchInput(
  document: DocumentNode,
  typeName: string,
  patch: (fields: readonly InputValueDefinitionNode[]) => readonly InputValueDefinitionNode[],
): DocumentNode {
  return visit(document, {
    InputObjectTypeDefinition: (node) =>
      node.name.value === typeName ? { ...node, fields: patch(node.fields ?? []) } : undefined,
  });
}

const withoutInputFields = (names: string[]) => (fields: readonly InputValueDefinitionNode[]) =>
  fields.filter((field) => !names.includes(field.name.value));

function withoutTypes(document: DocumentNode, names: string[]): DocumentNode {
  const definitions = document.definitions.filter(
    (definition) => !('name' in definition && definition.name && names.includes(definition.name.value)),
  );
  return { ...document, definitions };
}

function withTypes(document: DocumentNode, sdl: string): DocumentNode {
  const added: DefinitionNode[] = [...parse(sdl).definitions];
  return { ...document, definitions: [...document.definitions, ...added] };
}

const logTypeNames = [
  'LogSearchFilter',
  'LogSearchFilterInclude',
  'DateTimeRange',
  'LogEntityFilter',
  'LogSort',
  'LogSortField',
  'LogAction',
  'LogsFetcher',
  'Log',
  'LogEntity',
];

const patches: Record<SchemaVariant, (document: DocumentNode) => DocumentNode> = {
  'nested-lead': (document) =>
    withTypes(
      patchInput(document, 'AddOrderInput', (fields) => [
        ...withoutInputFields(['webmasterId', 'offerId'])(fields),
        ...inputFieldsOf('input X { lead: OrderLeadInput }'),
      ]),
      'input OrderLeadInput { webmasterId: ID!, offerId: ID!, externalId: String }',
    ),
  'no-subid-3-10': (document) =>
    patchInput(
      document,
      'SourceInput',
      withoutInputFields(Array.from({ length: 8 }, (_, index) => `subid_${index + 3}`)),
    ),
  'address-country': (document) =>
    patchInput(document, 'AddressInput', (fields) =>
      fields.map((field) =>
        field.name.value === 'countryCode' ? { ...field, name: { ...field.name, value: 'country' } } : field,
      ),
    ),
  'no-logs': (document) =>
    withoutTypes(
      visit(document, {
        ObjectTypeDefinition: (node) =>
          node.name.value === 'Query'
            ? { ...node, fields: node.fields?.filter((field) => field.name.value !== 'logsFetcher') }
            : undefined,
      }),
      logTypeNames,
    ),
  'logs-without-create': (document) =>
    visit(document, {
      EnumTypeDefinition: (node) =>
        node.name.value === 'LogAction'
          ? { ...node, values: node.values?.filter((value) => value.name.value !== 'CREATE') }
          : undefined,
    }),
};

/** Checks and orders variant names (unknown names throw), so equal sets share one cached schema. */
export function normaliseVariants(variants: readonly string[]): SchemaVariant[] {
  for (const name of variants) {
    if (!(schemaVariantNames as readonly string[]).includes(name)) {
      throw new Error(`unknown schema variant "${name}"; known: ${schemaVariantNames.join(', ')}`);
    }
  }
  return schemaVariantNames.filter((name) => variants.includes(name));
}

const cache = new Map<string, GraphQLSchema>();

/** The CRM schema with these variants applied (none: the default schema.graphql). */
export function sandboxSchemaFor(variants: readonly string[] = []): GraphQLSchema {
  const names = normaliseVariants(variants);
  const key = names.join(',');
  let schema = cache.get(key);
  if (!schema) {
    schema = buildASTSchema(names.reduce((document, name) => patches[name](document), defaultDocument));
    cache.set(key, schema);
  }
  return schema;
}

/** The default CRM schema. */
export const sandboxSchema = sandboxSchemaFor([]);
