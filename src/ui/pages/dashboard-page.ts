// Dashboard: per-campaign lead counts and approval rate for a period, leads and approvals per day,
// postback delivery health, SalesRender's error rate and latency, and the drift watch's schema results.
import type { FastifyInstance } from 'fastify';
import { salesrenderHealth } from '../../audit/salesrender-stats.js';
import { listCampaigns } from '../../campaigns/campaign-repository.js';
import { listCompanySchemaResults } from '../../campaigns/schema-results.js';
import type { AppContext } from '../../context.js';
import {
  type CampaignStats,
  campaignStats,
  type DayStats,
  dailyStats,
  leadFlagCounts,
} from '../../leads/lead-stats.js';
import { postbackHealth } from '../../postbacks/postback-stats.js';
import { html, type SafeHtml } from '../html.js';
import { type PeriodInput, readPeriod } from '../period.js';
import { salesrenderSchemaSection } from '../salesrender-schema-section.js';
import { sendPage } from '../send-page.js';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)} %`);

/** Two bars a day (leads, accepted) as inline SVG, with the same numbers in a table for screen readers. */
function dailyChart(days: DayStats[]): SafeHtml {
  const width = 800;
  const height = 180;
  const max = Math.max(1, ...days.map((day) => day.leads));
  const slot = width / Math.max(1, days.length);
  const bar = Math.max(1, slot / 2 - 2);
  const y = (value: number) => height - (value / max) * (height - 20);
  return html`<figure class="chart card" aria-labelledby="chart-caption">
    <figcaption id="chart-caption"><strong>Leads and approvals per day</strong>
      <span class="muted">— grey: leads, green: accepted; peak ${max} a day</span></figcaption>
    <svg viewBox="0 0 ${width} ${height + 20}" role="img" aria-label="Leads and accepted leads per day">
      ${days.map(
        (day, index) => html`<g>
          <rect x="${index * slot + 1}" y="${y(day.leads)}" width="${bar}" height="${height - y(day.leads)}" fill="#9aa6bd">
            <title>${day.day}: ${day.leads} leads</title></rect>
          <rect x="${index * slot + 1 + bar}" y="${y(day.accepted)}" width="${bar}" height="${height - y(day.accepted)}" fill="#13795b">
            <title>${day.day}: ${day.accepted} accepted</title></rect>
        </g>`,
      )}
      <line x1="0" y1="${height}" x2="${width}" y2="${height}" stroke="#5b6475"/>
      <text x="0" y="${height + 16}" font-size="12" fill="#5b6475">${days[0]?.day ?? ''}</text>
      <text x="${width}" y="${height + 16}" font-size="12" fill="#5b6475" text-anchor="end">${days.at(-1)?.day ?? ''}</text>
    </svg>
    <details><summary>Numbers per day</summary>
      <div class="table-wrap"><table>
        <thead><tr><th>Day</th><th class="num">Leads</th><th class="num">Accepted</th></tr></thead>
        <tbody>${days.map((day) => html`<tr><td>${day.day}</td><td class="num">${day.leads}</td><td class="num">${day.accepted}</td></tr>`)}</tbody>
      </table></div>
    </details>
  </figure>`;
}

function campaignTable(stats: CampaignStats[], aliasOf: Map<string, string>): SafeHtml {
  const total = stats.reduce(
    (sum, row) => ({
      leads: sum.leads + row.leads,
      accepted: sum.accepted + row.accepted,
      pending: sum.pending + row.pending,
      rejected: sum.rejected + row.rejected,
      trash: sum.trash + row.trash,
    }),
    { leads: 0, accepted: 0, pending: 0, rejected: 0, trash: 0 },
  );
  const eligible = total.leads - total.trash;
  return html`<div class="table-wrap"><table id="campaign-stats">
    <thead><tr><th>Campaign</th><th class="num">Leads</th><th class="num">Accepted</th><th class="num">Pending</th>
      <th class="num">Rejected</th><th class="num">Trash</th><th class="num">Approval</th></tr></thead>
    <tbody>
      ${stats.length === 0 ? html`<tr><td colspan="7" class="muted">No leads in this period.</td></tr>` : ''}
      ${stats.map((row) => {
        const alias = aliasOf.get(row.campaignId) ?? row.campaignId;
        return html`<tr data-campaign="${alias}">
          <td><a href="/admin/leads?campaign=${encodeURIComponent(alias)}">${alias}</a></td>
          <td class="num" data-stat="leads">${row.leads}</td><td class="num" data-stat="accepted">${row.accepted}</td>
          <td class="num" data-stat="pending">${row.pending}</td><td class="num" data-stat="rejected">${row.rejected}</td>
          <td class="num" data-stat="trash">${row.trash}</td><td class="num" data-stat="approval">${percent(row.approvalRate)}</td>
        </tr>`;
      })}
    </tbody>
    <tfoot><tr><th>All</th><td class="num">${total.leads}</td><td class="num">${total.accepted}</td><td class="num">${total.pending}</td>
      <td class="num">${total.rejected}</td><td class="num">${total.trash}</td>
      <td class="num">${percent(eligible > 0 ? total.accepted / eligible : null)}</td></tr></tfoot>
  </table></div>
  <p class="muted">Approval = accepted ÷ (leads − trash). Leads are counted by the day they arrived and their current label.</p>`;
}

export function registerDashboardPage(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  app.get<{ Querystring: PeriodInput }>('/admin', async function dashboard(request, reply) {
    const now = context.clock.now();
    const period = readPeriod(request.query, now);
    const [campaigns, stats, days, postbacks, salesrender, schemaResults, flags] = await Promise.all([
      listCampaigns(db),
      campaignStats(db, period),
      dailyStats(db, period),
      postbackHealth(db, period),
      salesrenderHealth(db, period),
      listCompanySchemaResults(db),
      leadFlagCounts(db, { period }),
    ]);
    const aliasOf = new Map(campaigns.map((campaign) => [campaign.id, campaign.alias]));
    const body = html`
      <form method="get" action="/admin" class="card filters" aria-label="Period">
        <div><label for="from">From</label><input id="from" name="from" type="date" value="${period.fromDay}"></div>
        <div><label for="to">To</label><input id="to" name="to" type="date" value="${period.toDay}"></div>
        <div><button type="submit">Show</button></div>
      </form>
      <h2>Campaigns</h2>
      ${campaignTable(stats, aliasOf)}
      ${dailyChart(days)}
      <div class="grid">
        <section class="card" aria-labelledby="pb-health" id="postback-health">
          <h2 id="pb-health">Postback delivery</h2>
          <div class="grid">
            <div class="stat" data-stat="delivered">${postbacks.delivered}<small>delivered</small></div>
            <div class="stat" data-stat="retrying">${postbacks.retrying}<small>retrying</small></div>
            <div class="stat" data-stat="queued">${postbacks.queued}<small>queued</small></div>
            <div class="stat" data-stat="failed">${postbacks.failed}<small><a href="/admin/postbacks?state=failed">failed</a></small></div>
            <div class="stat" data-stat="skipped">${postbacks.skipped}<small>skipped (no click id)</small></div>
            <div class="stat" data-stat="superseded">${postbacks.superseded}<small>superseded</small></div>
          </div>
        </section>
        <section class="card" aria-labelledby="sr-health" id="salesrender-health">
          <h2 id="sr-health">SalesRender</h2>
          <div class="grid">
            <div class="stat" data-stat="calls">${salesrender.calls}<small>calls</small></div>
            <div class="stat" data-stat="error-rate">${percent(salesrender.errorRate)}<small>errors (${salesrender.errors})</small></div>
            <div class="stat">${salesrender.p50LatencyMs ?? '—'} ms<small>median latency</small></div>
            <div class="stat">${salesrender.p95LatencyMs ?? '—'} ms<small>p95 latency</small></div>
          </div>
        </section>
      </div>
      ${salesrenderSchemaSection({
        results: schemaResults,
        counts: flags,
        checkHours: context.settings.SALESRENDER_SCHEMA_CHECK_HOURS,
        now,
      })}`;
    return sendPage(request, reply, { title: 'Dashboard', section: 'dashboard', body });
  });
}
