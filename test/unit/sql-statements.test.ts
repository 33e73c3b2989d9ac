// Every statement of src/db/sql is registered here with an example input, and checked against its own
// text: as many values as parameters, and JSON keys that are exactly the columns the text reads.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createAuditWriter } from '../../src/audit/audit-writer.js';
import { ManualClock } from '../../src/clock.js';
import type { NewJob } from '../../src/db/queue/new-job.js';
import { analyzeTable, statisticsTables } from '../../src/db/sql/analyze-table.js';
import { claimJobs } from '../../src/db/sql/claim-jobs.js';
import { claimRateLimitTokens } from '../../src/db/sql/claim-rate-limit-tokens.js';
import { completeJobWithAudit } from '../../src/db/sql/complete-job-with-audit.js';
import { countFlaggedLeads } from '../../src/db/sql/count-flagged-leads.js';
import { countLeadsByCampaignAndLabel } from '../../src/db/sql/count-leads-by-campaign-and-label.js';
import { countLeadsByDay } from '../../src/db/sql/count-leads-by-day.js';
import { countPostbackRefusals } from '../../src/db/sql/count-postback-refusals.js';
import { countPostbacksByOutcome } from '../../src/db/sql/count-postbacks-by-outcome.js';
import { countUnfinishedJobs } from '../../src/db/sql/count-unfinished-jobs.js';
import { findCampaignByAlias } from '../../src/db/sql/find-campaign-by-alias.js';
import { findCampaignById } from '../../src/db/sql/find-campaign-by-id.js';
import { findClientByKey } from '../../src/db/sql/find-client-by-key.js';
import { findCompanySchema } from '../../src/db/sql/find-company-schema.js';
import { findLeadByClickId } from '../../src/db/sql/find-lead-by-click-id.js';
import { findLeadById } from '../../src/db/sql/find-lead-by-id.js';
import { findLeadByIdempotencyKey } from '../../src/db/sql/find-lead-by-idempotency-key.js';
import { findLeadByOrderId } from '../../src/db/sql/find-lead-by-order-id.js';
import { findPartnerCpaToken } from '../../src/db/sql/find-partner-cpa-token.js';
import { findPartnerLead } from '../../src/db/sql/find-partner-lead.js';
import { findPartnerPayouts } from '../../src/db/sql/find-partner-payouts.js';
import { findPostbackEndpoint } from '../../src/db/sql/find-postback-endpoint.js';
import { holdJob } from '../../src/db/sql/hold-job.js';
import { holdPostbackBehindOlder } from '../../src/db/sql/hold-postback-behind-older.js';
import { insertAuditRows } from '../../src/db/sql/insert-audit-rows.js';
import { insertJob } from '../../src/db/sql/insert-job.js';
import { listCampaignIdsOfCompany } from '../../src/db/sql/list-campaign-ids-of-company.js';
import { listCampaigns } from '../../src/db/sql/list-campaigns.js';
import { listConnections } from '../../src/db/sql/list-connections.js';
import { listLeadStatusHistory } from '../../src/db/sql/list-lead-status-history.js';
import { listLeadTimeline } from '../../src/db/sql/list-lead-timeline.js';
import { listLeadsToReconcile } from '../../src/db/sql/list-leads-to-reconcile.js';
import { listPartnerEndpoints } from '../../src/db/sql/list-partner-endpoints.js';
import { listPartnerLeadsByClickId } from '../../src/db/sql/list-partner-leads-by-click-id.js';
import { listPostbacks } from '../../src/db/sql/list-postbacks.js';
import { listSchemaChecks } from '../../src/db/sql/list-schema-checks.js';
import { lockInlineLead } from '../../src/db/sql/lock-inline-lead.js';
import { markCreateInDoubt } from '../../src/db/sql/mark-create-in-doubt.js';
import { markLeadsReconciled } from '../../src/db/sql/mark-leads-reconciled.js';
import { markPossibleDuplicate } from '../../src/db/sql/mark-possible-duplicate.js';
import { notifyJobs } from '../../src/db/sql/notify-jobs.js';
import { openCapCounter } from '../../src/db/sql/open-cap-counter.js';
import { pingDatabase } from '../../src/db/sql/ping-database.js';
import { postbackOrder } from '../../src/db/sql/postback-order.js';
import {
  queueOrderRefreshForCampaign,
  queueOrderRefreshForConnection,
} from '../../src/db/sql/queue-order-refresh.js';
import { findCampaignCheck, recordCampaignCheck } from '../../src/db/sql/record-campaign-check.js';
import { recordJobOutcome } from '../../src/db/sql/record-job-outcome.js';
import { recordOrderCreatedByJob } from '../../src/db/sql/record-order-created-by-job.js';
import { type CreatedOrder, recordOrdersCreated } from '../../src/db/sql/record-orders-created.js';
import { recordPostbackAttempt } from '../../src/db/sql/record-postback-attempt.js';
import { recordSchemaCheck } from '../../src/db/sql/record-schema-check.js';
import { recordStatusChange } from '../../src/db/sql/record-status-change.js';
import { recordStatusObservation } from '../../src/db/sql/record-status-observation.js';
import { recordedPayouts } from '../../src/db/sql/recorded-payouts.js';
import { releaseAbandonedInlineLeads } from '../../src/db/sql/release-abandoned-inline-leads.js';
import { releaseCapSlot } from '../../src/db/sql/release-cap-slot.js';
import { releaseHeldLeads } from '../../src/db/sql/release-held-leads.js';
import { renewLeases } from '../../src/db/sql/renew-leases.js';
import { replayPostbacks } from '../../src/db/sql/replay-postbacks.js';
import { retryPostback } from '../../src/db/sql/retry-postback.js';
import { saveCompanySchema } from '../../src/db/sql/save-company-schema.js';
import { setLeadAfterFailure } from '../../src/db/sql/set-lead-after-failure.js';
import type { Statement } from '../../src/db/sql/statement.js';
import { storeLeads } from '../../src/db/sql/store-leads.js';
import { summarizeSalesRenderCalls } from '../../src/db/sql/summarize-salesrender-calls.js';
import { supersedePostback } from '../../src/db/sql/supersede-postback.js';
import { sweepExpiredLeases } from '../../src/db/sql/sweep-expired-leases.js';
import { sweepRateLimitWindows } from '../../src/db/sql/sweep-rate-limit-windows.js';
import { tablesBehindOnStatistics } from '../../src/db/sql/tables-behind-on-statistics.js';
import { queuedLeadRow } from '../../src/leads/lead-repository.js';
import { example, recordsetColumns, statementProblems } from '../support/statement-check.js';

