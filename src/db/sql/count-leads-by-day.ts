// Leads created in a period (of one campaign, or all), counted per UTC day of creation and current label:
// the dashboard's and campaign page's daily chart.
import { defineStatement } from './statement.js';

export const countLeadsByDay = defineStatement<
  { from: Date; to: Date; campaignId: string | null },
  { day: string; label: string | null; count: number }
>({
  name: 'count_leads_by_day',
  planEachCall: true,
  text: `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, label, count(*) as count from leads
    where created_at >= $1::timestamptz and created_at < $2::timestamptz
      and ($3::text is null or campaign_id = $3::text)
    group by 1, 2`,
  values: (input) => [input.from.toISOString(), input.to.toISOString(), input.campaignId],
  row: (raw) => ({
    day: raw.day as string,
    label: (raw.label as string | null) ?? null,
    count: Number(raw.count),
  }),
});
