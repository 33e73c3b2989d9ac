// The audit log in the console: search with filters, open any entry, export the period as CSV or NDJSON.
import type { FastifyInstance } from 'fastify';
import { searchAudit } from '../../audit/audit-search.js';
import { findCampaignByAlias, listCampaigns } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { html, prettyJson } from '../html.js';
import { readPeriod } from '../period.js';
import { sendPage } from '../send-page.js';

interface AuditQuery {
  campaign?: string;
  lead_id?: string;
  order_id?: string;
  event?: string;
  from?: string;
  to?: string;
  before?: string;
}

export function registerAuditPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;

  app.get<{ Querystring: AuditQuery }>('/admin/audit', async function auditSearchPage(request, reply) {
    const query = request.query;
    const campaigns = await listCampaigns(db);
    const campaign = query.campaign ? await findCampaignByAlias(db, query.campaign) : null;
    const period = readPeriod(query, context.clock.now());
    const result = await searchAudit(db, {
      campaignId: campaign?.id ?? (query.campaign ? 'none' : undefined),
      leadId: query.lead_id?.trim() || undefined,
      orderId: query.order_id?.trim() || undefined,
      event: query.event?.trim() || undefined,
      from: period.from,
      to: period.to,
      beforeId: query.before && /^\d+$/.test(query.before) ? Number(query.before) : undefined,
    });
    const exportQuery = (format: string) =>
      new URLSearchParams({
        ...(query.campaign ? { campaign: query.campaign } : {}),
        ...(query.lead_id ? { lead_id: query.lead_id } : {}),
        from: period.from.toISOString(),
        to: period.to.toISOString(),
        format,
      });
    const older = new URLSearchParams(
      Object.entries({
        ...query,
        from: period.fromDay,
        to: period.toDay,
        before: String(result.nextBeforeId ?? ''),
      }).filter(([, value]) => value) as [string, string][],
    );
    const body = html`
      <form method="get" action="/admin/audit" class="card filters" aria-label="Search the audit log">
        <div><label for="a-campaign">Campaign</label><select id="a-campaign" name="campaign"><option value="">All</option>
          ${campaigns.map((row) => html`<option ${row.alias === query.campaign ? html`selected` : ''}>${row.alias}</option>`)}</select></div>
        <div><label for="a-event">Event</label><input id="a-event" name="event" value="${query.event ?? ''}" list="events" placeholder="postback. or lead.refused">
          <datalist id="events">${['lead.', 'lead.received', 'lead.refused', 'order.', 'salesrender.call', 'webhook.', 'status.changed', 'postback.', 'advertiser.', 'console.'].map((event) => html`<option value="${event}">`)}</datalist></div>
        <div><label for="a-lead">Lead id</label><input id="a-lead" name="lead_id" value="${query.lead_id ?? ''}"></div>
        <div><label for="a-order">Order id</label><input id="a-order" name="order_id" value="${query.order_id ?? ''}"></div>
        <div><label for="a-from">From</label><input id="a-from" name="from" type="date" value="${period.fromDay}"></div>
        <div><label for="a-to">To</label><input id="a-to" name="to" type="date" value="${period.toDay}"></div>
        <div><button type="submit">Search</button></div>
      </form>
      <p id="audit-export">Export this campaign and period:
        <a href="/admin/api/audit?${exportQuery('csv')}" download>CSV</a> ·
        <a href="/admin/api/audit?${exportQuery('ndjson')}" download>NDJSON</a>
        <span class="muted">(streamed; the same bytes as the API and <code>leadbridge export</code>)</span></p>
      <div class="table-wrap"><table id="audit-rows">
        <thead><tr><th>At</th><th>Event</th><th>Outcome</th><th>Lead</th><th>Order</th><th>Detail</th></tr></thead>
        <tbody>
          ${result.rows.length === 0 ? html`<tr><td colspan="6" class="muted">Nothing in this period.</td></tr>` : ''}
          ${result.rows.map(
            (row) => html`<tr>
              <td>${row.at.toISOString().replace('T', ' ').slice(0, 19)}</td><td><code>${row.event}</code></td>
              <td>${row.outcome ?? ''}</td>
              <td>${row.leadId ? html`<a href="/admin/leads/${encodeURIComponent(row.leadId)}">${row.leadId}</a>` : ''}</td>
              <td>${row.orderId ?? ''}</td>
              <td><details><summary>#${row.id}</summary><pre>${prettyJson(row.detail)}</pre></details></td>
            </tr>`,
          )}
        </tbody></table></div>
      ${result.nextBeforeId ? html`<p><a class="button secondary" href="/admin/audit?${older}">Older</a></p>` : ''}`;
    return sendPage(request, reply, { title: 'Audit log', section: 'audit', body });
  });
}
