// Records a campaign's last check (drift watch or `campaign check`), shown on its page.
import { type SQL, sql } from 'drizzle-orm';
import type { SchemaProblem } from '../../schema-problem.js';
import { jsonColumn } from './json-column.js';

export interface CampaignCheckRow {
  campaignId: string;
  checkedAt: Date;
  ok: boolean;
  problems: SchemaProblem[];
  leftOut: string[];
}

export function recordCampaignCheckSql(row: CampaignCheckRow): SQL {
  return sql`insert into campaign_checks (campaign_id, checked_at, ok, problems, left_out)
    values (${row.campaignId}, ${row.checkedAt.toISOString()}, ${row.ok}, ${JSON.stringify(row.problems)}::jsonb,
      ${JSON.stringify(row.leftOut)}::jsonb)
    on conflict (campaign_id) do update set checked_at = excluded.checked_at, ok = excluded.ok,
      problems = excluded.problems, left_out = excluded.left_out`;
}

export function findCampaignCheckSql(campaignId: string): SQL {
  return sql`select campaign_id, checked_at, ok, problems, left_out from campaign_checks where campaign_id = ${campaignId}`;
}

export function campaignCheckFromRow(row: Record<string, unknown>): CampaignCheckRow {
  return {
    campaignId: String(row.campaign_id),
    checkedAt: new Date(row.checked_at as string | Date),
    ok: row.ok === true || row.ok === 't',
    problems: jsonColumn<SchemaProblem[]>(row.problems, []),
    leftOut: jsonColumn<string[]>(row.left_out, []),
  };
}
