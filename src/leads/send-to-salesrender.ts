// One create call to SalesRender for a lead: CPA lead/add, or a CRM addOrder fitted to the live schema.
import type { Campaign } from '../campaigns/campaign.js';
import type { CompanySchemas } from '../campaigns/company-schemas.js';
import { crmOrderSettings } from '../campaigns/crm-order-settings.js';
import { addCpaLead } from '../salesrender/cpa-client.js';
import { CrmClient, type SalesRenderTarget } from '../salesrender/crm-client.js';
import { SalesRenderError } from '../salesrender/errors.js';
import { fitAddOrderInput, leadValuesOf } from '../salesrender/fit-input.js';
import { buildAddOrderInput, buildCpaLeadBody, type LeadForOrder } from '../salesrender/order-input.js';
import type { ExchangeObserver } from '../salesrender/transport.js';

/**
 * Sends the lead to SalesRender through the campaign's module. A CRM input is first fitted to the
 * company's live schema (fit-input.ts); one that cannot fit is not sent but held as a schema fault.
 */
export async function sendToSalesRender(
  deps: { schemas: CompanySchemas },
  campaign: Campaign,
  lead: LeadForOrder,
  token: string,
  options: { timeoutMs: number; observe: ExchangeObserver },
): Promise<string> {
  const sr = campaign.salesrender;
  const target: SalesRenderTarget = { baseUrl: sr.baseUrl, companyId: sr.companyId, token };
  if (campaign.module === 'cpa') {
    const body = buildCpaLeadBody(lead, { offerId: sr.offerId ?? '', fields: sr.fields });
    return (await addCpaLead(target, body, options)).orderId;
  }
  const built = buildAddOrderInput(lead, crmOrderSettings(campaign));
  const fitted = fitAddOrderInput(await deps.schemas.forTarget(target), built);
  const blocking = fitted.problems.filter((problem) => problem.severity === 'error');
  if (blocking.length > 0) {
    throw new SalesRenderError('SR_SCHEMA_FAULT', blocking.map((problem) => problem.message).join('; '));
  }
  return (await new CrmClient(target, options).addOrder(fitted.input, leadValuesOf(fitted.input))).orderId;
}
