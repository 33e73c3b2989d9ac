// A partner's own caps on each of its campaigns in the console: daily (in the campaign's time zone) and total.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findClientDetail } from '../../campaigns/api-clients.js';
import { setPartnerCaps } from '../../campaigns/partner-caps.js';
import type { AppContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { csrfInput, type FieldErrors, textField } from '../form-fields.js';
import { html } from '../html.js';
import type { Flash } from '../layout.js';
import { sendPage } from '../send-page.js';

/** A cap as typed in the form: empty is no cap; anything else goes to the API's validation as a number. */
function capFromField(value: string | undefined): number | string | null {
  const text = (value ?? '').trim();
  if (text === '') return null;
  const number = Number(text);
  return Number.isFinite(number) ? number : text;
}

export function registerPartnerCapsPages(app: FastifyInstance, context: AppContext): void {
  const db = context.database.orm;
  const pageUrl = (partnerId: string) => `/admin/partners/${encodeURIComponent(partnerId)}/caps`;

  async function send(
    request: FastifyRequest,
    reply: Parameters<typeof sendPage>[1],
    partnerId: string,
    options: {
      flash?: Flash;
      status?: number;
      failed?: { alias: string; errors: FieldErrors; form: Record<string, string> };
    } = {},
  ) {
    const partner = await findClientDetail(db, 'partner', partnerId);
    if (!partner) throw new AppError('CLIENT_NOT_FOUND');
    const csrfToken = request.consoleSession?.csrfToken ?? '';
    const body = html`
      <p><a href="/admin/partners/${encodeURIComponent(partnerId)}">← ${partner.name}</a></p>
      <section class="card" id="partner-caps"><h2>Caps</h2>
        <p class="muted">Leads this partner may send to each campaign: per day (in the campaign's time zone) and in
          all. Empty is no cap of the partner's own; the campaign's caps apply as well. A lead over a cap is
          answered <code>429 CAP_REACHED</code> and not sent to SalesRender.</p>
        ${partner.campaigns.length === 0 ? html`<p class="muted">The partner may not send to any campaign yet.</p>` : ''}
        ${partner.campaigns.map((alias) => {
          const failed = options.failed?.alias === alias ? options.failed : null;
          const caps = partner.caps[alias] ?? { daily: null, total: null };
          return html`<form method="post" action="${pageUrl(partnerId)}/${encodeURIComponent(alias)}" class="caps-form">
            ${csrfInput(csrfToken)}
            <h3>${alias}</h3>
            <div class="form-grid">
              ${textField({ name: 'daily', id: `daily-${alias}`, label: `Daily cap on ${alias}`, type: 'number', value: failed ? failed.form.daily : caps.daily, errors: failed?.errors })}
              ${textField({ name: 'total', id: `total-${alias}`, label: `Total cap on ${alias}`, type: 'number', value: failed ? failed.form.total : caps.total, errors: failed?.errors })}
            </div>
            <button type="submit" class="secondary">Save ${alias} caps</button>
          </form>`;
        })}
      </section>`;
    return sendPage(request, reply, {
      title: `${partner.name}: caps`,
      section: 'partners',
      body,
      flash: options.flash ?? null,
      status: options.status,
    });
  }

  app.get<{ Params: { id: string } }>(
    '/admin/partners/:id/caps',
    async function partnerCapsPage(request, reply) {
      return send(request, reply, request.params.id);
    },
  );

  app.post<{ Params: { id: string; alias: string } }>(
    '/admin/partners/:id/caps/:alias',
    async function savePartnerCapsFromPage(request, reply) {
      const form = (request.body ?? {}) as Record<string, string>;
      const { id, alias } = request.params;
      try {
        await setPartnerCaps(db, id, alias, {
          daily: capFromField(form.daily),
          total: capFromField(form.total),
        });
        return send(request, reply, id, { flash: { kind: 'ok', text: `Caps on ${alias} saved.` } });
      } catch (error) {
        if (!(error instanceof AppError) || !error.extra.fields) throw error;
        const fields = error.extra.fields;
        // A reason with no control on the page (the campaign no longer allowed, say) is shown on its own.
        const elsewhere = Object.entries(fields).filter(([field]) => field !== 'daily' && field !== 'total');
        return send(request, reply, id, {
          status: 422,
          failed: { alias, errors: fields, form },
          ...(elsewhere.length > 0
            ? {
                flash: {
                  kind: 'error',
                  text: elsewhere.map(([field, reason]) => `${field}: ${reason}`).join('; '),
                },
              }
            : {}),
        });
      }
    },
  );
}
