// Leads in the console: a filtered, paged table and each lead's page with its full timeline.
import type { FastifyInstance } from 'fastify';
import { leadTimeline, type TimelineEntry } from '../../audit/lead-timeline.js';
import { listClients } from '../../campaigns/api-clients.js';
import { findCampaignByAlias, listCampaigns } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { findLeadById } from '../../leads/lead-repository.js';
import { searchLeads } from '../../leads/lead-search.js';
import { leadView } from '../../leads/lead-status.js';
import { listDeliveryAttempts, listPostbacks } from '../../postbacks/postback-admin.js';
import { labelGroup } from '../../statuses/label-group.js';
import { actionButton } from '../form-fields.js';
import { html, prettyJson, type SafeHtml } from '../html.js';
import { leadStateCell, leadStateDetail } from '../lead-state.js';
import { readPeriod } from '../period.js';
import { sendPage } from '../send-page.js';

interface LeadQuery {
  campaign?: string;
  partner?: string;
  label?: string;
  from?: string;
  to?: string;
  click_id?: string;
  phone?: string;
  order_id?: string;
  before?: string;
}

const time = (date: Date | string | null | undefined) =>
  date ? (typeof date === 'string' ? date : date.toISOString()).replace('T', ' ').slice(0, 19) : '';
const badge = (label: string | null) =>
  label
    ? html`<span class="badge ${labelGroup(label) ?? ''}">${label}</span>`
    : html`<span class="muted">—</span>`;

/** A short line saying what an audit event was, so the timeline reads without opening every entry. */
function summary(entry: TimelineEntry): string {
  const detail = entry.detail as Record<string, unknown>;
  switch (entry.event) {
    case 'lead.received':
    case 'webhook.received':
    case 'advertiser.received':
      return `${detail.method ?? ''} ${detail.url ?? ''}`;
    case 'salesrender.call':
      return `${detail.operation ?? 'call'} → HTTP ${entry.httpStatus ?? 'no answer'} in ${entry.latencyMs ?? '?'} ms`;
    case 'status.changed':
      return `status ${detail.status_id ?? ''} → ${detail.label ?? ''}${detail.comment ? ` “${detail.comment}”` : ''}`;
    case 'postback.attempt':
      return `${detail.method ?? ''} ${detail.url ?? ''} → ${entry.httpStatus ?? detail.error ?? 'no answer'}`;
    default:
      return entry.outcome ?? '';
  }
}

function timelineHtml(entries: TimelineEntry[]): SafeHtml {
  return html`<ol class="timeline" id="timeline">${entries.map(
    (entry) => html`<li data-event="${entry.event}">
      <details><summary><time datetime="${entry.at.toISOString()}">${time(entry.at)}</time>
        <strong>${entry.event}</strong> <span class="muted">${summary(entry)}</span></summary>
        <pre>${prettyJson({ outcome: entry.outcome, http_status: entry.httpStatus, latency_ms: entry.latencyMs, actor: entry.actor, request_id: entry.requestId, ...entry.detail })}</pre>
      </details></li>`,
  )}</ol>`;
}

