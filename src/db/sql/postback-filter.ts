// The operator's filter of postbacks (postback-admin.ts), shared by the statements that list and replay them.
import type { JobState } from '../schema.js';

/** Each field narrows the postbacks; null (or false) leaves them all. */
export interface PostbackFilterInput {
  campaignId: string | null;
  /** One partner endpoint's postbacks (its delivery log). */
  endpointId: string | null;
  leadId: string | null;
  /** Only postbacks tried at least once. */
  triedOnly: boolean;
  states: JobState[] | null;
  createdFrom: Date | null;
  createdBefore: Date | null;
}

/**
 * The filter's conditions on `jobs`, reading $1…$7 (postbackFilterValues). A condition whose value is null
 * is true. The statements using it are planned for each call's values (`planEachCall`), so the conditions
 * that are set fold into plain ones: an endpoint's log is read by the jobs_postback_endpoint index
 * (migration 0013) and a lead's postbacks by lead id, whatever the connection ran before.
 */
export const postbackFilterText = `jobs.kind = 'postback'
    and ($1::text is null or jobs.campaign_id = $1::text)
    and ($2::text is null or jobs.payload->>'endpoint_id' = $2::text)
    and ($3::text is null or jobs.lead_id = $3::text)
    and (not $4::boolean or jobs.attempts > 0)
    and ($5::text[] is null or jobs.state = any ($5::text[]))
    and ($6::timestamptz is null or jobs.created_at >= $6::timestamptz)
    and ($7::timestamptz is null or jobs.created_at < $7::timestamptz)`;

/** The values of $1…$7 for `filter`. */
export function postbackFilterValues(filter: PostbackFilterInput): unknown[] {
  return [
    filter.campaignId,
    filter.endpointId,
    filter.leadId,
    filter.triedOnly,
    filter.states,
    filter.createdFrom?.toISOString() ?? null,
    filter.createdBefore?.toISOString() ?? null,
  ];
}
