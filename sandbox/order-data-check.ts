// Checks order data against the company's fields, as SalesRender does, with errors that name the input path.
// What SalesRender answers for these is unknown [assumed]: an error with no extensions.code, naming the value.
import { groupForType, type SandboxField } from './company-config.js';
import { type OrderData, SandboxGraphqlError } from './sandbox-order.js';

/** Where the checked value came from, for messages like graphql-js's own coercion errors. */
export interface InputLocation {
  /** `Variable "$input"`, `Argument "input"`, or `Value` for programmatic calls. */
  label: string;
  /** Path of the orderData object, e.g. `input.orderData`. */
  path: string;
}

export const programmaticLocation: InputLocation = { label: 'Value', path: 'orderData' };

/** 5 to 15 digits, with only spaces, dots, dashes, brackets and a leading + around them [assumed]. */
export function isValidPhone(value: unknown): boolean {
  if (typeof value !== 'string' || !/^\+?[\d\s().-]+$/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 5 && digits <= 15;
}

const isValidEmail = (value: unknown) =>
  value === null || value === '' || (typeof value === 'string' && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value));

/** Throws a code-less error for an unknown field, a field in the wrong group, a bad phone or email. */
export function checkOrderData(
  fields: SandboxField[],
  data: Partial<OrderData>,
  at: InputLocation = programmaticLocation,
): void {
  for (const [group, entries] of Object.entries(data) as [
    keyof OrderData,
    { field: string; value: unknown }[],
  ][]) {
    (entries ?? []).forEach((entry, index) => {
      const path = `${at.path}.${group}[${index}]`;
      const field = fields.find((candidate) => candidate.name === entry.field);
      if (!field) {
        throw new SandboxGraphqlError(null, `Order field "${entry.field}" not found (at "${path}.field")`);
      }
      const wanted = groupForType[field.type];
      if (wanted !== group) {
        throw new SandboxGraphqlError(
          null,
          `Order field "${entry.field}" is a ${field.type}: its values go in ${wanted}, not ${group} (at "${path}.field")`,
        );
      }
      const invalid = (what: string) =>
        new SandboxGraphqlError(
          null,
          `${at.label} got invalid value ${JSON.stringify(entry.value)} at "${path}.value"; not a valid ${what}`,
        );
      if (group === 'phoneFields' && !isValidPhone(entry.value)) throw invalid('phone number');
      if (group === 'emailFields' && !isValidEmail(entry.value)) throw invalid('email address');
    });
  }
}
