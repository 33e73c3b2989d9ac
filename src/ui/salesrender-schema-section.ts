// The dashboard's "SalesRender schema" section: the drift watch's last result per company, and the leads
// it concerns (held for a schema problem now, possible duplicates in the period).
import type { CompanySchemaResult } from '../campaigns/schema-results.js';
import type { LeadFlagCounts } from '../leads/lead-stats.js';
import { html, type SafeHtml } from './html.js';
import { timeAgo } from './relative-time.js';
import { problemList, problemSummary } from './schema-problems.js';

function notCheckedYet(checkHours: number): SafeHtml {
  const when =
    checkHours > 0
      ? html`the drift watch runs every ${checkHours} h (<code>SALESRENDER_SCHEMA_CHECK_HOURS=${checkHours}</code>)`
      : html`the drift watch is off (<code>SALESRENDER_SCHEMA_CHECK_HOURS=0</code>); run <code>leadbridge campaign check</code> or “Check now” on a campaign`;
  return html`<p class="muted" id="schema-not-checked">Not checked yet — ${when}.</p>`;
}

function companyRow(result: CompanySchemaResult, now: Date): SafeHtml {
  return html`<tr data-company="${result.company}">
    <td><code>${result.company}</code></td>
    <td>${result.base_url}</td>
    <td>${timeAgo(result.checked_at, now)}</td>
    <td data-stat="schema-result">${problemSummary(result.problems)}</td>
    <td>${result.problems.length ? problemList(result.problems) : html`<span class="muted">—</span>`}</td>
  </tr>`;
}

function flagStats(counts: LeadFlagCounts): SafeHtml {
  return html`<div class="grid">
    <div class="stat" data-stat="held-for-schema">${counts.heldForSchema}<small>leads waiting for a schema fix (now)</small></div>
    <div class="stat" data-stat="possible-duplicates">${counts.possibleDuplicates}<small>possible duplicates (in the period)</small></div>
  </div>`;
}

/** The section; `checkHours` is SALESRENDER_SCHEMA_CHECK_HOURS, shown when nothing has been checked yet. */
export function salesrenderSchemaSection(options: {
  results: CompanySchemaResult[];
  counts: LeadFlagCounts;
  checkHours: number;
  now: Date;
}): SafeHtml {
  const { results, now } = options;
  return html`<section class="card" aria-labelledby="sr-schema" id="salesrender-schema">
    <h2 id="sr-schema">SalesRender schema</h2>
    ${flagStats(options.counts)}
    ${
      results.length === 0
        ? notCheckedYet(options.checkHours)
        : html`<div class="table-wrap"><table id="schema-results">
      <thead><tr><th>Company</th><th>Base URL</th><th>Checked</th><th>Result</th><th>Problems</th></tr></thead>
      <tbody>${results.map((result) => companyRow(result, now))}</tbody></table></div>`
    }
    <p class="muted">A lead waits while what LeadBridge sends does not fit its company's live schema; it goes
      through once a check finds nothing blocking. A possible duplicate was sent again after a create call whose
      outcome was unknown.</p>
  </section>`;
}
