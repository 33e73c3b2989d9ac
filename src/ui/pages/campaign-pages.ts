// Campaigns in the console: list, create, edit (status map from SalesRender's live list, payouts, postback
// template with a live preview and a test button), the webhook URL to give SalesRender, and its SalesRender
// check (last result, "Check now", leads held for a schema problem).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Campaign } from '../../campaigns/campaign.js';
import {
  createCampaign,
  findCampaignByAlias,
  listCampaigns,
  updateCampaign,
} from '../../campaigns/campaign-repository.js';
import { campaignView } from '../../campaigns/campaign-view.js';
import { fetchLiveStatuses } from '../../campaigns/live-statuses.js';
import { runCampaignCheck } from '../../campaigns/run-campaign-check.js';
import { type AppContext, schemaCheckDepsOf } from '../../context.js';
import { AppError } from '../../errors.js';
import { sendTestPostback } from '../../postbacks/postback-admin.js';
import { campaignCheckPanel, loadCampaignCheckPanel } from '../campaign-check-panel.js';
import { campaignFormHtml } from '../campaign-editor.js';
import { type CampaignForm, campaignToForm, formToCampaignBody, newCampaignForm } from '../campaign-form.js';
import { actionButton, type FieldErrors } from '../form-fields.js';
import { html, prettyJson, type SafeHtml } from '../html.js';
import { previewUrl } from '../postback-preview.js';
import { sendPage } from '../send-page.js';

