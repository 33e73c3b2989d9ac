// Small builders for labelled form controls, with the field's error from a refused submission.
import { html, type SafeHtml } from './html.js';

export type FieldErrors = Record<string, string>;

export function textField(options: {
  name: string;
  label: string;
  value?: string | number | null;
  type?: 'text' | 'password' | 'url' | 'number' | 'date';
  hint?: string;
  errors?: FieldErrors;
  /** The error key when it differs from the name (API paths such as `salesrender.company_id`). */
  errorKey?: string;
  required?: boolean;
  placeholder?: string;
  id?: string;
  attributes?: SafeHtml;
}): SafeHtml {
  const id = options.id ?? `f-${options.name.replace(/[^a-z0-9_-]/gi, '-')}`;
  const error = options.errors?.[options.errorKey ?? options.name];
  return html`<div class="field">
    <label for="${id}">${options.label}</label>
    <input id="${id}" name="${options.name}" type="${options.type ?? 'text'}" value="${options.value ?? ''}"
      ${options.required ? html`required` : ''} ${options.placeholder ? html`placeholder="${options.placeholder}"` : ''}
      ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''} ${options.attributes ?? ''}>
    ${options.hint ? html`<div class="hint">${options.hint}</div>` : ''}
    ${error ? html`<div class="error" id="${id}-error">${error}</div>` : ''}
  </div>`;
}

export function selectField(options: {
  name: string;
  label: string;
  value: string;
  choices: [string, string][];
  errors?: FieldErrors;
  errorKey?: string;
  id?: string;
}): SafeHtml {
  const id = options.id ?? `f-${options.name}`;
  const error = options.errors?.[options.errorKey ?? options.name];
  return html`<div class="field">
    <label for="${id}">${options.label}</label>
    <select id="${id}" name="${options.name}">
      ${options.choices.map(
        ([value, label]) =>
          html`<option value="${value}" ${value === options.value ? html`selected` : ''}>${label}</option>`,
      )}
    </select>
    ${error ? html`<div class="error">${error}</div>` : ''}
  </div>`;
}

export function textArea(options: {
  name: string;
  label: string;
  value: string;
  hint?: string;
  errors?: FieldErrors;
  errorKey?: string;
}): SafeHtml {
  const id = `f-${options.name}`;
  const error = options.errors?.[options.errorKey ?? options.name];
  return html`<div class="field">
    <label for="${id}">${options.label}</label>
    <textarea id="${id}" name="${options.name}">${options.value}</textarea>
    ${options.hint ? html`<div class="hint">${options.hint}</div>` : ''}
    ${error ? html`<div class="error">${error}</div>` : ''}
  </div>`;
}

export const csrfInput = (token: string) => html`<input type="hidden" name="_csrf" value="${token}">`;

/** A one-button form (retry, rotate, revoke...): POST with the CSRF token, optionally confirmed first. */
export function actionButton(options: {
  action: string;
  label: string;
  csrfToken: string;
  confirm?: string;
  danger?: boolean;
  hidden?: Record<string, string>;
}): SafeHtml {
  return html`<form method="post" action="${options.action}" style="display:inline"
      ${options.confirm ? html`data-confirm="${options.confirm}"` : ''}>
    ${csrfInput(options.csrfToken)}
    ${Object.entries(options.hidden ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button type="submit" class="${options.danger ? 'danger' : 'secondary'}">${options.label}</button>
  </form>`;
}

/** The refused submission's errors above a form, each field with its reason (or nothing). */
export function formErrors(errors: FieldErrors | undefined): SafeHtml | string {
  return errors && Object.keys(errors).length
    ? html`<div class="flash error" role="alert">${Object.entries(errors).map(([field, reason]) => html`<div><code>${field}</code>: ${reason}</div>`)}</div>`
    : '';
}
