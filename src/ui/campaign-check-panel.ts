// The campaign page's "SalesRender check" panel: the campaign's last check (drift watch, CLI or this
// page's "Check now"), what is left out of what LeadBridge sends, and its leads held for a schema problem.
import type { Campaign } from '../campaigns/campaign.js';
import { type CampaignCheckRow, lastCampaignCheck } from '../campaigns/last-campaign-check.js';
import type { Executor } from '../db/connection.js';
import { leadFlagCounts } from '../leads/lead-stats.js';
import { actionButton } from './form-fields.js';
import { html, type SafeHtml } from './html.js';
import { timeAgo } from './relative-time.js';
import { problemList, problemSummary } from './schema-problems.js';

export interface CampaignCheckPanelData {
  check: CampaignCheckRow | null;
  heldForSchema: number;
}

/** The campaign's recorded last check (null before the first) and how many of its leads wait for a fix. */
export async function loadCampaignCheckPanel(
  db: Executor,
  campaignId: string,
): Promise<CampaignCheckPanelData> {
  const [check, counts] = await Promise.all([
    lastCampaignCheck(db, campaignId),
    leadFlagCounts(db, { campaignId }),
  ]);
  return { check, heldForSchema: counts.heldForSchema };
}

function lastCheck(check: CampaignCheckRow | null, now: Date): SafeHtml {
  if (!check) return html`<p class="muted" id="campaign-check-none">Not checked yet.</p>`;
  return html`<p id="campaign-check-result">Last checked ${timeAgo(check.checkedAt, now)}:
      ${check.ok ? html`<span class="badge accepted">OK</span>` : problemSummary(check.problems)}</p>
    ${problemList(check.problems)}
    ${
      check.leftOut.length
        ? html`<p id="campaign-check-left-out">Left out of what is sent: ${check.leftOut.map(
            (path, index) => html`${index ? ', ' : ''}<code>${path}</code>`,
          )}</p>`
        : ''
    }`;
}

function heldLeads(campaign: Campaign, held: number): SafeHtml {
  if (held === 0)
    return html`<p class="muted" data-stat="held-for-schema">No lead is held for a schema problem.</p>`;
  return html`<p class="errors" data-stat="held-for-schema"><strong>${held}</strong> lead(s) held for a SalesRender
    schema problem: they are sent once a check finds nothing blocking.
    <a href="/admin/leads?campaign=${encodeURIComponent(campaign.alias)}">See the leads</a></p>`;
}

export function campaignCheckPanel(options: {
  campaign: Campaign;
  data: CampaignCheckPanelData;
  csrfToken: string;
  now: Date;
}): SafeHtml {
  const { campaign, data } = options;
  return html`<section class="card" aria-labelledby="check-heading" id="salesrender-check">
    <h2 id="check-heading">SalesRender check</h2>
    ${lastCheck(data.check, options.now)}
    ${heldLeads(campaign, data.heldForSchema)}
    ${actionButton({
      action: `/admin/campaigns/${encodeURIComponent(campaign.alias)}/check`,
      label: 'Check now',
      csrfToken: options.csrfToken,
    })}
    <p class="hint muted">Checks the campaign against company ${campaign.salesrender.companyId}'s live schema,
      statuses and order fields, and records the result; held leads go through at once when nothing blocks.</p>
  </section>`;
}
