// Leads created in a period, counted per campaign and current label: the dashboard's campaign table.
import { defineStatement } from './statement.js';

export const countLeadsByCampaignAndLabel = defineStatement<
  { from: Date; to: Date },
  { campaignId: string; label: string | null; count: number }
>({
  name: 'count_leads_by_campaign_and_label',
  text: `select campaign_id, label, count(*) as count from leads
    where created_at >= $1::timestamptz and created_at < $2::timestamptz
    group by campaign_id, label`,
  values: (input) => [input.from.toISOString(), input.to.toISOString()],
  row: (raw) => ({
    campaignId: raw.campaign_id as string,
    label: (raw.label as string | null) ?? null,
    // count(*) is a bigint, which arrives as text.
    count: Number(raw.count),
  }),
});
