// Fits the inputs LeadBridge builds from the fact sheet's shapes to a company's live input types.
import {
  coerceInputValue,
  type GraphQLInputObjectType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isNonNullType,
} from 'graphql';
import type { SchemaProblem } from '../schema-problem.js';
import type { LeadValue } from './errors.js';
import { inputFieldType, mutationInputType } from './live-schema.js';

export interface FittedInput {
  input: Record<string, unknown>;
  /** Input paths as they would have been sent, left out because the live input type lacks them. */
  leftOut: string[];
  /** Why the input cannot be sent as fitted (coercion errors, attribution that cannot be placed). */
  problems: SchemaProblem[];
}

type Entry = { field: string; value: unknown };
const attributionKeys = ['webmasterId', 'offerId'] as const;

/** Keeps the `orderData` groups (and address keys) the live type has; names what it leaves out. */
function fitOrderData(
  orderData: Record<string, Entry[]>,
  type: GraphQLInputObjectType | null,
  leftOut: string[],
): Record<string, Entry[]> {
  if (!type) {
    for (const [group, entries] of Object.entries(orderData))
      for (const entry of entries) leftOut.push(`orderData.${group}.${entry.field}`);
    return {};
  }
  const fitted: Record<string, Entry[]> = {};
  for (const [group, entries] of Object.entries(orderData)) {
    const groupType = inputFieldType(type, group);
    if (!groupType) {
      for (const entry of entries) leftOut.push(`orderData.${group}.${entry.field}`);
      continue;
    }
    fitted[group] = entries.map((entry) => fitAddressValue(group, entry, groupType, leftOut));
  }
  return fitted;
}

/**
 * The address input key for the country is `countryCode` [field], while the read side now says
 * `country` [official]: whichever the live input has is used.
 */
function fitAddressValue(
  group: string,
  entry: Entry,
  groupType: GraphQLInputObjectType,
  leftOut: string[],
): Entry {
  const valueType = inputFieldType(groupType, 'value');
  if (!valueType || !entry.value || typeof entry.value !== 'object') return entry;
  const fields = valueType.getFields();
  const value: Record<string, unknown> = {};
  for (const [key, part] of Object.entries(entry.value as Record<string, unknown>)) {
    const target = key === 'countryCode' && !fields.countryCode && fields.country ? 'country' : key;
    if (fields[target]) value[target] = part;
    else leftOut.push(`orderData.${group}.${entry.field}.${key}`);
  }
  return { field: entry.field, value };
}

/**
 * Where lead attribution goes: top-level `webmasterId`/`offerId` when the input has them; otherwise the
 * input-object field whose type has both (preferring a name with `lead` or `cpa` when several do). Where
 * SalesRender wants them is shown nowhere (salesrender-api.md [assumed]); the live schema answers it.
 */
function placeAttribution(
  type: GraphQLInputObjectType,
  attribution: Record<string, unknown>,
  fitted: Record<string, unknown>,
  leftOut: string[],
  problems: SchemaProblem[],
): void {
  const keys = attributionKeys.filter((key) => attribution[key] !== undefined);
  if (keys.length === 0) return;
  const fields = type.getFields();
  if (keys.every((key) => fields[key])) {
    for (const key of keys) fitted[key] = attribution[key];
    return;
  }
  const holders = Object.values(fields).filter((field) => {
    const named = getNamedType(field.type);
    return isInputObjectType(named) && attributionKeys.every((key) => named.getFields()[key]);
  });
  const preferred = holders.length > 1 ? holders.filter((field) => /lead|cpa/i.test(field.name)) : holders;
  const holder = preferred.length === 1 ? preferred[0] : undefined;
  if (!holder) {
    for (const key of keys) leftOut.push(key);
    problems.push({
      kind: 'attribution',
      severity: 'warning',
      message:
        holders.length === 0
          ? 'AddOrderInput has no webmasterId/offerId, at the top level or in a nested object: orders are created without lead attribution'
          : `AddOrderInput has several objects with webmasterId/offerId (${holders.map((field) => field.name).join(', ')}): attribution is not sent`,
      path: 'webmasterId',
    });
    return;
  }
  const holderType = getNamedType(holder.type) as GraphQLInputObjectType;
  const unfillable = Object.values(holderType.getFields()).filter(
    (field) =>
      isNonNullType(field.type) &&
      field.defaultValue === undefined &&
      !(attributionKeys as readonly string[]).includes(field.name),
  );
  if (unfillable.length > 0) {
    for (const key of keys) leftOut.push(`${holder.name}.${key}`);
    problems.push({
      kind: 'attribution',
      severity: 'warning',
      message: `AddOrderInput.${holder.name} also requires ${unfillable.map((field) => field.name).join(', ')}, which LeadBridge cannot fill: attribution is not sent`,
      path: holder.name,
    });
    return;
  }
  fitted[holder.name] = Object.fromEntries(keys.map((key) => [key, attribution[key]]));
}