const at = new Date('2026-11-26T09:00:00Z');
const audit = createAuditWriter(new ManualClock(at));
const auditRows = audit.batchJson([
  { entry: { event: 'lead.accepted', requestId: 'req_1', leadId: 'lead_1', detail: {} }, onlyIfIn: 'lead_1' },
]);
const job = { id: 'job_1', lockedBy: 'worker_1' };
const postback: NewJob<'postback'> = {
  id: 'job_pb',
  kind: 'postback',
  campaignId: 'cmp_1',
  leadId: 'lead_1',
  payload: { endpoint_id: 'pbe_1' } as NewJob<'postback'>['payload'],
  maxAttempts: 8,
  runAt: at,
  dedupeKey: 'postback:lead_1:1',
  claimFor: { workerId: 'worker_1', leaseUntil: at },
};
const order: CreatedOrder = {
  leadId: 'lead_1',
  orderId: '900001',
  statusId: '1',
  label: 'pending',
  at,
  payout: { minor: 500, currency: 'EUR' },
  postbacks: [postback],
};
const postbackFilter = {
  campaignId: 'cmp_1',
  endpointId: null,
  leadId: null,
  triedOnly: false,
  states: ['failed' as const],
  createdFrom: at,
  createdBefore: null,
};
const outcome = { state: 'pending' as const, error: 'down', httpStatus: 503, nextAttemptAt: at };

