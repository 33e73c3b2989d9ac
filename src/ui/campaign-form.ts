// The campaign editor's form as flat fields, to and from the admin API's campaign body.
import type { Campaign } from '../campaigns/campaign.js';
import type { FieldErrors } from './form-fields.js';
import { trafficRulesBody, trafficRulesToForm } from './traffic-rules-section.js';

/** The labels offered everywhere (operators may type their own). */
export const commonLabels = ['pending', 'accepted', 'rejected', 'trash', 'hold'];

export type CampaignForm = Record<string, string>;

/** Rows the editor shows for maps kept as rows (status map, payouts). */
export const rowCount = (form: CampaignForm, prefix: string) =>
  Object.keys(form)
    .filter((key) => key.startsWith(`${prefix}_id_`) || key.startsWith(`${prefix}_label_`))
    .map((key) => Number(key.split('_').at(-1)))
    .reduce((max, index) => Math.max(max, index + 1), 0);

export function newCampaignForm(): CampaignForm {
  return {
    module: 'crm',
    active: 'on',
    sr_base_url: 'https://de.backend.salesrender.com',
    currency: 'USD',
    dedupe_window_hours: '24',
    pb_method: 'GET',
    pb_on_accepted: 'on',
    pb_on_rejected: 'on',
    pb_on_trash: 'on',
    sr_fields: '',
    sr_cart: '[]',
    advertiser_status_map: '',
    pb_status_values: '',
    pb_success_match: '',
    tr_timezone: 'UTC',
    tr_dedupe_scope: 'campaign',
  };
}

/** The stored campaign as the form shows it (the token is never shown). */
export function campaignToForm(campaign: Campaign): CampaignForm {
  const sr = campaign.salesrender;
  const form: CampaignForm = {
    alias: campaign.alias,
    name: campaign.name,
    module: campaign.module,
    active: campaign.active ? 'on' : '',
    sr_base_url: sr.baseUrl,
    sr_company_id: sr.companyId,
    sr_project_id: sr.projectId ?? '',
    sr_initial_status_id: sr.initialStatusId ?? '',
    sr_offer_id: sr.offerId ?? '',
    sr_webmaster_id: sr.webmasterId ?? '',
    default_country: campaign.defaultCountry ?? '',
    currency: campaign.currency,
    dedupe_window_hours: String(campaign.dedupeWindowHours),
    sr_fields: JSON.stringify(sr.fields, null, 2),
    sr_fields_module: campaign.module,
    sr_cart: JSON.stringify(sr.cart),
    advertiser_status_map: campaign.advertiserStatusMapConfigured
      ? JSON.stringify(campaign.advertiserStatusMapConfigured, null, 2)
      : '',
    pb_url: campaign.postback?.url ?? '',
    pb_method: campaign.postback?.method ?? 'GET',
    pb_status_values: Object.entries(campaign.postback?.status_values ?? {})
      .map(([label, word]) => `${label}=${word}`)
      .join('\n'),
    pb_success_match: campaign.postback?.success_match ?? '',
    ...trafficRulesToForm(campaign),
  };
  for (const label of campaign.postback?.on ?? []) form[`pb_on_${label}`] = 'on';
  Object.entries(campaign.statusMap).forEach(([id, label], index) => {
    form[`sm_id_${index}`] = id;
    form[`sm_label_${index}`] = label;
  });
  Object.entries(campaign.payoutsMinor).forEach(([label, minor], index) => {
    form[`po_label_${index}`] = label;
    form[`po_amount_${index}`] = String(minor / 100);
  });
  return form;
}

function rows(form: CampaignForm, prefix: string, first: string, second: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const key of Object.keys(form)) {
    const match = new RegExp(`^${prefix}_${first}_(\\d+)$`).exec(key);
    if (!match) continue;
    const left = (form[key] ?? '').trim();
    const right = (form[`${prefix}_${second}_${match[1]}`] ?? '').trim();
    if (left && right) pairs.push([left, right]);
  }
  return pairs;
}

function parseJson(text: string | undefined, field: string, errors: FieldErrors): unknown {
  if (!text?.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    errors[field] = `not valid JSON: ${(error as Error).message}`;
    return undefined;
  }
}

const orNull = (value: string | undefined) => (value?.trim() ? value.trim() : null);

/**
 * The API body for the form. The token is sent only when typed (write-only; without one the company's
 * connection's token is used), and the alias never changes on edit. Problems the form itself can see come back as `errors`,
 * keyed like the API's 422 fields so both show next to the same control.
 */
export function formToCampaignBody(form: CampaignForm, mode: 'create' | 'edit') {
  const errors: FieldErrors = {};
  const statusMap = Object.fromEntries(rows(form, 'sm', 'id', 'label'));
  const payouts: Record<string, number> = {};
  for (const [label, amount] of rows(form, 'po', 'label', 'amount')) {
    const value = Number(amount.replace(',', '.'));
    if (Number.isFinite(value)) payouts[label] = value;
    else errors[`payouts.${label}`] = 'must be a number';
  }
  const statusValues = Object.fromEntries(
    (form.pb_status_values ?? '')
      .split('\n')
      .map((line) => line.split('='))
      .filter((parts) => parts.length >= 2 && parts[0]?.trim())
      .map((parts) => [(parts[0] ?? '').trim(), parts.slice(1).join('=').trim()]),
  );
  const on = Object.keys(form)
    .filter((key) => key.startsWith('pb_on_') && form[key])
    .map((key) => key.slice('pb_on_'.length));
  // Routes shown for the other module are not carried over a module switch: the new module's defaults apply.
  const fieldsApply = !form.sr_fields_module || form.sr_fields_module === form.module;
  const fields = fieldsApply ? parseJson(form.sr_fields, 'salesrender.fields', errors) : undefined;
  const cart = parseJson(form.sr_cart, 'salesrender.cart', errors);
  const advertiserMap = parseJson(form.advertiser_status_map, 'advertiser_status_map', errors);
  const dedupe = Number(form.dedupe_window_hours);

  const salesrender: Record<string, unknown> = {
    base_url: form.sr_base_url?.trim(),
    company_id: form.sr_company_id?.trim() ?? '',
    project_id: orNull(form.sr_project_id),
    initial_status_id: orNull(form.sr_initial_status_id),
    offer_id: orNull(form.sr_offer_id),
    webmaster_id: orNull(form.sr_webmaster_id),
  };
  if (fields !== undefined) salesrender.fields = fields;
  if (cart !== undefined) salesrender.cart = cart;
  // Write-only, and optional: without one the campaign uses its connection's token.
  if (form.sr_token?.trim()) salesrender.token = form.sr_token.trim();

  const body: Record<string, unknown> = {
    name: form.name?.trim() ?? '',
    module: form.module === 'cpa' ? 'cpa' : 'crm',
    active: form.active === 'on',
    salesrender,
    status_map: statusMap,
    payouts,
    currency: form.currency?.trim().toUpperCase() || 'USD',
    default_country: orNull(form.default_country),
    dedupe_window_hours: Number.isInteger(dedupe) ? dedupe : form.dedupe_window_hours,
    postback: form.pb_url?.trim()
      ? {
          url: form.pb_url.trim(),
          method: form.pb_method === 'POST' ? 'POST' : 'GET',
          on,
          status_values: statusValues,
          ...(form.pb_success_match?.trim() ? { success_match: form.pb_success_match.trim() } : {}),
        }
      : null,
    advertiser_status_map: advertiserMap ?? null,
    ...trafficRulesBody(form),
  };
  if (mode === 'create') body.alias = form.alias?.trim() ?? '';
  return { body, errors };
}
