// The campaign editor form as HTML: basics, SalesRender settings, the status map (from SalesRender's live
// list when it answers), payouts, the postback template with its sample, and the advanced JSON fields.
import type { LiveStatuses } from '../campaigns/live-statuses.js';
import { trackerPresets } from '../postbacks/tracker-presets.js';
import { type CampaignForm, commonLabels, rowCount } from './campaign-form.js';
import { csrfInput, type FieldErrors, selectField, textArea, textField } from './form-fields.js';
import { trafficRulesSection } from './traffic-rules-section.js';

/**
 * A tracker preset fills the postback fields (console.js); the buyer then puts in their domain and key.
 * Without JavaScript the list still names each tracker's format.
 */
function presetPicker() {
  return html`<div class="field"><label for="postback-preset">Tracker preset</label>
    <select id="postback-preset">
      <option value="">— fill in from a tracker's format —</option>
      ${trackerPresets.map(
        (preset) =>
          html`<option value="${preset.id}" data-preset="${JSON.stringify(preset.postback)}" title="${preset.fits}. ${preset.notes}">${preset.name}</option>`,
      )}
    </select>
    <div class="hint">Fits: ${trackerPresets.map((preset) => preset.fits).join('; ')}.</div></div>`;
}

import { html, type SafeHtml } from './html.js';

/** The doc's default label per SalesRender status group (salesrender-api.md, Reading), offered as a suggestion. */
const suggestedLabel: Record<string, string> = {
  PROCESSING: 'pending',
  APPROVED: 'accepted',
  SHIPPED: 'accepted',
  DELIVERED: 'accepted',
  CANCELED: 'rejected',
  UNDELIVERED: 'rejected',
  REFUNDED: 'rejected',
  SPAM: 'trash',
  DOUBLE: 'trash',
};

function statusMapEditor(form: CampaignForm, live: LiveStatuses | null): SafeHtml {
  const mapped = new Map<string, string>();
  for (let index = 0; index < rowCount(form, 'sm'); index++) {
    const id = form[`sm_id_${index}`]?.trim();
    if (id) mapped.set(id, form[`sm_label_${index}`] ?? '');
  }
  const labelInput = (index: number, value: string, placeholder: string, name: string) =>
    html`<input name="sm_label_${index}" value="${value}" list="labels" placeholder="${placeholder}"
      aria-label="Label for status ${name}">`;
  if (live?.statuses) {
    const shown = live.statuses.filter((status) => !status.archived || mapped.has(status.id));
    const fresh = mapped.size === 0;
    const extra = [...mapped.keys()].filter((id) => !live.statuses?.some((status) => status.id === id));
    return html`<div class="table-wrap"><table id="status-map">
      <thead><tr><th>Status id</th><th>SalesRender name</th><th>Group</th><th>Our label</th></tr></thead>
      <tbody>
        ${shown.map((status, index) => {
          const suggestion = suggestedLabel[status.group] ?? '';
          return html`<tr>
            <td><input type="hidden" name="sm_id_${index}" value="${status.id}">${status.id}</td>
            <td>${status.name}${status.archived ? html` <span class="badge">archived</span>` : ''}</td>
            <td>${status.group}</td>
            <td>${labelInput(index, mapped.get(status.id) ?? (fresh ? suggestion : ''), suggestion, status.name)}</td>
          </tr>`;
        })}
        ${extra.map(
          (id, offset) => html`<tr>
            <td><input type="hidden" name="sm_id_${shown.length + offset}" value="${id}">${id}</td>
            <td colspan="2" class="errors">not in SalesRender's list</td>
            <td>${labelInput(shown.length + offset, mapped.get(id) ?? '', '', id)}</td>
          </tr>`,
        )}
      </tbody></table></div>
      <p class="hint muted">Listed live from SalesRender. An empty label leaves the status unmapped.</p>`;
  }
  const count = Math.max(rowCount(form, 'sm'), 0) + 3;
  return html`${live?.problem ? html`<p class="muted">${live.problem} Enter status ids by hand.</p>` : ''}
    <div class="table-wrap"><table id="status-map">
      <thead><tr><th>Status id</th><th>Our label</th></tr></thead>
      <tbody>${Array.from(
        { length: count },
        (_, index) => html`<tr>
          <td><input name="sm_id_${index}" value="${form[`sm_id_${index}`] ?? ''}" aria-label="Status id ${index + 1}"></td>
          <td>${labelInput(index, form[`sm_label_${index}`] ?? '', 'accepted', `row ${index + 1}`)}</td>
        </tr>`,
      )}</tbody></table></div>`;
}