const examples = [
  example(claimJobs, { workerId: 'w', now: at, leaseUntil: at, limit: 4, kinds: ['postback'] }),
  example(claimRateLimitTokens, { keyDigest: 'k', windowStart: at, wanted: 2, limit: 10 }),
  example(completeJobWithAudit, { job, at, auditRows }),
  example(countPostbackRefusals, { jobId: 'job_1' }),
  example(findLeadByIdempotencyKey, { partnerId: 'ptn_1', key: 'k-1', auditRows }),
  example(holdJob, { job, at, nextAttemptAt: at, error: 'held' }),
  example(holdPostbackBehindOlder, {
    job: { ...job, leadId: 'lead_1' },
    endpointId: 'pe_1',
    seq: 3,
    at,
    nextAttemptAt: at,
  }),
  example(insertAuditRows, { auditRows }),
  example(insertJob, { job: postback, now: at }),
  example(markCreateInDoubt, { jobId: 'job_1', since: at }),
  example(lockInlineLead, { leadId: 'lead_1' }),
  example(notifyJobs, {}),
  example(openCapCounter, { campaignId: 'cmp_1', day: '2026-11-26', dayStart: at }),
  example(postbackOrder, { jobId: 'job_1', leadId: 'lead_1', endpointId: null, seq: 3, now: at }),
  example(queueOrderRefreshForCampaign, {
    scopeId: 'cmp_1',
    orderId: '900001',
    job: postback,
    now: at,
    auditRows,
  }),
  example(queueOrderRefreshForConnection, {
    scopeId: 'con_1',
    orderId: '900001',
    job: postback,
    now: at,
    auditRows,
  }),
  example(recordJobOutcome, { job, at, outcome }),
  example(recordOrderCreatedByJob, { order, job, auditRows }),
  example(recordOrdersCreated, { orders: [order], auditRows }),
  example(recordPostbackAttempt, {
    job,
    sequence: { leadId: 'lead_1', endpointId: null, seq: 2 },
    at,
    outcome,
    attempt: {
      number: 1,
      method: 'GET',
      url: 'https://t.example/pb',
      latencyMs: 12,
      responseHead: '',
      error: 'down',
    },
    auditRows,
  }),
  example(recordStatusChange, {
    leadId: 'lead_1',
    statusId: '2',
    label: 'approved',
    comment: null,
    changedAt: at,
    at,
    historyId: 7,
    payout: null,
    postbacks: [postback],
    auditRows,
    wake: false,
  }),
  example(recordStatusObservation, {
    leadId: 'lead_1',
    statusId: '2',
    label: 'approved',
    comment: null,
    source: 'webhook',
    changedAt: at,
    recordedAt: at,
    finishJob: { ...job, at },
    auditRows,
  }),
  example(recordedPayouts, { leadIds: ['lead_1'] }),
  example(releaseAbandonedInlineLeads, { now: at, limit: 500 }),
  example(releaseHeldLeads, { campaignIds: ['cmp_1'], now: at }),
  example(releaseCapSlot, { campaignId: 'cmp_1', partnerId: 'ptn_1', day: '2026-11-26' }),
  example(renewLeases, { workerId: 'w', jobIds: ['job_1'], leaseUntil: at }),
  example(storeLeads, {
    leads: [
      {
        lead: queuedLeadRow({ id: 'lead_1', campaignId: 'cmp_1', phone: '+79130000001' }, at),
        since: at,
        phoneCampaignIds: ['cmp_1'],
        ipSince: null,
        caps: { day: '2026-11-26', daily: 10, total: null, partnerDaily: null, partnerTotal: null },
      },
    ],
    auditRows,
  }),
  example(supersedePostback, {
    job: { ...job, leadId: 'lead_1' },
    endpointId: null,
    seq: 3,
    at,
    reason: 'newer',
    auditRows,
  }),
  example(sweepExpiredLeases, { now: at }),
  example(findCompanySchema, { company: 'https://sr.example|1', module: 'CRM' }),
  example(saveCompanySchema, {
    company: 'https://sr.example|1',
    module: 'CRM',
    baseUrl: 'https://sr.example',
    companyId: '1',
    introspection: {},
    fetchedAt: at,
  }),
  example(listSchemaChecks, {}),
  example(recordSchemaCheck, {
    company: 'https://sr.example|1',
    module: 'CRM',
    baseUrl: 'https://sr.example',
    companyId: '1',
    checkedAt: at,
    ok: true,
    problems: [],
  }),
  example(recordCampaignCheck, { campaignId: 'cmp_1', checkedAt: at, ok: true, problems: [], leftOut: [] }),
  example(findCampaignCheck, { campaignId: 'cmp_1' }),
  example(listLeadsToReconcile, {
    campaignId: 'cmp_1',
    createdAfter: at,
    finalWords: ['approved'],
    finalChangedAfter: null,
    finalReadBefore: at,
  }),
  example(markLeadsReconciled, { leadIds: ['lead_1'], at, finalWords: ['approved'] }),
  example(markPossibleDuplicate, { leadId: 'lead_1', at }),
  example(sweepRateLimitWindows, { before: at }),
  example(findCampaignByAlias, { alias: 'demo' }),
  example(findCampaignById, { id: 'cmp_1' }),
  example(listCampaigns, {}),
  example(listCampaignIdsOfCompany, { baseUrl: 'https://sr.example', companyId: '1' }),
  example(listConnections, {}),
  example(findClientByKey, { keyHash: 'digest' }),
  example(findPartnerCpaToken, { partnerId: 'ptn_1', campaignId: 'cmp_1' }),
  example(findPartnerPayouts, { partnerId: 'ptn_1', campaignId: 'cmp_1' }),
  example(findPostbackEndpoint, { id: 'pbe_1' }),
  example(listPartnerEndpoints, { partnerId: 'ptn_1' }),
  example(findLeadById, { id: 'lead_1' }),
  example(findLeadByClickId, { campaignId: 'cmp_1', clickId: 'click-1' }),
  example(findLeadByOrderId, { orderId: '900001', campaignIds: ['cmp_1'] }),
  example(findPartnerLead, { partnerId: 'ptn_1', leadId: 'lead_1' }),
  example(listPartnerLeadsByClickId, { partnerId: 'ptn_1', clickId: 'click-1', campaignIds: ['cmp_1'] }),
  example(listLeadStatusHistory, { leadId: 'lead_1' }),
  example(listPostbacks, { filter: postbackFilter, limit: 100 }),
  example(retryPostback, { id: 'job_1', now: at }),
  example(replayPostbacks, { filter: postbackFilter, now: at }),
  example(countLeadsByCampaignAndLabel, { from: at, to: at }),
  example(countLeadsByDay, { from: at, to: at, campaignId: 'cmp_1' }),
  example(countFlaggedLeads, { from: at, to: at, campaignId: null }),
  example(countPostbacksByOutcome, { from: at, to: at }),
  example(summarizeSalesRenderCalls, { from: at, to: at }),
  example(listLeadTimeline, { leadId: 'lead_1' }),
  example(countUnfinishedJobs, {}),
  example(pingDatabase, {}),
  example(tablesBehindOnStatistics, {
    tables: statisticsTables,
    minRows: 1000,
    growth: 4,
    maxCounted: 100_000,
  }),
  ...Object.values(analyzeTable).map((statement) => example(statement, {})),
  example(setLeadAfterFailure, {
    leadId: 'lead_1',
    state: 'failed',
    errorCode: 'SR_REJECTED',
    errorMessage: 'rejected',
    now: at,
  }),
] as { statement: Statement<unknown, unknown>; example: unknown }[];

