// Partners and advertisers in the console: list, create (the key shown once), see campaigns, rotate or revoke keys.
import type { FastifyInstance } from 'fastify';
import {
  type ClientKind,
  createClient,
  findClientDetail,
  listClients,
  revokeClientKeys,
  rotateKey,
} from '../../campaigns/api-clients.js';
import { listCampaigns } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { actionButton, csrfInput, type FieldErrors, formErrors, textField } from '../form-fields.js';
import { html, type SafeHtml } from '../html.js';
import { sendPage } from '../send-page.js';

/** The only time a key is visible: stored hashed, never shown again. */
function shownOnce(apiKey: string): SafeHtml {
  return html`<div class="flash" role="status">
    <p><strong>New API key — copy it now, it is not shown again:</strong></p>
    <div class="row"><input id="new-key" class="secret" readonly value="${apiKey}" aria-label="New API key" style="flex:1">
      <button type="button" class="secondary" data-copy="new-key">Copy</button></div>
  </div>`;
}

export function registerClientPages(app: FastifyInstance, context: AppContext, kind: ClientKind): void {
  const db = context.database.orm;
  const deps = { clock: context.clock, ids: context.ids };
  const base = kind === 'partner' ? '/admin/partners' : '/admin/advertisers';
  const section = kind === 'partner' ? 'partners' : 'advertisers';
  const title = kind === 'partner' ? 'Partners' : 'Advertisers';
  const noun = kind === 'partner' ? 'partner' : 'advertiser';

  async function listPage(extra: { errors?: FieldErrors; form?: Record<string, string>; csrfToken: string }) {
    const [clients, campaigns] = await Promise.all([listClients(db, kind), listCampaigns(db)]);
    const chosen = new Set(
      Object.keys(extra.form ?? {})
        .filter((key) => key.startsWith('campaign_'))
        .map((key) => key.slice(9)),
    );
    return html`
      <div class="table-wrap"><table id="clients">
        <thead><tr><th>Name</th><th>Campaigns</th><th>Since</th></tr></thead>
        <tbody>
          ${clients.length === 0 ? html`<tr><td colspan="3" class="muted">None yet.</td></tr>` : ''}
          ${clients.map(
            (client) => html`<tr>
              <td><a href="${base}/${encodeURIComponent(client.id)}">${client.name}</a></td>
              <td>${client.campaigns.join(', ') || html`<span class="muted">none</span>`}</td>
              <td>${client.created_at.slice(0, 10)}</td></tr>`,
          )}
        </tbody></table></div>
      <form method="post" action="${base}" class="card" id="new-client">
        <h2>New ${noun}</h2>
        ${csrfInput(extra.csrfToken)}
        ${formErrors(extra.errors)}
        ${textField({ name: 'name', label: 'Name', value: extra.form?.name, errors: extra.errors, required: true })}
        <fieldset class="field"><legend>Campaigns</legend><div class="row">
          ${campaigns.length === 0 ? html`<span class="muted">Create a campaign first.</span>` : ''}
          ${campaigns.map(
            (campaign) =>
              html`<label><input type="checkbox" name="campaign_${campaign.alias}" ${chosen.has(campaign.alias) ? html`checked` : ''}> ${campaign.alias}</label>`,
          )}
        </div></fieldset>
        <button type="submit">Create ${noun}</button>
      </form>`;
  }

  app.get(base, async function clientList(request, reply) {
    const body = await listPage({ csrfToken: request.consoleSession?.csrfToken ?? '' });
    return sendPage(request, reply, { title, section, body });
  });

  app.post(base, async function createClientFromForm(request, reply) {
    const form = (request.body ?? {}) as Record<string, string>;
    const aliases = Object.keys(form)
      .filter((key) => key.startsWith('campaign_'))
      .map((key) => key.slice(9));
    try {
      const created = await createClient(db, kind, { name: form.name ?? '', campaigns: aliases }, deps);
      const detail = await clientOr404(created.id);
      return sendPage(request, reply, {
        title: created.name,
        section,
        body: html`${shownOnce(created.api_key)}${detailBody(detail, request.consoleSession?.csrfToken ?? '')}`,
      });
    } catch (error) {
      if (!(error instanceof AppError) || !error.extra.fields) throw error;
      const body = await listPage({
        errors: error.extra.fields,
        form,
        csrfToken: request.consoleSession?.csrfToken ?? '',
      });
      return sendPage(request, reply, { title, section, body, status: 422 });
    }
  });

  function detailBody(
    client: NonNullable<Awaited<ReturnType<typeof findClientDetail>>>,
    csrfToken: string,
  ): SafeHtml {
    const live = client.keys.filter((key) => !key.revoked_at).length;
    return html`
      <section class="card"><h2>Campaigns</h2>
        <p>${
          client.campaigns.length
            ? client.campaigns.map(
                (alias, index) =>
                  html`${index ? ', ' : ''}<a href="/admin/campaigns/${encodeURIComponent(alias)}">${alias}</a>`,
              )
            : html`<span class="muted">none</span>`
        }</p>
        ${kind === 'partner' ? html`<p><a href="/admin/leads?partner=${encodeURIComponent(client.id)}">This partner's leads</a> · <a id="partner-postbacks" href="/admin/partners/${encodeURIComponent(client.id)}/postbacks">Its postback endpoints and payouts</a> · <a id="partner-caps" href="/admin/partners/${encodeURIComponent(client.id)}/caps">Its caps</a></p>` : ''}
      </section>
      <section class="card"><h2>API keys</h2>
        <div class="table-wrap"><table id="keys">
          <thead><tr><th>Key</th><th>Issued</th><th>State</th></tr></thead>
          <tbody>${client.keys.map(
            (
              key,
            ) => html`<tr><td><code>${key.prefix}…</code></td><td>${key.created_at.replace('T', ' ').slice(0, 19)}</td>
              <td><span class="badge ${key.revoked_at ? 'failed' : 'delivered'}">${key.revoked_at ? `revoked ${key.revoked_at.slice(0, 10)}` : 'live'}</span></td></tr>`,
          )}</tbody></table></div>
        <div class="row" style="margin-top:.8rem">
          ${actionButton({ action: `${base}/${encodeURIComponent(client.id)}/rotate`, label: 'Rotate key', csrfToken, confirm: 'Issue a new key and revoke the current one(s) now?' })}
          ${live > 0 ? actionButton({ action: `${base}/${encodeURIComponent(client.id)}/revoke`, label: 'Revoke all keys', csrfToken, danger: true, confirm: 'Revoke every key? Requests with them are refused at once.' }) : ''}
        </div>
      </section>`;
  }

  async function clientOr404(id: string) {
    const client = await findClientDetail(db, kind, id);
    if (!client) throw new AppError('CLIENT_NOT_FOUND');
    return client;
  }

  app.get<{ Params: { id: string } }>(`${base}/:id`, async function clientPage(request, reply) {
    const client = await clientOr404(request.params.id);
    return sendPage(request, reply, {
      title: client.name,
      section,
      body: detailBody(client, request.consoleSession?.csrfToken ?? ''),
    });
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/rotate`, async function rotateFromPage(request, reply) {
    const apiKey = await rotateKey(db, kind, request.params.id, deps);
    const client = await clientOr404(request.params.id);
    return sendPage(request, reply, {
      title: client.name,
      section,
      body: html`${shownOnce(apiKey)}${detailBody(client, request.consoleSession?.csrfToken ?? '')}`,
    });
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/revoke`, async function revokeFromPage(request, reply) {
    await revokeClientKeys(db, kind, request.params.id, context.clock.now());
    return reply.redirect(`${base}/${encodeURIComponent(request.params.id)}?done=keys-revoked`, 303);
  });
}