export function registerCampaignPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const deps = { clock: context.clock, ids: context.ids, cipher: context.cipher };

  app.get('/admin/campaigns', async function campaignList(request, reply) {
    const campaigns = await listCampaigns(db);
    const body = html`<p><a class="button" href="/admin/campaigns/new">New campaign</a></p>
      <div class="table-wrap"><table id="campaigns">
        <thead><tr><th>Alias</th><th>Name</th><th>Module</th><th>Company</th><th>Postback</th><th>State</th></tr></thead>
        <tbody>
          ${campaigns.length === 0 ? html`<tr><td colspan="6" class="muted">No campaigns yet.</td></tr>` : ''}
          ${campaigns.map(
            (campaign) => html`<tr>
              <td><a href="/admin/campaigns/${encodeURIComponent(campaign.alias)}">${campaign.alias}</a></td>
              <td>${campaign.name}</td><td>${campaign.module.toUpperCase()}</td>
              <td>${campaign.salesrender.companyId}</td>
              <td>${campaign.postback ? html`${campaign.postback.method} on ${campaign.postback.on.join(', ')}` : html`<span class="muted">none</span>`}</td>
              <td><span class="badge">${campaign.active ? 'active' : 'paused'}</span></td>
            </tr>`,
          )}
        </tbody></table></div>`;
    return sendPage(request, reply, { title: 'Campaigns', section: 'campaigns', body });
  });

  app.get('/admin/campaigns/new', async function newCampaignPage(request, reply) {
    const body = campaignFormHtml({
      form: newCampaignForm(),
      mode: 'create',
      errors: {},
      csrfToken: request.consoleSession?.csrfToken ?? '',
      live: null,
    });
    return sendPage(request, reply, { title: 'New campaign', section: 'campaigns', body });
  });

  app.post('/admin/campaigns', async function createCampaignFromForm(request, reply) {
    const form = (request.body ?? {}) as CampaignForm;
    const { body, errors } = formToCampaignBody(form, 'create');
    try {
      if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', undefined, { fields: errors });
      const campaign = await createCampaign(db, body, deps);
      return reply.redirect(
        `/admin/campaigns/${encodeURIComponent(campaign.alias)}?done=campaign-created`,
        303,
      );
    } catch (error) {
      if (!(error instanceof AppError) || !error.extra.fields) throw error;
      const page = campaignFormHtml({
        form,
        mode: 'create',
        errors: error.extra.fields,
        csrfToken: request.consoleSession?.csrfToken ?? '',
        live: null,
      });
      return sendPage(request, reply, {
        title: 'New campaign',
        section: 'campaigns',
        body: page,
        status: 422,
      });
    }
  });

  async function editPage(
    request: FastifyRequest,
    reply: FastifyReply,
    campaign: Campaign,
    extra: { form?: CampaignForm; errors?: FieldErrors; testResult?: SafeHtml; status?: number } = {},
  ) {
    const view = campaignView(campaign, context.settings.publicBaseUrl);
    const [live, check] = await Promise.all([
      fetchLiveStatuses(
        {
          db,
          audit: context.audit,
          reportBackgroundError: context.reportBackgroundError,
          cipher: context.cipher,
          salesrenderTimeoutMs: context.settings.SALESRENDER_TIMEOUT_MS,
        },
        campaign,
        request.id,
      ),
      loadCampaignCheckPanel(db, campaign.id),
    ]);
    const form = extra.form ?? campaignToForm(campaign);
    form.pb_preview = form.pb_url
      ? previewUrl(campaign, form.pb_url, form.pb_method === 'POST' ? 'POST' : 'GET', context.clock.now())
      : '';
    const csrfToken = request.consoleSession?.csrfToken ?? '';
    const body = html`
      <section class="card" aria-labelledby="webhook-heading">
        <h2 id="webhook-heading">Webhook URL for SalesRender</h2>
        <div class="row"><input id="webhook-url" readonly value="${view.webhook_url}" aria-label="Webhook URL" style="flex:1">
          <button type="button" class="secondary" data-copy="webhook-url">Copy</button></div>
        <p class="hint muted">Set it as the status-change webhook of company ${campaign.salesrender.companyId}. It is secret: it authenticates SalesRender.</p>
      </section>
      ${campaignCheckPanel({ campaign, data: check, csrfToken, now: context.clock.now() })}
      <section class="card" aria-labelledby="test-heading">
        <h2 id="test-heading">Test postback</h2>
        ${
          campaign.postback
            ? actionButton({
                action: `/admin/campaigns/${encodeURIComponent(campaign.alias)}/test-postback`,
                label: 'Send a test postback',
                csrfToken,
              })
            : html`<p class="muted">No postback template yet.</p>`
        }
        ${extra.testResult ?? ''}
      </section>
      ${campaignFormHtml({ form, mode: 'edit', errors: extra.errors ?? {}, csrfToken, live })}`;
    return sendPage(request, reply, {
      title: `Campaign ${campaign.alias}`,
      section: 'campaigns',
      body,
      status: extra.status,
    });
  }

  async function campaignOr404(alias: string): Promise<Campaign> {
    const campaign = await findCampaignByAlias(db, alias);
    if (!campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    return campaign;
  }

  app.get<{ Params: { alias: string } }>(
    '/admin/campaigns/:alias',
    async function editCampaignPage(request, reply) {
      return editPage(request, reply, await campaignOr404(request.params.alias));
    },
  );

  app.post<{ Params: { alias: string } }>(
    '/admin/campaigns/:alias',
    async function saveCampaignFromForm(request, reply) {
      const campaign = await campaignOr404(request.params.alias);
      const form = { ...(request.body as CampaignForm), alias: campaign.alias };
      const { body, errors } = formToCampaignBody(form, 'edit');
      try {
        if (Object.keys(errors).length)
          throw new AppError('VALIDATION_FAILED', undefined, { fields: errors });
        await updateCampaign(db, campaign.alias, body, deps);
        return reply.redirect(
          `/admin/campaigns/${encodeURIComponent(campaign.alias)}?done=campaign-saved`,
          303,
        );
      } catch (error) {
        if (!(error instanceof AppError) || !error.extra.fields) throw error;
        return editPage(request, reply, campaign, { form, errors: error.extra.fields, status: 422 });
      }
    },
  );

  app.post<{ Params: { alias: string } }>(
    '/admin/campaigns/:alias/test-postback',
    async function testPostbackFromPage(request, reply) {
      const campaign = await campaignOr404(request.params.alias);
      const result = await sendTestPostback(campaign, context.deliveryDeps);
      const ok = result.http_status !== null && result.http_status >= 200 && result.http_status < 300;
      const testResult = html`<div class="flash ${ok ? '' : 'error'}" role="status" id="test-postback-result">
      <strong>${result.method} ${result.url}</strong><br>
      Tracker answered: ${result.http_status ?? 'no answer'}${result.error ? html` — ${result.error}` : ''} in ${result.latency_ms ?? '?'} ms
      ${result.response_head ? html`<pre>${result.response_head}</pre>` : ''}
      ${result.body ? html`<details><summary>Body sent</summary><pre>${prettyJson(JSON.parse(result.body))}</pre></details>` : ''}
    </div>`;
      return editPage(request, reply, campaign, { testResult });
    },
  );

  app.post<{ Params: { alias: string } }>(
    '/admin/campaigns/:alias/check',
    async function checkCampaignFromPage(request, reply) {
      const campaign = await campaignOr404(request.params.alias);
      const report = await runCampaignCheck(schemaCheckDepsOf(context), campaign, {
        requester: { requestId: request.id },
      });
      // The result is recorded: the page shows it after the redirect, a reload does not check again.
      const done = new URLSearchParams({ done: 'campaign-checked', released: String(report.released) });
      return reply.redirect(`/admin/campaigns/${encodeURIComponent(campaign.alias)}?${done}`, 303);
    },
  );

  app.get<{ Querystring: { url?: string; method?: string; alias?: string } }>(
    '/admin/postback-preview',
    async function postbackPreview(request) {
      const campaign = request.query.alias ? await findCampaignByAlias(db, request.query.alias) : null;
      const template = request.query.url ?? '';
      const method = request.query.method === 'POST' ? 'POST' : 'GET';
      return { preview: template ? previewUrl(campaign, template, method, context.clock.now()) : '' };
    },
  );
}
