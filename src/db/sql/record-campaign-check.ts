// Records a campaign's last check (drift watch or `campaign check`), shown on its page.

import type { SchemaProblem } from '../../schema-problem.js';
import { jsonColumn } from './json-column.js';
import { defineStatement } from './statement.js';

export interface CampaignCheckRow {
  campaignId: string;
  checkedAt: Date;
  ok: boolean;
  problems: SchemaProblem[];
  leftOut: string[];
}

export const recordCampaignCheck = defineStatement<CampaignCheckRow>({
  name: 'record_campaign_check',
  text: `insert into campaign_checks (campaign_id, checked_at, ok, problems, left_out)
    values ($1::text, $2::timestamptz, $3::boolean, $4::jsonb, $5::jsonb)
    on conflict (campaign_id) do update set checked_at = excluded.checked_at, ok = excluded.ok,
      problems = excluded.problems, left_out = excluded.left_out`,
  values: (row) => [
    row.campaignId,
    row.checkedAt.toISOString(),
    row.ok,
    JSON.stringify(row.problems),
    JSON.stringify(row.leftOut),
  ],
});

export const findCampaignCheck = defineStatement<{ campaignId: string }, CampaignCheckRow>({
  name: 'find_campaign_check',
  text: 'select campaign_id, checked_at, ok, problems, left_out from campaign_checks where campaign_id = $1::text',
  values: (input) => [input.campaignId],
  row: campaignCheckFromRow,
});

function campaignCheckFromRow(row: Record<string, unknown>): CampaignCheckRow {
  return {
    campaignId: String(row.campaign_id),
    checkedAt: new Date(row.checked_at as string | Date),
    ok: row.ok === true || row.ok === 't',
    problems: jsonColumn<SchemaProblem[]>(row.problems, []),
    leftOut: jsonColumn<string[]>(row.left_out, []),
  };
}
