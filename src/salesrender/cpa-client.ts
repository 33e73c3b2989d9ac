// SalesRender's CPA module: the REST `lead/add` call a webmaster token may make (salesrender-api.md).
import { moduleUrl, type SalesRenderTarget } from './crm-client.js';
import { errorFromHttpStatus, type LeadValue, namesLeadValue, SalesRenderError } from './errors.js';
import { postJson, type TransportOptions } from './transport.js';

export interface CpaLeadResult {
  orderId: string;
  status: unknown;
  reward: unknown;
}

/** `POST .../CPA/lead/add`: 201 `{id, status, method, reward}` on success, `errors[0].message` otherwise [official]. */
export async function addCpaLead(
  target: SalesRenderTarget,
  body: Record<string, unknown>,
  options: TransportOptions,
): Promise<CpaLeadResult> {
  const url = `${moduleUrl(target, 'CPA')}/lead/add`;
  const response = await postJson(url, target.token, 'cpaLeadAdd', body, options);
  const answer = (response.unreadable ? {} : (response.body ?? {})) as {
    id?: unknown;
    status?: unknown;
    reward?: unknown;
    errors?: { message?: unknown }[];
  };
  if (response.status === 201 || response.status === 200) {
    if (response.unreadable || answer.id === undefined || answer.id === null) {
      throw new SalesRenderError('SR_BAD_RESPONSE', 'CPA lead/add answered without a lead id', {
        httpStatus: response.status,
      });
    }
    return { orderId: String(answer.id), status: answer.status, reward: answer.reward };
  }
  const message =
    typeof answer.errors?.[0]?.message === 'string'
      ? answer.errors[0].message
      : `SalesRender CPA answered HTTP ${response.status}`;
  const error = errorFromHttpStatus(response.status, message, response.retryAfterMs);
  // A 4xx refusal is the lead's own only when it names one of the lead's values; otherwise (an unknown
  // offer, a key the module does not take) it is the operator's to fix, and the lead is held.
  if (error.code === 'SR_REJECTED' && !namesLeadValue(message, cpaLeadValues(body))) {
    throw new SalesRenderError('SR_SCHEMA_FAULT', message, { httpStatus: response.status });
  }
  throw error;
}

/** The lead's values in a lead/add body, by path (`data.phone_1`, `source.subid_1`). */
function cpaLeadValues(body: Record<string, unknown>): LeadValue[] {
  const values: LeadValue[] = [];
  for (const group of ['data', 'source'] as const) {
    for (const [key, value] of Object.entries((body[group] ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string') values.push({ path: `${group}.${key}`, value });
      else if (value && typeof value === 'object')
        for (const [part, text] of Object.entries(value))
          if (typeof text === 'string') values.push({ path: `${group}.${key}.${part}`, value: text });
    }
  }
  return values;
}