/**
 * The shape of an input: its keys and the JS type of each value, not the values. What LeadBridge sends
 * takes its value types from how it is built (strings for lead data, numbers from the campaign's cart),
 * so inputs of one shape coerce alike: the intake coerces each shape once per schema (coercion is most
 * of a fit's cost, about 30 µs a lead) and reuses the answer.
 */
function shapeOf(value: unknown): string {
  // Built by appending, not with entries/map/join: this runs on every lead, and their arrays were most of
  // what it allocated. (A sparse array's holes read as undefined: the shape is only a cache key.)
  if (Array.isArray(value)) {
    let shape = '[';
    for (let index = 0; index < value.length; index++) shape += `${index ? ',' : ''}${shapeOf(value[index])}`;
    return `${shape}]`;
  }
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let shape = '{';
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      shape += `${shape.length > 1 ? ',' : ''}${key}:${shapeOf(record[key])}`;
    }
    return `${shape}}`;
  }
  return value === null ? 'null' : typeof value;
}

const coercedShapes = new WeakMap<GraphQLInputObjectType, Map<string, SchemaProblem[]>>();

/** `coercionProblems`, answered from the shape's earlier coercion against the same live type. */
function coercionProblemsOfShape(
  value: unknown,
  type: GraphQLInputObjectType,
  what: string,
): SchemaProblem[] {
  let shapes = coercedShapes.get(type);
  if (!shapes) {
    shapes = new Map();
    coercedShapes.set(type, shapes);
  }
  const shape = shapeOf(value);
  let problems = shapes.get(shape);
  if (!problems) {
    if (shapes.size >= 1000) shapes.clear();
    problems = coercionProblems(value, type, what);
    shapes.set(shape, problems);
  }
  return problems;
}

/** Coerces `value` against `type` as SalesRender will (graphql-js `coerceInputValue`); each error is a problem. */
export function coercionProblems(
  value: unknown,
  type: GraphQLInputObjectType,
  what: string,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  coerceInputValue(value, type, (path, _invalid, error) => {
    const at = path.length > 0 ? ` at "${path.join('.')}"` : '';
    problems.push({
      kind: 'input_coercion',
      severity: 'error',
      message: `${what}${at}: ${error.message}`,
      ...(path.length > 0 ? { path: path.join('.') } : {}),
    });
  });
  return problems;
}

/**
 * Fits an `AddOrderInput` built to the fact sheet's shape to the live schema: `source` keys and
 * `orderData` groups the live type lacks are left out (and named), attribution is placed where the live
 * type has it, and the result is coerced against the live type. Without a schema it is sent as built.
 */
