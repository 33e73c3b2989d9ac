// The campaign editor's caps and traffic rules: its section of the form, and the form fields to and from the API body.
import type { Campaign } from '../campaigns/campaign.js';
import { type FieldErrors, selectField, textField } from './form-fields.js';
import { html, type SafeHtml } from './html.js';

/** The editor's flat form fields (campaign-form.ts's CampaignForm). */
type CampaignForm = Record<string, string>;

/** The rules as the form shows them: empty for "none". */
export function trafficRulesToForm(campaign: Campaign): CampaignForm {
  return {
    tr_timezone: campaign.timezone,
    tr_daily_cap: campaign.caps.daily === null ? '' : String(campaign.caps.daily),
    tr_total_cap: campaign.caps.total === null ? '' : String(campaign.caps.total),
    tr_countries: (campaign.countries ?? []).join(', '),
    tr_dedupe_scope: campaign.dedupeScope,
    tr_ip_window: campaign.duplicateIpWindowHours ? String(campaign.duplicateIpWindowHours) : '',
  };
}

/** A whole number, null when empty, or the text as typed (the API refuses it with its own message). */
function countOrNull(value: string | undefined): number | string | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** The rules' part of the API body. */
export function trafficRulesBody(form: CampaignForm): Record<string, unknown> {
  const countries = (form.tr_countries ?? '')
    .split(/[\s,;]+/)
    .map((code) => code.trim())
    .filter(Boolean);
  return {
    timezone: form.tr_timezone?.trim() || 'UTC',
    caps: { daily: countOrNull(form.tr_daily_cap), total: countOrNull(form.tr_total_cap) },
    countries: countries.length > 0 ? countries : null,
    dedupe_scope: form.tr_dedupe_scope === 'connection' ? 'connection' : 'campaign',
    duplicate_ip_window_hours: countOrNull(form.tr_ip_window),
  };
}

/** The first error about the country list (the API names each bad entry, `countries.2`). */
function countriesError(errors: FieldErrors): FieldErrors {
  const key = Object.keys(errors).find((name) => name === 'countries' || name.startsWith('countries.'));
  return key
    ? {
        tr_countries: `${key === 'countries' ? '' : `entry ${Number(key.split('.')[1]) + 1}: `}${errors[key]}`,
      }
    : {};
}

/** The section: caps (daily in the campaign's time zone, total), allowed countries, dedupe scope, IP window. */
export function trafficRulesSection(form: CampaignForm, errors: FieldErrors): SafeHtml {
  return html`<section class="card"><h2>Caps and traffic rules</h2><div class="form-grid">
    ${textField({ name: 'tr_daily_cap', label: 'Daily cap (leads a day, empty = none)', value: form.tr_daily_cap, type: 'number', errors, errorKey: 'caps.daily' })}
    ${textField({ name: 'tr_total_cap', label: 'Total cap (leads in all, empty = none)', value: form.tr_total_cap, type: 'number', errors, errorKey: 'caps.total' })}
    ${textField({ name: 'tr_timezone', label: 'Time zone of the daily cap (IANA)', value: form.tr_timezone ?? 'UTC', errors, errorKey: 'timezone', placeholder: 'Europe/Moscow' })}
    ${textField({ name: 'tr_countries', label: 'Countries (ISO codes, empty = any)', value: form.tr_countries, errors: countriesError(errors), placeholder: 'RU, KZ', hint: "A lead's phone number (and country, when sent) must be of one of these." })}
    ${selectField({
      name: 'tr_dedupe_scope',
      label: 'Duplicate phones are looked for in',
      value: form.tr_dedupe_scope ?? 'campaign',
      errors,
      errorKey: 'dedupe_scope',
      choices: [
        ['campaign', 'this campaign'],
        ['connection', 'every campaign of this SalesRender company'],
      ],
    })}
    ${textField({ name: 'tr_ip_window', label: 'Duplicate IP window (hours, empty = off)', value: form.tr_ip_window, type: 'number', errors, errorKey: 'duplicate_ip_window_hours' })}
  </div></section>`;
}
