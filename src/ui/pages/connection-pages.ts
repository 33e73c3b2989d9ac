// SalesRender connections in the console: list, connect a company, see its webhook URL and campaigns, check it.
import type { FastifyInstance } from 'fastify';
import { checkConnection } from '../../connections/check-connection.js';
import {
  type Connection,
  campaignsByConnection,
  connectionView,
  createConnection,
  findConnectionById,
  listConnectionCampaigns,
  listConnections,
  updateConnection,
} from '../../connections/connection-repository.js';
import { type AppContext, schemaCheckDepsOf } from '../../context.js';
import { AppError } from '../../errors.js';
import { actionButton, csrfInput, type FieldErrors, formErrors, textField } from '../form-fields.js';
import { html } from '../html.js';
import { sendPage } from '../send-page.js';

const base = '/admin/connections';

export function registerConnectionPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };
  const publicBase = context.settings.publicBaseUrl;

  async function listPage(extra: { errors?: FieldErrors; form?: Record<string, string>; csrfToken: string }) {
    const [connections, byConnection] = await Promise.all([listConnections(db), campaignsByConnection(db)]);
    const counts = connections.map((connection) => byConnection.get(connection.id)?.length ?? 0);
    return html`
      <p class="muted">One connection per SalesRender company: its campaigns share its CRM token, and SalesRender
        calls its one webhook URL for every order of the company.</p>
      <div class="table-wrap"><table id="connections">
        <thead><tr><th>Name</th><th>Company</th><th>Campaigns</th><th>CRM token</th></tr></thead>
        <tbody>
          ${connections.length === 0 ? html`<tr><td colspan="4" class="muted">None yet.</td></tr>` : ''}
          ${connections.map(
            (connection, index) => html`<tr>
              <td><a href="${base}/${encodeURIComponent(connection.id)}">${connection.name}</a></td>
              <td>${connection.companyId} at ${new URL(connection.baseUrl).host}</td>
              <td>${counts[index] ?? 0}</td>
              <td>${connection.tokenEncrypted ? 'set' : html`<span class="badge failed">none</span>`}</td></tr>`,
          )}
        </tbody></table></div>
      <form method="post" action="${base}" class="card" id="new-connection">
        <h2>Connect a SalesRender company</h2>
        ${csrfInput(extra.csrfToken)}
        ${formErrors(extra.errors)}
        <div class="form-grid">
          ${textField({ name: 'name', label: 'Name', value: extra.form?.name, errors: extra.errors, required: true })}
          ${textField({ name: 'base_url', label: 'Base URL', value: extra.form?.base_url ?? 'https://de.backend.salesrender.com', type: 'url', errors: extra.errors })}
          ${textField({ name: 'company_id', label: 'Company id', value: extra.form?.company_id, errors: extra.errors, required: true })}
          ${textField({ name: 'token', label: 'CRM API token', value: '', type: 'password', errors: extra.errors, hint: 'Stored encrypted; never shown again. May be left empty for a company reached only through CPA.', attributes: html`autocomplete="new-password"` })}
        </div>
        <button type="submit">Connect</button>
      </form>`;
  }

  async function detailBody(
    connection: Connection,
    csrfToken: string,
    extra: { errors?: FieldErrors; check?: Awaited<ReturnType<typeof checkConnection>> } = {},
  ) {
    const view = connectionView(connection, publicBase, await listConnectionCampaigns(db, connection.id));
    const check = extra.check;
    return html`
      <section class="card"><h2>Webhook URL</h2>
        <p>Register this URL in SalesRender (company ${view.company_id}): every order of the company reaches its lead,
          whichever campaign it came from.</p>
        <div class="row"><input id="connection-webhook" readonly value="${view.webhook_url}" aria-label="Webhook URL" style="flex:1">
          <button type="button" class="secondary" data-copy="connection-webhook">Copy</button></div>
      </section>
      <section class="card"><h2>Campaigns</h2>
        ${view.campaigns?.length ? html`<ul>${view.campaigns.map((campaign) => html`<li><a href="/admin/campaigns/${encodeURIComponent(campaign.alias)}">${campaign.alias}</a> (${campaign.module}${campaign.own_token ? ', own token' : ''}${campaign.active ? '' : ', paused'})</li>`)}</ul>` : html`<p class="muted">None yet: create a campaign with this company id.</p>`}
      </section>
      <section class="card" id="connection-check"><h2>Check</h2>
        ${
          check
            ? html`<p><span class="badge ${check.ok ? 'delivered' : 'failed'}">${check.ok ? 'OK' : `${check.problems.length} problem(s)`}</span> checked ${check.checked_at.replace('T', ' ').slice(0, 19)}</p>
              ${check.problems.length ? html`<ul>${check.problems.map((problem) => html`<li>[${problem.severity}] ${problem.kind}${problem.campaign ? ` (${problem.campaign})` : ''}: ${problem.message}</li>`)}</ul>` : ''}`
            : ''
        }
        ${actionButton({ action: `${base}/${encodeURIComponent(connection.id)}/check`, label: 'Check now', csrfToken })}
        ${
          view.statuses
            ? html`<h3>Statuses (read ${view.fetched_at?.replace('T', ' ').slice(0, 19)})</h3>
              <div class="table-wrap"><table id="connection-statuses"><thead><tr><th>Id</th><th>Name</th><th>Group</th></tr></thead>
              <tbody>${view.statuses.map((status) => html`<tr><td>${status.id}</td><td>${status.name}</td><td>${status.group}</td></tr>`)}</tbody></table></div>`
            : ''
        }
        ${
          view.order_fields
            ? html`<h3>Order fields</h3><div class="table-wrap"><table id="connection-fields"><thead><tr><th>Name</th><th>Type</th><th>Label</th></tr></thead>
              <tbody>${view.order_fields.map((field) => html`<tr><td><code>${field.name}</code></td><td>${field.type}</td><td>${field.label}</td></tr>`)}</tbody></table></div>`
            : ''
        }
      </section>
      <form method="post" action="${base}/${encodeURIComponent(connection.id)}" class="card" id="edit-connection">
        <h2>Change</h2>
        ${csrfInput(csrfToken)}
        ${formErrors(extra.errors)}
        <div class="form-grid">
          ${textField({ name: 'name', label: 'Name', value: view.name, errors: extra.errors, required: true })}
          ${textField({ name: 'token', label: 'CRM API token', value: '', type: 'password', errors: extra.errors, hint: `Write-only: ${view.token ? 'leave empty to keep the stored token' : 'none is set'}. Campaigns without a token of their own use it at once.`, attributes: html`autocomplete="new-password"` })}
        </div>
        <button type="submit">Save</button>
      </form>`;
  }

  async function connectionOr404(id: string) {
    const connection = await findConnectionById(db, id);
    if (!connection) throw new AppError('CONNECTION_NOT_FOUND');
    return connection;
  }

  app.get(base, async function connectionList(request, reply) {
    const body = await listPage({ csrfToken: request.consoleSession?.csrfToken ?? '' });
    return sendPage(request, reply, { title: 'Connections', section: 'connections', body });
  });

  app.post(base, async function connectFromForm(request, reply) {
    const form = (request.body ?? {}) as Record<string, string>;
    try {
      const created = await createConnection(
        db,
        {
          name: form.name ?? '',
          base_url: form.base_url?.trim() || undefined,
          company_id: form.company_id?.trim() ?? '',
          token: form.token?.trim() || undefined,
        },
        deps,
      );
      return reply.redirect(`${base}/${encodeURIComponent(created.id)}?done=connection-created`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || !error.extra.fields) throw error;
      const body = await listPage({
        errors: error.extra.fields,
        form,
        csrfToken: request.consoleSession?.csrfToken ?? '',
      });
      return sendPage(request, reply, { title: 'Connections', section: 'connections', body, status: 422 });
    }
  });

  app.get<{ Params: { id: string } }>(`${base}/:id`, async function connectionPage(request, reply) {
    const connection = await connectionOr404(request.params.id);
    const body = await detailBody(connection, request.consoleSession?.csrfToken ?? '');
    return sendPage(request, reply, { title: connection.name, section: 'connections', body });
  });

  app.post<{ Params: { id: string } }>(`${base}/:id`, async function saveConnectionFromForm(request, reply) {
    const form = (request.body ?? {}) as Record<string, string>;
    try {
      await updateConnection(
        db,
        request.params.id,
        { name: form.name ?? '', ...(form.token?.trim() ? { token: form.token.trim() } : {}) },
        deps,
      );
      return reply.redirect(`${base}/${encodeURIComponent(request.params.id)}?done=connection-saved`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || !error.extra.fields) throw error;
      const connection = await connectionOr404(request.params.id);
      const body = await detailBody(connection, request.consoleSession?.csrfToken ?? '', {
        errors: error.extra.fields,
      });
      return sendPage(request, reply, { title: connection.name, section: 'connections', body, status: 422 });
    }
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/check`, async function checkFromPage(request, reply) {
    const connection = await connectionOr404(request.params.id);
    const check = await checkConnection(schemaCheckDepsOf(context), connection, { requestId: request.id });
    const body = await detailBody(
      await connectionOr404(request.params.id),
      request.consoleSession?.csrfToken ?? '',
      { check },
    );
    return sendPage(request, reply, { title: connection.name, section: 'connections', body });
  });
}
