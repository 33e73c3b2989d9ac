// A partner's own postbacks and payouts in the console: endpoints from tracker presets, test, delivery log.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findClientDetail } from '../../campaigns/api-clients.js';
import { findCampaignById } from '../../campaigns/campaign-repository.js';
import { listPartnerPayouts, setPartnerPayouts } from '../../campaigns/partner-payouts.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { listPostbacks, sendTestPostback } from '../../postbacks/postback-admin.js';
import {
  campaignAliases,
  createPostbackEndpoint,
  deletePostbackEndpoint,
  findPostbackEndpoint,
  listPartnerEndpoints,
  partnerCampaignIds,
  updatePostbackEndpoint,
} from '../../postbacks/postback-endpoints.js';
import { trackerPresets } from '../../postbacks/tracker-presets.js';
import {
  actionButton,
  csrfInput,
  type FieldErrors,
  formErrors,
  selectField,
  textField,
} from '../form-fields.js';
import { html, type SafeHtml } from '../html.js';
import type { Flash } from '../layout.js';
import { sendPage } from '../send-page.js';

const labels = ['pending', 'accepted', 'rejected', 'trash'];

/** `label=amount` lines, and `CC label=amount` lines for a country, as the payouts API body. */
function payoutsFromText(text: string) {
  const payouts: Record<string, number> = {};
  const byCountry: Record<string, Record<string, number>> = {};
  for (const line of text
    .split('\n')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = line.match(/^(?:([A-Za-z]{2})\s+)?([\w-]+)\s*=\s*([\d.,]+)$/);
    if (!match)
      throw new AppError('VALIDATION_FAILED', undefined, {
        fields: { payouts: `cannot read "${line}": write label=amount or RU label=amount` },
      });
    const amount = Number((match[3] ?? '').replace(',', '.'));
    if (match[1]) {
      const code = match[1].toUpperCase();
      byCountry[code] = { ...byCountry[code], [match[2] as string]: amount };
    } else payouts[match[2] as string] = amount;
  }
  return { payouts, payouts_by_country: byCountry };
}

function payoutsToText(
  payouts: Record<string, number> | null,
  byCountry: Record<string, Record<string, number>> | null,
) {
  const lines = Object.entries(payouts ?? {}).map(([label, minor]) => `${label}=${minor / 100}`);
  for (const [code, amounts] of Object.entries(byCountry ?? {}))
    for (const [label, minor] of Object.entries(amounts)) lines.push(`${code} ${label}=${minor / 100}`);
  return lines.join('\n');
}

