// How the console shows a lead's state: a lead held for a SalesRender schema problem says so with the
// reason, and a lead that SalesRender may hold twice carries a "possible duplicate" badge.
import type { LeadRow } from '../leads/lead-repository.js';
import { html, type SafeHtml } from './html.js';

type LeadFlags = Pick<LeadRow, 'state' | 'errorCode' | 'errorMessage' | 'possibleDuplicate'>;

/** Queued with SR_SCHEMA_FAULT: what LeadBridge sends does not fit the company's live schema. */
export const isHeldForSchema = (lead: LeadFlags): boolean =>
  lead.state === 'queued' && lead.errorCode === 'SR_SCHEMA_FAULT';

export const duplicateExplanation =
  'sent again after a create call whose outcome was unknown; SalesRender may hold two orders for it';

/** The state badge; a held lead's reads "waiting: SalesRender schema problem", its reason in the title. */
export function leadStateBadge(lead: LeadFlags): SafeHtml {
  if (isHeldForSchema(lead))
    return html`<span class="badge queued held" title="${lead.errorMessage ?? ''}">waiting: SalesRender schema problem</span>`;
  return html`<span class="badge ${lead.state}">${lead.state}</span>`;
}

export function duplicateBadge(lead: LeadFlags): SafeHtml {
  return lead.possibleDuplicate
    ? html`<span class="badge possible-duplicate" title="${duplicateExplanation}">possible duplicate</span>`
    : html``;
}

/** The lead list's state cell: badges, and a held lead's reason on its own line. */
export function leadStateCell(lead: LeadFlags): SafeHtml {
  return html`${leadStateBadge(lead)} ${duplicateBadge(lead)}
    ${isHeldForSchema(lead) && lead.errorMessage ? html`<div class="errors held-reason">${lead.errorMessage}</div>` : ''}`;
}

/** The lead page's state field: badges, the error (a held lead's schema reason) and what a duplicate means. */
export function leadStateDetail(lead: LeadFlags): SafeHtml {
  return html`${leadStateBadge(lead)} ${duplicateBadge(lead)}
    ${lead.errorCode ? html`<div class="errors held-reason"><code>${lead.errorCode}</code>: ${lead.errorMessage}</div>` : ''}
    ${lead.possibleDuplicate ? html`<div class="muted" id="duplicate-explanation">Possible duplicate: ${duplicateExplanation}.</div>` : ''}`;
}
