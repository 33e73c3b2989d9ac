// Everything that happened to one lead, in order: its raw request, the GraphQL sent and answered,
// every status change with its comment, every postback attempt with the tracker's answer.
import type { Executor } from '../db/connection.js';
import { type LeadTimelineRow, listLeadTimeline } from '../db/sql/list-lead-timeline.js';
import { executeSql } from '../db/sql/statement.js';

export type TimelineEntry = LeadTimelineRow;

/**
 * The lead's own audit rows plus the rows of the same requests (a webhook's raw request is audited
 * before anyone knows which lead it is about; its request id ties it to the status change it caused).
 */
export function leadTimeline(db: Executor, leadId: string): Promise<TimelineEntry[]> {
  return executeSql(db, listLeadTimeline, { leadId });
}
