// SalesRender's CPA module: the REST `lead/add` call a webmaster token may make (salesrender-api.md).
import { moduleUrl, type SalesRenderTarget } from './crm-client.js';
import { errorFromHttpStatus, SalesRenderError } from './errors.js';
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
  throw errorFromHttpStatus(response.status, message, response.retryAfterMs);
}