export function registerLeadPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;

  app.get<{ Querystring: LeadQuery }>('/admin/leads', async function leadList(request, reply) {
    const query = request.query;
    const [campaigns, partners] = await Promise.all([listCampaigns(db), listClients(db, 'partner')]);
    const campaign = query.campaign ? await findCampaignByAlias(db, query.campaign) : null;
    const period = query.from || query.to ? readPeriod(query, context.clock.now(), 3650) : null;
    const page = await searchLeads(db, {
      campaignId: campaign?.id ?? (query.campaign ? 'none' : undefined),
      partnerId: query.partner || undefined,
      label: query.label || undefined,
      from: period?.from,
      to: period?.to,
      clickId: query.click_id?.trim() || undefined,
      phone: query.phone?.trim() || undefined,
      orderId: query.order_id?.trim() || undefined,
      before: query.before,
    });
    const aliasOf = new Map(campaigns.map((row) => [row.id, row.alias]));
    const partnerOf = new Map(partners.map((row) => [row.id, row.name]));
    const nextQuery = new URLSearchParams(
      Object.entries({ ...query, before: page.next ?? '' }).filter(([, value]) => value) as [
        string,
        string,
      ][],
    );
    const body = html`
      <form method="get" action="/admin/leads" class="card filters" aria-label="Filter leads">
        <div><label for="f-campaign">Campaign</label><select id="f-campaign" name="campaign">
          <option value="">All</option>
          ${campaigns.map((row) => html`<option ${row.alias === query.campaign ? html`selected` : ''}>${row.alias}</option>`)}
        </select></div>
        <div><label for="f-partner">Partner</label><select id="f-partner" name="partner">
          <option value="">All</option>
          ${partners.map((row) => html`<option value="${row.id}" ${row.id === query.partner ? html`selected` : ''}>${row.name}</option>`)}
        </select></div>
        <div><label for="f-label">Label</label><input id="f-label" name="label" value="${query.label ?? ''}" list="label-list">
          <datalist id="label-list"><option value="pending"><option value="accepted"><option value="rejected"><option value="trash"></datalist></div>
        <div><label for="f-from">From</label><input id="f-from" name="from" type="date" value="${query.from ?? ''}"></div>
        <div><label for="f-to">To</label><input id="f-to" name="to" type="date" value="${query.to ?? ''}"></div>
        <div><label for="f-click">Click id</label><input id="f-click" name="click_id" value="${query.click_id ?? ''}"></div>
        <div><label for="f-phone">Phone</label><input id="f-phone" name="phone" value="${query.phone ?? ''}" inputmode="tel"></div>
        <div><label for="f-order">Order id</label><input id="f-order" name="order_id" value="${query.order_id ?? ''}"></div>
        <div><button type="submit">Filter</button> <a href="/admin/leads">Clear</a></div>
      </form>
      <p><a href="/admin/api/leads/export?${new URLSearchParams({ ...(query.campaign ? { campaign: query.campaign } : {}), ...(period ? { from: period.from.toISOString(), to: period.to.toISOString() } : {}), format: 'csv' })}">Export these leads as CSV</a>
        · <a href="/admin/api/leads/export?${new URLSearchParams({ ...(query.campaign ? { campaign: query.campaign } : {}), ...(period ? { from: period.from.toISOString(), to: period.to.toISOString() } : {}), format: 'ndjson' })}">NDJSON</a>
        <span class="muted">(by campaign and period)</span></p>
      <div class="table-wrap"><table id="leads">
        <thead><tr><th>Received</th><th>Campaign</th><th>Partner</th><th>Click id</th><th>Phone</th><th>Order</th><th>Label</th><th>State</th></tr></thead>
        <tbody>
          ${page.leads.length === 0 ? html`<tr><td colspan="8" class="muted">No leads match.</td></tr>` : ''}
          ${page.leads.map(
            (lead) => html`<tr>
              <td><a href="/admin/leads/${encodeURIComponent(lead.id)}">${time(lead.createdAt)}</a></td>
              <td>${aliasOf.get(lead.campaignId) ?? lead.campaignId}</td>
              <td>${lead.partnerId ? (partnerOf.get(lead.partnerId) ?? lead.partnerId) : ''}</td>
              <td>${lead.clickId ?? ''}</td><td>${lead.phone}</td><td>${lead.orderId ?? ''}</td>
              <td>${badge(lead.label)}</td><td>${leadStateCell(lead)}</td>
            </tr>`,
          )}
        </tbody></table></div>
      <nav aria-label="Pages" class="row" style="margin-top:.8rem">
        ${query.before ? html`<a class="button secondary" href="/admin/leads?${new URLSearchParams(Object.entries({ ...query, before: '' }).filter(([, value]) => value) as [string, string][])}">Newest</a>` : ''}
        ${page.next ? html`<a class="button secondary" href="/admin/leads?${nextQuery}">Older</a>` : ''}
      </nav>`;
    return sendPage(request, reply, { title: 'Leads', section: 'leads', body });
  });

  app.get<{ Params: { id: string } }>('/admin/leads/:id', async function leadPage(request, reply) {
    const lead = await findLeadById(db, request.params.id);
    if (!lead) throw new AppError('LEAD_NOT_FOUND');
    const [view, timeline, postbacks] = await Promise.all([
      leadView(db, lead),
      leadTimeline(db, lead.id),
      listPostbacks(db, { leadId: lead.id }, 50),
    ]);
    const attempts = await Promise.all(postbacks.map((postback) => listDeliveryAttempts(db, postback.id)));
    const csrfToken = request.consoleSession?.csrfToken ?? '';
    const body = html`
      <section class="card grid" id="lead-summary">
        <div><label>Lead</label><code>${lead.id}</code></div>
        <div><label>Campaign</label><a href="/admin/campaigns/${encodeURIComponent(view.campaign ?? '')}">${view.campaign}</a></div>
        <div id="lead-state"><label>State</label>${leadStateDetail(lead)}</div>
        <div><label>Order</label><span data-field="order_id">${lead.orderId ?? '—'}</span></div>
        <div><label>Label</label><span data-field="label">${badge(lead.label)}</span> <span class="muted">status ${lead.statusId ?? '—'}</span></div>
        <div><label>Payout</label>${view.payout} ${view.currency}</div>
        <div><label>Comment</label>${lead.comment ?? '—'}</div>
        <div><label>Click id</label>${lead.clickId ?? '—'}</div>
        <div><label>Phone</label>${lead.phone}</div>
        <div><label>Name</label>${lead.name ?? '—'}</div>
        <div><label>Country</label>${lead.country ?? '—'}</div>
        <div><label>Received</label>${time(lead.createdAt)}</div>
      </section>
      <section class="card"><h2>Normalised lead</h2>
        <pre>${prettyJson({ phone: lead.phone, name: lead.name, country: lead.country, click_id: lead.clickId, ip: lead.ip, user_agent: lead.userAgent, subs: lead.subs, extras: lead.extras })}</pre></section>
      <section class="card"><h2>Status history</h2>
        <div class="table-wrap"><table id="history">
          <thead><tr><th>Changed</th><th>Status id</th><th>Label</th><th>Comment</th><th>Source</th></tr></thead>
          <tbody>${view.history.map(
            (entry) =>
              html`<tr><td>${time(entry.at)}</td><td>${entry.status_id}</td><td>${badge(entry.label)}</td><td>${entry.comment ?? ''}</td><td>${entry.source}</td></tr>`,
          )}</tbody></table></div></section>
      <section class="card"><h2>Postbacks</h2>
        ${postbacks.length === 0 ? html`<p class="muted">None.</p>` : ''}
        ${postbacks.map(
          (postback, index) => html`<div class="postback" data-postback="${postback.id}">
            <p><span class="badge ${postback.state}">${postback.state}</span> <strong>${postback.label}</strong>
              <code>${postback.method} ${postback.url}</code>
              ${postback.state === 'skipped' || postback.state === 'superseded' ? html`<span class="muted">${postback.last_error ?? ''}</span>` : ''}
              ${(postback.state !== 'pending' || postback.attempts > 0) && postback.state !== 'skipped' && postback.state !== 'superseded' ? actionButton({ action: `/admin/postbacks/${encodeURIComponent(postback.id)}/retry`, label: 'Retry', csrfToken, hidden: { back: `/admin/leads/${lead.id}` } }) : ''}</p>
            <div class="table-wrap"><table class="attempts">
              <thead><tr><th>#</th><th>At</th><th>HTTP</th><th>Latency</th><th>Answer</th></tr></thead>
              <tbody>${(attempts[index] ?? []).map(
                (
                  attempt,
                ) => html`<tr><td>${attempt.attempt}</td><td>${time(attempt.at)}</td><td>${attempt.httpStatus ?? '—'}</td>
                  <td>${attempt.latencyMs ?? '—'} ms</td><td><code>${attempt.error ?? attempt.responseHead ?? ''}</code></td></tr>`,
              )}</tbody></table></div></div>`,
        )}
      </section>
      <section class="card"><h2>Timeline</h2>
        <p class="muted">Every audit entry for this lead and for the requests that touched it: raw request, GraphQL sent and SalesRender's answer, status changes, postback attempts.</p>
        ${timelineHtml(timeline)}</section>`;
    return sendPage(request, reply, { title: `Lead ${lead.clickId ?? lead.id}`, section: 'leads', body });
  });
}
