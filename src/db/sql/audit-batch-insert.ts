// The audit INSERT that statements of fixed text embed, reading their rows from one JSON parameter.

/**
 * The INSERT of the rows `batchJson` made, passed as parameter `param` (e.g. `$2`): text only, built once
 * by the statements that use it. With `present` (a query selecting ids), a row with `only_if_in` is
 * written only if its id is among them. Ids follow the rows' order.
 */
export function auditBatchInsertText(param: string, present?: string): string {
  return `insert into audit_log (at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status,
      latency_ms, detail)
    select at, request_id, campaign_id, lead_id, order_id, actor, event, outcome, http_status, latency_ms, detail
    from json_to_recordset(${param}::json) as row (position int, at timestamptz, request_id text, campaign_id text,
      lead_id text, order_id text, actor text, event text, outcome text, http_status int, latency_ms int, detail jsonb,
      only_if_in text)
    ${present ? `where row.only_if_in is null or row.only_if_in in (${present})` : ''}
    order by row.position`;
}
