// ANALYZE of one of the tables every lead writes to: fixed texts, one per table.
import { defineStatement, type Statement } from './statement.js';

/**
 * The tables the hot statements read (the audit log is only appended to on those paths, and the
 * largest to sample).
 */
export const statisticsTables = ['leads', 'jobs', 'lead_status_history', 'delivery_attempts'] as const;
export type StatisticsTable = (typeof statisticsTables)[number];

const analyze = (table: StatisticsTable) =>
  defineStatement<Record<string, never>>({
    name: `analyze_${table}`,
    text: `analyze ${table}`,
    values: () => [],
    planEachCall: true,
  });

// Each is exported by name, as every statement of this folder is: the statement registry's spec
// (test/unit/sql-statements.test.ts) finds them among the modules' exports.
export const analyzeLeads = analyze('leads');
export const analyzeJobs = analyze('jobs');
export const analyzeLeadStatusHistory = analyze('lead_status_history');
export const analyzeDeliveryAttempts = analyze('delivery_attempts');

export const analyzeTable: Record<
  StatisticsTable,
  Statement<Record<string, never>, Record<string, unknown>>
> = {
  leads: analyzeLeads,
  jobs: analyzeJobs,
  lead_status_history: analyzeLeadStatusHistory,
  delivery_attempts: analyzeDeliveryAttempts,
};
