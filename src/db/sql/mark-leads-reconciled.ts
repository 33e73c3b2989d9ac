// Stamps the leads whose orders a reconciliation pass has just re-read, so final ones wait before the next.
import { defineStatement } from './statement.js';

/**
 * Sets `reconciled_at` only: it is not a change of the lead, so `updated_at` stays. Only final leads are
 * stamped (open ones are read every pass whatever the stamp says): stamping every open lead would rewrite
 * each of their rows every pass, dead rows for the vacuum and nothing gained. The ids go in as one JSON
 * array read into `id = any(array(...))`, an index lookup on the primary key per id.
 */
export const markLeadsReconciled = defineStatement<{ leadIds: string[]; at: Date; finalWords: string[] }>({
  name: 'mark_leads_reconciled',
  text: `update leads set reconciled_at = $2::timestamptz
    where id = any (array(select jsonb_array_elements_text($1::jsonb)))
      and lower(btrim(label)) in (select jsonb_array_elements_text($3::jsonb))`,
  values: (input) => [
    JSON.stringify(input.leadIds),
    input.at.toISOString(),
    JSON.stringify(input.finalWords),
  ],
});
