// A `leads` row as the intake builds it, for tests that store leads below the HTTP layer.
import type { LeadRow } from '../../src/leads/lead-repository.js';

/** A queued lead created at `at` with no order yet; `fields` override any column. */
export function queuedLeadRow(
  fields: Pick<LeadRow, 'id' | 'campaignId' | 'phone'> & Partial<LeadRow>,
  at: Date,
): LeadRow {
  return {
    partnerId: null,
    state: 'queued',
    clickId: null,
    idempotencyKey: null,
    name: null,
    country: 'RU',
    ip: null,
    userAgent: null,
    subs: {},
    extras: {},
    orderId: null,
    statusId: null,
    label: null,
    comment: null,
    errorCode: null,
    errorMessage: null,
    statusChangedAt: null,
    inlineLeaseUntil: null,
    createdAt: at,
    updatedAt: at,
    ...fields,
  };
}