export function fitAddOrderInput(schema: GraphQLSchema | null, built: Record<string, unknown>): FittedInput {
  const leftOut: string[] = [];
  const problems: SchemaProblem[] = [];
  const type = schema ? mutationInputType(schema, 'orderMutation', 'addOrder') : null;
  if (!schema) return { input: built, leftOut, problems };
  if (!type) {
    problems.push({
      kind: 'document',
      severity: 'error',
      message: 'The live schema has no orderMutation.addOrder(input:) to create orders with',
    });
    return { input: built, leftOut, problems };
  }
  const fields = type.getFields();
  const fitted: Record<string, unknown> = {};
  const attribution: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(built)) {
    if ((attributionKeys as readonly string[]).includes(key)) {
      attribution[key] = value;
    } else if (key === 'source') {
      const sourceType = inputFieldType(type, 'source');
      const source: Record<string, unknown> = {};
      for (const [sourceKey, sourceValue] of Object.entries(value as Record<string, unknown>)) {
        if (sourceType?.getFields()[sourceKey]) source[sourceKey] = sourceValue;
        else leftOut.push(`source.${sourceKey}`);
      }
      if (Object.keys(source).length > 0) fitted.source = source;
    } else if (key === 'orderData') {
      fitted.orderData = fitOrderData(
        value as Record<string, Entry[]>,
        inputFieldType(type, 'orderData'),
        leftOut,
      );
    } else {
      // statusId, projectId, cart: not the lead's data; a live type without them fails coercion below.
      fitted[key] = value;
    }
  }
  if (!fields.orderData) delete fitted.orderData;
  const keysLeftOut = leftOut.length;
  placeAttribution(type, attribution, fitted, leftOut, problems);
  // Attribution left out is reported once, by placeAttribution, with its reason.
  for (const path of leftOut.slice(0, keysLeftOut)) {
    problems.push({
      kind: 'input_left_out',
      severity: 'warning',
      message: `${path}: the live ${type.name} has no such key; the value is kept in LeadBridge but not sent`,
      path,
    });
  }
  problems.push(...coercionProblemsOfShape(fitted, type, type.name));
  return { input: fitted, leftOut, problems };
}

/**
 * Fits an `UpdateOrderInput` (`{id, statusId, orderData?}`): the comment's group is left out when the
 * live type cannot take it (an older schema's updateOrder took orderData [assumed]).
 */
export function fitUpdateOrderInput(
  schema: GraphQLSchema | null,
  built: Record<string, unknown>,
): FittedInput {
  const leftOut: string[] = [];
  const problems: SchemaProblem[] = [];
  const type = schema ? mutationInputType(schema, 'orderMutation', 'updateOrder') : null;
  if (!schema) return { input: built, leftOut, problems };
  if (!type) {
    problems.push({
      kind: 'document',
      severity: 'error',
      message: 'The live schema has no orderMutation.updateOrder(input:) to change orders with',
    });
    return { input: built, leftOut, problems };
  }
  const fitted: Record<string, unknown> = { ...built };
  if (built.orderData) {
    const orderData = fitOrderData(
      built.orderData as Record<string, Entry[]>,
      inputFieldType(type, 'orderData'),
      leftOut,
    );
    if (Object.keys(orderData).length > 0) fitted.orderData = orderData;
    else delete fitted.orderData;
  }
  for (const path of leftOut) {
    problems.push({
      kind: 'input_left_out',
      severity: 'warning',
      message: `${path}: the live ${type.name} has no such key; the value is not sent`,
      path,
    });
  }
  problems.push(...coercionProblems(fitted, type, type.name));
  return { input: fitted, leftOut, problems };
}

/** The values in an AddOrderInput that came from the lead, by input path, for telling whose fault a refusal is. */
export function leadValuesOf(input: Record<string, unknown>): LeadValue[] {
  const values: LeadValue[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string') values.push({ path, value });
    else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`);
    } else if (value && typeof value === 'object')
      for (const [key, part] of Object.entries(value)) visit(part, path ? `${path}.${key}` : key);
  };
  const orderData = (input.orderData ?? {}) as Record<string, Entry[]>;
  for (const [group, entries] of Object.entries(orderData))
    for (const [index, entry] of entries.entries()) visit(entry.value, `orderData.${group}[${index}].value`);
  visit(input.source ?? {}, 'source');
  return values;
}
