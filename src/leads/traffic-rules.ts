// A campaign's geo rule: the countries its leads may come from, checked on the normalised lead.
import type { Campaign } from '../campaigns/campaign.js';
import { AppError } from '../errors.js';
import type { NormalisedLead } from './lead-input.js';

/**
 * Refuses a lead of a campaign with `countries` whose country is not among them: 422
 * LEAD_GEO_NOT_ALLOWED naming the field that placed it. The phone number's own country is checked always
 * (the call centre calls that number), and the `country` parameter when the lead sent one. A number
 * written without its international prefix takes its country from `country` when sent: then `country`
 * alone is named. A non-geographic number (+800, +882…) passes only on an allowed `country`.
 */
export function checkLeadGeo(campaign: Pick<Campaign, 'countries'>, lead: NormalisedLead): void {
  const allowed = campaign.countries;
  if (!allowed) return;
  const list = allowed.join(', ');
  const fields: Record<string, string> = {};
  const sentCountry = lead.countryFrom === 'country' ? lead.country : null;
  if (sentCountry !== null && !allowed.includes(sentCountry)) {
    fields.country = `${sentCountry} is not among the campaign's countries (${list})`;
  }
  if (lead.phoneCountry === null) {
    if (sentCountry === null)
      fields.phone = `has no country (a non-geographic number); send country, one of ${list}`;
  } else if (!allowed.includes(lead.phoneCountry) && !(lead.phoneCountry === sentCountry && fields.country)) {
    fields.phone = `is a ${lead.phoneCountry} number; the campaign takes numbers of ${list}`;
  }
  if (Object.keys(fields).length > 0) {
    throw new AppError('LEAD_GEO_NOT_ALLOWED', undefined, { fields, details: { countries: allowed } });
  }
}