/** Every Statement exported by a file of src/db/sql. */
async function definedStatements(): Promise<Statement<unknown, unknown>[]> {
  const folder = fileURLToPath(new URL('../../src/db/sql/', import.meta.url));
  const found: Statement<unknown, unknown>[] = [];
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
    const exports = (await import(`${folder}${file}`)) as Record<string, unknown>;
    for (const value of Object.values(exports)) {
      const candidate = value as Partial<Statement<unknown, unknown>> | null;
      if (
        candidate &&
        typeof candidate === 'object' &&
        typeof candidate.text === 'string' &&
        candidate.values
      )
        found.push(candidate as Statement<unknown, unknown>);
    }
  }
  return found;
}

describe('the statements of src/db/sql', () => {
  it('are all registered here, under names no two share', async () => {
    const registered = new Set(examples.map(({ statement }) => statement));
    const defined = await definedStatements();
    const unregistered = defined.filter((statement) => !registered.has(statement));
    expect(unregistered.map((statement) => statement.name)).toEqual([]);
    expect(defined).toHaveLength(examples.length);
    const names = examples.map(({ statement }) => statement.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(examples.map((entry) => [entry.statement.name, entry] as const))(
    '%s: values fill its parameters, and JSON keys and columns agree',
    (_, { statement, example: input }) => {
      expect(statementProblems(statement, input)).toEqual([]);
    },
  );
});

describe('the checker', () => {
  const renamed = {
    ...recordOrdersCreated,
    values: (input: Parameters<typeof recordOrdersCreated.values>[0]) =>
      recordOrdersCreated
        .values(input)
        .map((value, index) => (index === 0 ? String(value).replaceAll('"order_id"', '"orderId"') : value)),
  };

  it('reads the column list of each recordset', () => {
    expect(
      recordsetColumns('select * from json_to_recordset($2::json) as row (id text, at timestamptz)'),
    ).toEqual([{ param: 2, columns: ['id', 'at'] }]);
  });

  it('fails when a key and a column drift apart', () => {
    expect(statementProblems(renamed, { orders: [order], auditRows })).toEqual([
      'record_orders_created: $1 has no key "order_id"',
      `record_orders_created: $1's key "orderId" names no column`,
    ]);
  });
});
