// Whose fault a SalesRender refusal is: the lead's (422, not retried), the operator's (held), or nobody's (retried).
import { describe, expect, it } from 'vitest';
import { errorFromGraphqlErrors, type LeadValue } from '../../src/salesrender/errors.js';

const leadValues: LeadValue[] = [
  { path: 'orderData.phoneFields[0].value', value: '12' },
  { path: 'orderData.humanNameFields[0].value.firstName', value: 'Ivan' },
  { path: 'source.subid_1', value: 'click-77' },
];
const classify = (message: string, code?: string) =>
  errorFromGraphqlErrors([{ message, ...(code ? { extensions: { code } } : {}) }], 200, leadValues)?.code;

describe('a SalesRender GraphQL error is classified', () => {
  it('as the lead own refusal when a coercion error points at one of its values', () => {
    expect(
      classify(
        'Variable "$input" got invalid value "12" at "input.orderData.phoneFields[0].value"; not a valid phone number',
      ),
    ).toBe('SR_REJECTED');
  });

  it('as the lead own refusal when the message quotes one of its values', () => {
    expect(classify('Phone "click-77" is invalid')).toBe('SR_REJECTED');
  });

  it('as a schema fault when an input key is not in the live type, although the message shows lead values', () => {
    expect(
      classify(
        'Variable "$input" got invalid value { subid_1: "click-77", subid_4: "x" } at "input.source"; Field "subid_4" is not defined by type "SourceInput".',
      ),
    ).toBe('SR_SCHEMA_FAULT');
  });

  it('as a schema fault for a document that does not fit (no code at all)', () => {
    expect(classify('Field "ip" of type "SourceIp" must have a selection of subfields.')).toBe(
      'SR_SCHEMA_FAULT',
    );
  });

  it('as a schema fault for an unknown order field, which names our configuration, not the lead', () => {
    expect(classify('Unknown order field "mobile_phone"')).toBe('SR_SCHEMA_FAULT');
  });

  it('as a schema fault for a code the fact sheet does not list', () => {
    expect(classify('Something', 'BAD_USER_INPUT')).toBe('SR_SCHEMA_FAULT');
  });

  it('as permanent for the known status and validator codes', () => {
    for (const code of [
      'ERR_ORDER_STATUS_NOT_FOUND',
      'ERR_ORDER_STATUS_ARCHIVED',
      'ERR_ORDER_STATUS_MOVE_RESTRICTION',
      'ERR_ORDER_VALIDATION_FAILED',
    ])
      expect(classify('Refused', code)).toBe('SR_REJECTED');
  });

  it('as transient for a lock held by someone else, and for internal errors', () => {
    const locked = errorFromGraphqlErrors(
      [{ message: 'Locked', extensions: { code: 'ERR_ORDER_LOCKED' } }],
      200,
    );
    expect(locked?.code).toBe('SR_ORDER_LOCKED');
    expect(locked?.transient).toBe(true);
    expect(classify('Internal error', 'INTERNAL_SERVER_ERROR')).toBe('SR_UNAVAILABLE');
  });
});
