// Postbacks in the console: the failed and retrying lists, retry one, replay many by campaign and period.
import type { FastifyInstance } from 'fastify';
import { findCampaignByAlias, listCampaigns } from '../../campaigns/campaign-repository.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { listPostbacks, replayPostbacks, retryPostback } from '../../postbacks/postback-admin.js';
import { actionButton, csrfInput } from '../form-fields.js';
import { html, type SafeHtml } from '../html.js';
import { readPeriod } from '../period.js';
import { sendPage } from '../send-page.js';

type Postback = Awaited<ReturnType<typeof listPostbacks>>[number];

export function registerPostbackPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;

  function table(id: string, rows: Postback[], aliasOf: Map<string, string>, csrfToken: string): SafeHtml {
    return html`<div class="table-wrap"><table id="${id}">
      <thead><tr><th>Created</th><th>Campaign</th><th>Lead</th><th>Label</th><th>URL</th><th class="num">Tries</th><th>Last answer</th><th>Next try</th><th></th></tr></thead>
      <tbody>
        ${rows.length === 0 ? html`<tr><td colspan="9" class="muted">None.</td></tr>` : ''}
        ${rows.map(
          (row) => html`<tr data-postback="${row.id}">
            <td>${row.created_at.replace('T', ' ').slice(0, 19)}</td>
            <td>${aliasOf.get(row.campaign_id ?? '') ?? row.campaign_id}</td>
            <td>${row.lead_id ? html`<a href="/admin/leads/${encodeURIComponent(row.lead_id)}">${row.order_id ?? row.lead_id}</a>` : ''}</td>
            <td>${row.label}</td><td><code>${row.method} ${row.url}</code></td>
            <td class="num">${row.attempts}/${row.max_attempts}</td>
            <td>${row.last_http_status ?? ''} ${row.last_error ?? ''}</td>
            <td>${row.next_attempt_at?.replace('T', ' ').slice(0, 19) ?? '—'}</td>
            <td>${row.state === 'skipped' ? '' : actionButton({ action: `/admin/postbacks/${encodeURIComponent(row.id)}/retry`, label: 'Retry now', csrfToken })}</td>
          </tr>`,
        )}
      </tbody></table></div>`;
  }

  app.get('/admin/postbacks', async function postbackLists(request, reply) {
    const [campaigns, failed, retrying, skipped] = await Promise.all([
      listCampaigns(db),
      listPostbacks(db, { state: 'failed' }, 200),
      listPostbacks(db, { state: 'pending', triedOnly: true }, 200),
      listPostbacks(db, { state: 'skipped' }, 200),
    ]);
    const aliasOf = new Map(campaigns.map((row) => [row.id, row.alias]));
    const csrfToken = request.consoleSession?.csrfToken ?? '';
    const today = readPeriod({}, context.clock.now());
    const body = html`
      <h2>Failed (${failed.length})</h2>${table('failed-postbacks', failed, aliasOf, csrfToken)}
      <h2>Retrying (${retrying.length})</h2>${table('retrying-postbacks', retrying, aliasOf, csrfToken)}
      <h2>Skipped (${skipped.length})</h2>${table('skipped-postbacks', skipped, aliasOf, csrfToken)}
      <form method="post" action="/admin/postbacks/replay" class="card filters" id="replay"
          data-confirm="Send every matching postback again? Trackers dedupe on {tid}.">
        <h2 style="grid-column: 1 / -1">Replay in bulk</h2>
        ${csrfInput(csrfToken)}
        <div><label for="r-campaign">Campaign</label><select id="r-campaign" name="campaign">
          <option value="">All</option>${campaigns.map((row) => html`<option>${row.alias}</option>`)}</select></div>
        <div><label for="r-state">Which</label><select id="r-state" name="state">
          <option value="failed">Failed</option><option value="delivered">Delivered (send again)</option></select></div>
        <div><label for="r-from">Created from</label><input id="r-from" name="from" type="date" value="${today.fromDay}"></div>
        <div><label for="r-to">to</label><input id="r-to" name="to" type="date" value="${today.toDay}"></div>
        <div><button type="submit">Replay</button></div>
      </form>`;
    return sendPage(request, reply, { title: 'Postbacks', section: 'postbacks', body });
  });

  app.post<{ Params: { id: string } }>(
    '/admin/postbacks/:id/retry',
    async function retryFromPage(request, reply) {
      await retryPostback(db, request.params.id, context.clock.now());
      context.worker.wake();
      const back = (request.body as { back?: unknown } | undefined)?.back;
      const target = typeof back === 'string' && /^\/admin\/[\w/-]*$/.test(back) ? back : '/admin/postbacks';
      return reply.redirect(`${target}?done=postback-retried`, 303);
    },
  );

  app.post('/admin/postbacks/replay', async function replayFromPage(request, reply) {
    const form = (request.body ?? {}) as Record<string, string>;
    const campaign = form.campaign ? await findCampaignByAlias(db, form.campaign) : null;
    if (form.campaign && !campaign) throw new AppError('CAMPAIGN_NOT_FOUND');
    const period = readPeriod(form, context.clock.now());
    const replayed = await replayPostbacks(
      db,
      {
        campaignId: campaign?.id,
        state: form.state === 'delivered' ? 'delivered' : 'failed',
        from: period.from,
        to: period.to,
      },
      context.clock.now(),
    );
    context.worker.wake();
    return reply.redirect(`/admin/postbacks?replayed=${replayed}`, 303);
  });
}
