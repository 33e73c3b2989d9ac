// A campaign's SalesRender settings in the shape the CRM input builder takes (order-input.ts).
import type { CrmOrderSettings } from '../salesrender/order-input.js';
import type { Campaign } from './campaign.js';

export function crmOrderSettings(campaign: Campaign): CrmOrderSettings {
  const sr = campaign.salesrender;
  return {
    projectId: sr.projectId,
    statusId: sr.initialStatusId,
    offerId: sr.offerId,
    webmasterId: sr.webmasterId,
    cart: sr.cart,
    fields: sr.fields,
  };
}
