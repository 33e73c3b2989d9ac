// A sample postback for a template, as the tracker would get it for an accepted lead (the editor's preview).
import type { Campaign } from '../campaigns/campaign.js';
import { buildPostbackPayload } from '../postbacks/build-postback.js';

/** A sample URL for the template, as the tracker would get it for an accepted lead. */
export function previewUrl(
  campaign: Campaign | null,
  template: string,
  method: 'GET' | 'POST',
  now: Date,
): string {
  const base: Campaign =
    campaign ??
    ({
      id: 'cmp_preview',
      alias: 'preview',
      currency: 'USD',
      payoutsMinor: { accepted: 1250 },
      statusMap: { '3': 'accepted' },
      defaultCountry: 'RU',
    } as unknown as Campaign);
  const payload = buildPostbackPayload(
    base,
    { url: template, method, on: [], status_values: campaign?.postback?.status_values ?? {} },
    {
      leadId: 'lead_sample',
      orderId: '100500',
      clickId: 'sample-click-id',
      country: base.defaultCountry,
      subs: { sub1: 'sub-one' },
      statusId: Object.entries(base.statusMap).find(([, label]) => label === 'accepted')?.[0] ?? '0',
      label: 'accepted',
      comment: 'Client confirmed',
      changedAt: now,
    },
  );
  return method === 'POST' ? `POST ${payload.url}  ${payload.body}` : payload.url;
}