function payoutRows(form: CampaignForm, currency: string): SafeHtml {
  const present = new Set<string>();
  const count = rowCount(form, 'po');
  for (let index = 0; index < count; index++) present.add(form[`po_label_${index}`] ?? '');
  const missing = ['accepted'].filter((label) => !present.has(label));
  const rows: [string, string][] = [];
  for (let index = 0; index < count; index++)
    rows.push([form[`po_label_${index}`] ?? '', form[`po_amount_${index}`] ?? '']);
  for (const label of missing) rows.push([label, '']);
  rows.push(['', ''], ['', '']);
  return html`<div class="table-wrap"><table id="payouts">
    <thead><tr><th>Label</th><th>Payout (${currency})</th></tr></thead>
    <tbody>${rows.map(
      ([label, amount], index) => html`<tr>
        <td><input name="po_label_${index}" value="${label}" list="labels" aria-label="Payout label ${index + 1}"></td>
        <td><input name="po_amount_${index}" value="${amount}" inputmode="decimal" aria-label="Payout amount ${index + 1}"></td>
      </tr>`,
    )}</tbody></table></div>`;
}

export function campaignFormHtml(options: {
  form: CampaignForm;
  mode: 'create' | 'edit';
  errors: FieldErrors;
  csrfToken: string;
  live: LiveStatuses | null;
}): SafeHtml {
  const { form, mode, errors } = options;
  const labels = new Set(commonLabels);
  for (const key of Object.keys(form)) {
    if (key.startsWith('pb_on_')) labels.add(key.slice(6));
    const label = key.startsWith('sm_label_') ? form[key]?.trim() : '';
    if (label) labels.add(label);
  }
  const action =
    mode === 'create' ? '/admin/campaigns' : `/admin/campaigns/${encodeURIComponent(form.alias ?? '')}`;
  const errorList = Object.entries(errors);
  return html`<form method="post" action="${action}" id="campaign-form" novalidate>
    ${csrfInput(options.csrfToken)}
    <datalist id="labels">${[...labels].map((label) => html`<option value="${label}">`)}</datalist>
    ${
      errorList.length
        ? html`<div class="flash error" role="alert"><strong>The campaign was not saved:</strong>
          <ul>${errorList.map(([field, reason]) => html`<li><code>${field}</code>: ${reason}</li>`)}</ul></div>`
        : ''
    }
    <section class="card"><h2>Basics</h2><div class="form-grid">
      ${
        mode === 'create'
          ? textField({
              name: 'alias',
              label: 'Alias (the partner URL: /v1/leads/<alias>)',
              value: form.alias,
              errors,
              required: true,
            })
          : html`<div class="field"><label>Alias</label><code>${form.alias}</code></div>`
      }
      ${textField({ name: 'name', label: 'Name', value: form.name, errors, required: true })}
      ${selectField({
        name: 'module',
        label: 'SalesRender module',
        value: form.module ?? 'crm',
        errors,
        choices: [
          ['crm', 'CRM (GraphQL addOrder)'],
          ['cpa', 'CPA (lead/add)'],
        ],
      })}
      ${textField({ name: 'default_country', label: 'Default country (ISO code, for local phone numbers)', value: form.default_country, errors })}
      ${textField({ name: 'currency', label: 'Currency', value: form.currency, errors })}
      ${textField({ name: 'dedupe_window_hours', label: 'Duplicate phone window (hours, 0 = off)', value: form.dedupe_window_hours, type: 'number', errors })}
      <div class="field"><label><input type="checkbox" name="active" ${form.active === 'on' ? html`checked` : ''}> Active (takes leads)</label></div>
    </div></section>
    ${trafficRulesSection(form, errors)}
    <section class="card"><h2>SalesRender</h2><div class="form-grid">
      ${textField({ name: 'sr_base_url', label: 'Base URL', value: form.sr_base_url, type: 'url', errors, errorKey: 'salesrender.base_url' })}
      ${textField({ name: 'sr_company_id', label: 'Company id', value: form.sr_company_id, errors, errorKey: 'salesrender.company_id', required: true })}
      ${textField({
        name: 'sr_token',
        label: 'API token',
        value: '',
        type: 'password',
        errors,
        errorKey: 'salesrender.token',
        hint:
          mode === 'edit'
            ? "Write-only: leave empty to keep the stored token (or the company connection's)."
            : "Leave empty to use the company connection's CRM token (Connections). A CPA campaign needs its webmaster's token. Stored encrypted; never shown again.",
        attributes: html`autocomplete="new-password"`,
      })}
      ${textField({ name: 'sr_project_id', label: 'Project id (CRM)', value: form.sr_project_id, errors, errorKey: 'salesrender.project_id' })}
      ${textField({ name: 'sr_initial_status_id', label: 'Initial status id (CRM)', value: form.sr_initial_status_id, errors, errorKey: 'salesrender.initial_status_id' })}
      ${textField({ name: 'sr_offer_id', label: 'Offer id', value: form.sr_offer_id, errors, errorKey: 'salesrender.offer_id' })}
      ${textField({ name: 'sr_webmaster_id', label: 'Webmaster id', value: form.sr_webmaster_id, errors, errorKey: 'salesrender.webmaster_id' })}
    </div></section>
    <section class="card"><h2>Status map</h2>${statusMapEditor(form, options.live)}</section>
    <section class="card"><h2>Payouts</h2>${payoutRows(form, form.currency || 'USD')}</section>
    <section class="card"><h2>Postback</h2>
      ${presetPicker()}
      ${textField({
        name: 'pb_url',
        id: 'postback-url',
        label: 'Tracker URL template',
        value: form.pb_url,
        type: 'url',
        errors,
        errorKey: 'postback.url',
        placeholder: 'https://tracker.example/postback?clickid={click_id}&status={status}&payout={payout}',
        hint: 'Macros: {click_id} {status} {status_id} {payout} {currency} {order_id} {lead_id} {tid} (one per order: the conversion id for Keitaro, Voluum, BeMob) {event_id} (one per status change) {comment} {sub1}…{sub5} {country} {campaign} {timestamp}',
        attributes: html`data-alias="${form.alias ?? ''}"`,
      })}
      <div class="field"><label for="postback-preview">Sample (accepted)</label>
        <output id="postback-preview" for="postback-url" aria-live="polite"><code>${options.form.pb_preview ?? ''}</code></output></div>
      ${selectField({
        name: 'pb_method',
        id: 'postback-method',
        label: 'Method',
        value: form.pb_method ?? 'GET',
        choices: [
          ['GET', 'GET (macros in the URL)'],
          ['POST', 'POST (JSON body, signed)'],
        ],
      })}
      <fieldset class="field"><legend>Send on</legend><div class="row">
        ${[...labels].map((label) => html`<label><input type="checkbox" name="pb_on_${label}" ${form[`pb_on_${label}`] ? html`checked` : ''}> ${label}</label>`)}
      </div></fieldset>
      ${textArea({ name: 'pb_status_values', label: 'Tracker words for labels (label=word per line)', value: form.pb_status_values ?? '', errors, errorKey: 'postback.status_values' })}
      ${textField({ name: 'pb_success_match', label: 'Answer must contain (optional)', value: form.pb_success_match ?? '', errors, errorKey: 'postback.success_match', hint: "A substring, or /regex/i, the tracker's 2xx answer must contain to count as delivered, e.g. OK with &return=OK (Keitaro)" })}
    </section>
    <details class="card"><summary>Advanced: field routes, cart, advertiser map</summary>
      <input type="hidden" name="sr_fields_module" value="${form.sr_fields_module ?? ''}">
      <p class="hint muted">Switching the module resets the routes to the new module's defaults.</p>
      ${textArea({ name: 'sr_fields', label: 'Field routes (lead attribute → SalesRender field or source.<key>); empty = defaults', value: form.sr_fields ?? '', errors, errorKey: 'salesrender.fields' })}
      ${textArea({ name: 'sr_cart', label: 'Cart items (JSON)', value: form.sr_cart ?? '[]', errors, errorKey: 'salesrender.cart' })}
      ${textArea({ name: 'advertiser_status_map', label: 'Advertiser labels → status ids (JSON); empty = inverse of the status map', value: form.advertiser_status_map ?? '', errors })}
    </details>
    <button type="submit">${mode === 'create' ? 'Create campaign' : 'Save campaign'}</button>
  </form>`;
}