export function registerPartnerPostbackPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };
  const pageUrl = (partnerId: string) => `/admin/partners/${encodeURIComponent(partnerId)}/postbacks`;
  const csrf = (request: FastifyRequest) => request.consoleSession?.csrfToken ?? '';

  /** The endpoint, when it is this partner's (another partner's is not found, as in the API). */
  async function partnerEndpoint(partnerId: string, endpointId: string) {
    const endpoint = await findPostbackEndpoint(db, endpointId);
    if (!endpoint || endpoint.partnerId !== partnerId) throw new AppError('POSTBACK_ENDPOINT_NOT_FOUND');
    return endpoint;
  }

  async function partnerOr404(id: string) {
    const partner = await findClientDetail(db, 'partner', id);
    if (!partner) throw new AppError('CLIENT_NOT_FOUND');
    return partner;
  }

  async function page(
    partnerId: string,
    csrfToken: string,
    extra: { errors?: FieldErrors; form?: Record<string, string> } = {},
  ) {
    const partner = await partnerOr404(partnerId);
    const [endpoints, aliases, campaignIds] = await Promise.all([
      listPartnerEndpoints(db, partnerId),
      campaignAliases(db),
      partnerCampaignIds(db, partnerId),
    ]);
    const terms = await listPartnerPayouts(db, partnerId);
    const form = extra.form ?? {};
    const errors = extra.errors;
    return {
      title: `${partner.name}: postbacks and payouts`,
      body: html`
        <p><a href="/admin/partners/${encodeURIComponent(partnerId)}">← ${partner.name}</a></p>
        <section class="card"><h2>Postback endpoints</h2>
          <p class="muted">Every status change of this partner's leads is posted to each active endpoint that applies
            (a campaign's own endpoints replace the defaults for it), besides the campaign's own postback.</p>
          <div class="table-wrap"><table id="endpoints">
            <thead><tr><th>Name</th><th>Campaigns</th><th>Fires on</th><th>State</th><th></th></tr></thead>
            <tbody>
              ${endpoints.length === 0 ? html`<tr><td colspan="5" class="muted">None yet.</td></tr>` : ''}
              ${endpoints.map(
                (endpoint) => html`<tr>
                  <td><a href="${pageUrl(partnerId)}/${encodeURIComponent(endpoint.id)}">${endpoint.name}</a>
                    <div class="muted"><code>${endpoint.postback.method} ${endpoint.postback.url.replace(/^(https?:\/\/[^/]+).*/, '$1/…')}</code></div></td>
                  <td>${endpoint.campaignId ? (aliases.get(endpoint.campaignId) ?? '?') : 'all (default)'}</td>
                  <td>${endpoint.postback.on.join(', ')}</td>
                  <td><span class="badge ${endpoint.active ? 'delivered' : 'failed'}">${endpoint.active ? 'active' : 'paused'}</span></td>
                  <td class="row">
                    ${actionButton({ action: `${pageUrl(partnerId)}/${encodeURIComponent(endpoint.id)}/test`, label: 'Send test', csrfToken })}
                    ${actionButton({ action: `${pageUrl(partnerId)}/${encodeURIComponent(endpoint.id)}/toggle`, label: endpoint.active ? 'Pause' : 'Resume', csrfToken })}
                    ${actionButton({ action: `${pageUrl(partnerId)}/${encodeURIComponent(endpoint.id)}/delete`, label: 'Remove', csrfToken, danger: true, confirm: 'Remove this endpoint? Postbacks already queued are still sent.' })}
                  </td></tr>`,
              )}
            </tbody></table></div>
        </section>
        <form method="post" action="${pageUrl(partnerId)}" class="card" id="new-endpoint">
          <h2>Add an endpoint</h2>
          ${csrfInput(csrfToken)}
          ${formErrors(errors)}
          <div class="form-grid">
            ${selectField({ name: 'preset', label: 'Tracker', value: form.preset ?? '', errors, choices: [['', '— my own URL template —'], ...trackerPresets.map((preset): [string, string] => [preset.id, preset.name])] })}
            ${textField({ name: 'host', label: 'Tracker host (with a preset), e.g. trk.example.com', value: form.host, errors })}
            ${textField({ name: 'key', label: 'Postback key or token (with a preset)', value: form.key, errors })}
            ${textField({ name: 'url', label: 'URL template (without a preset): {click_id} {status} {payout} {tid} …', value: form.url, errors })}
            ${selectField({ name: 'campaign', label: 'For', value: form.campaign ?? '', errors, choices: [['', 'all its campaigns (default)'], ...campaignIds.map((id): [string, string] => [aliases.get(id) ?? id, `only ${aliases.get(id) ?? id}`])] })}
            ${textField({ name: 'name', label: 'Name', value: form.name, errors })}
          </div>
          <fieldset class="field"><legend>Fires on (empty: the tracker's usual)</legend><div class="row">
            ${labels.map((label) => html`<label><input type="checkbox" name="on_${label}" ${form[`on_${label}`] ? html`checked` : ''}> ${label}</label>`)}
          </div></fieldset>
          <button type="submit">Add endpoint</button>
        </form>
        <section class="card" id="payouts"><h2>Payouts</h2>
          <p class="muted">The partner's rate on a campaign overrides the campaign's: one <code>label=amount</code> a line,
            or <code>RU label=amount</code> for one country. Recorded with each status change: an edit applies to later changes only.</p>
          ${campaignIds.map((id) => {
            const alias = aliases.get(id) ?? id;
            const row = terms.get(id);
            return html`<form method="post" action="${pageUrl(partnerId)}/payouts/${encodeURIComponent(alias)}" class="payouts-form">
              ${csrfInput(csrfToken)}
              <div class="field"><label for="payouts-${alias}">${alias}</label>
                <textarea id="payouts-${alias}" name="payouts" rows="2">${payoutsToText(row?.payouts ?? null, row?.payoutsByCountry ?? null)}</textarea></div>
              ${textField({ name: 'currency', id: `currency-${alias}`, label: `Currency for ${alias} (empty: the campaign's)`, value: row?.currency ?? '' })}
              <button type="submit" class="secondary">Save ${alias} payouts</button>
            </form>`;
          })}
        </section>`,
    };
  }

  async function send(
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[1],
    partnerId: string,
    options: { flash?: Flash; status?: number; errors?: FieldErrors; form?: Record<string, string> } = {},
  ) {
    const { title, body } = await page(partnerId, csrf(request), options);
    return sendPage(request, reply, {
      title,
      section: 'partners',
      body,
      flash: options.flash ?? null,
      status: options.status,
    });
  }

  app.get<{ Params: { id: string } }>(
    '/admin/partners/:id/postbacks',
    async function partnerPostbacksPage(request, reply) {
      return send(request, reply, request.params.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/admin/partners/:id/postbacks',
    async function addEndpointFromForm(request, reply) {
      const form = (request.body ?? {}) as Record<string, string>;
      const on = labels.filter((label) => form[`on_${label}`]);
      try {
        await createPostbackEndpoint(
          db,
          request.params.id,
          {
            ...(form.name?.trim() ? { name: form.name.trim() } : {}),
            ...(form.preset ? { preset: form.preset } : {}),
            ...(form.host?.trim() ? { host: form.host.trim() } : {}),
            ...(form.key?.trim() ? { key: form.key.trim() } : {}),
            ...(form.url?.trim() ? { url: form.url.trim() } : {}),
            ...(form.campaign ? { campaign: form.campaign } : {}),
            ...(on.length ? { on } : {}),
          },
          deps,
        );
        return send(request, reply, request.params.id, { flash: { kind: 'ok', text: 'Endpoint added.' } });
      } catch (error) {
        if (!(error instanceof AppError) || !error.extra.fields) throw error;
        return send(request, reply, request.params.id, { errors: error.extra.fields, form, status: 422 });
      }
    },
  );

  app.post<{ Params: { id: string; endpointId: string } }>(
    '/admin/partners/:id/postbacks/:endpointId/test',
    async function testEndpointFromPage(request, reply) {
      const endpoint = await partnerEndpoint(request.params.id, request.params.endpointId);
      const campaignId = endpoint.campaignId ?? (await partnerCampaignIds(db, endpoint.partnerId))[0];
      const campaign = campaignId ? await findCampaignById(db, campaignId) : null;
      if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
      const result = await sendTestPostback(campaign, context.deliveryDeps, 'accepted', endpoint);
      const answer =
        result.error ??
        `HTTP ${result.http_status}${result.response_head ? `: ${result.response_head.slice(0, 200)}` : ''}`;
      return send(request, reply, request.params.id, {
        flash: {
          kind: result.delivered ? 'ok' : 'error',
          text: `Test postback to ${endpoint.name}: ${answer}`,
        },
      });
    },
  );

  app.post<{ Params: { id: string; endpointId: string } }>(
    '/admin/partners/:id/postbacks/:endpointId/toggle',
    async function toggleEndpointFromPage(request, reply) {
      const endpoint = await partnerEndpoint(request.params.id, request.params.endpointId);
      await updatePostbackEndpoint(db, endpoint.id, { active: !endpoint.active }, deps);
      return reply.redirect(pageUrl(request.params.id), 303);
    },
  );

  app.post<{ Params: { id: string; endpointId: string } }>(
    '/admin/partners/:id/postbacks/:endpointId/delete',
    async function removeEndpointFromPage(request, reply) {
      const endpoint = await partnerEndpoint(request.params.id, request.params.endpointId);
      await deletePostbackEndpoint(db, endpoint.id);
      return reply.redirect(pageUrl(request.params.id), 303);
    },
  );

  app.get<{ Params: { id: string; endpointId: string } }>(
    '/admin/partners/:id/postbacks/:endpointId',
    async function endpointLogPage(request, reply) {
      const endpoint = await partnerEndpoint(request.params.id, request.params.endpointId);
      const postbacks = await listPostbacks(db, { endpointId: endpoint.id });
      const body = html`
      <p><a href="${pageUrl(request.params.id)}">← postbacks and payouts</a></p>
      <section class="card"><h2>Delivery log</h2>
        <p><code>${endpoint.postback.method} ${endpoint.postback.url}</code></p>
        <div class="table-wrap"><table id="endpoint-log">
          <thead><tr><th>Queued</th><th>Lead</th><th>Label</th><th>State</th><th>Tries</th><th>Last answer</th></tr></thead>
          <tbody>
            ${postbacks.length === 0 ? html`<tr><td colspan="6" class="muted">Nothing sent yet.</td></tr>` : ''}
            ${postbacks.map(
              (postback) => html`<tr><td>${postback.created_at.replace('T', ' ').slice(0, 19)}</td>
                <td>${postback.lead_id ? html`<a href="/admin/leads/${encodeURIComponent(postback.lead_id)}">${postback.lead_id}</a>` : ''}</td>
                <td>${postback.label}</td><td><span class="badge ${postback.state}">${postback.state}</span></td>
                <td>${postback.attempts}</td><td>${postback.last_http_status ?? ''} ${postback.last_error ?? ''}</td></tr>`,
            )}
          </tbody></table></div>
      </section>`;
      return sendPage(request, reply, { title: endpoint.name, section: 'partners', body: body as SafeHtml });
    },
  );

  app.post<{ Params: { id: string; alias: string } }>(
    '/admin/partners/:id/postbacks/payouts/:alias',
    async function savePayoutsFromPage(request, reply) {
      const form = (request.body ?? {}) as Record<string, string>;
      try {
        await setPartnerPayouts(db, request.params.id, request.params.alias, {
          ...payoutsFromText(form.payouts ?? ''),
          ...(form.currency?.trim() ? { currency: form.currency.trim().toUpperCase() } : {}),
        });
        return send(request, reply, request.params.id, {
          flash: { kind: 'ok', text: `Payouts on ${request.params.alias} saved.` },
        });
      } catch (error) {
        if (!(error instanceof AppError) || !error.extra.fields) throw error;
        return send(request, reply, request.params.id, { errors: error.extra.fields, status: 422 });
      }
    },
  );
}
