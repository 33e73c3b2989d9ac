// Postback settings for the trackers buyers use, from each tracker's public docs (../shared/docs/trackers.md):
// a starting point the console fills in; `<...>` parts are the buyer's own (domain, key, token).
import type { PostbackRow } from '../db/schema.js';

export interface TrackerPreset {
  id: string;
  name: string;
  /** Which version of the tracker the preset fits, and where that was read. */
  fits: string;
  postback: PostbackRow;
  /** What a buyer should know: how repeats count, what must be set in the tracker. */
  notes: string;
}

const allLabels = ['pending', 'accepted', 'rejected', 'trash'];

export const trackerPresets: readonly TrackerPreset[] = [
  {
    id: 'keitaro',
    name: 'Keitaro',
    fits: 'Keitaro v9 and later (docs.keitaro.io, conversions/postback)',
    postback: {
      url: 'https://<tracker-domain>/<postback_key>/postback?subid={click_id}&status={status}&payout={payout}&tid={tid}&currency={currency}&return=OK',
      method: 'GET',
      on: allLabels,
      status_values: { pending: 'lead', accepted: 'sale', rejected: 'rejected', trash: 'rejected' },
      success_match: 'OK',
    },
    notes:
      'One conversion per order ({tid}): moved lead -> sale -> rejected. `&return=OK` makes Keitaro answer OK, which LeadBridge checks.',
  },
  {
    id: 'orbitra',
    name: 'Orbitra',
    fits: 'Orbitra (open-source, Keitaro-format postbacks)',
    postback: {
      url: 'https://<tracker-domain>/<postback_key>/postback?subid={click_id}&status={status}&payout={payout}&tid={tid}&currency={currency}',
      method: 'GET',
      on: allLabels,
      status_values: { pending: 'lead', accepted: 'sale', rejected: 'rejected', trash: 'rejected' },
    },
    notes:
      'Upserts on (click id, tid). A wrong postback key is answered 200 with its admin page: check the first postbacks in the tracker.',
  },
  {
    id: 'binom-v1',
    name: 'Binom (v1)',
    fits: 'Binom v1, click.php postback (docs.binom.org/postback-url.php)',
    postback: {
      url: 'https://<tracker-domain>/click.php?cnv_id={click_id}&payout={payout}&cnv_status={status}',
      method: 'GET',
      on: allLabels,
      status_values: { pending: 'hold', accepted: 'approve', rejected: 'reject', trash: 'reject' },
    },
    notes:
      'No transaction id: a repeat replaces the payout unless the offer has Upsell on (then it adds). Statuses are free text.',
  },
  {
    id: 'voluum',
    name: 'Voluum',
    fits: 'Voluum (doc.voluum.com, tracking conversions with postback)',
    postback: {
      url: 'https://<tracker-domain>/postback?cid={click_id}&payout={payout}&txid={tid}&currency={currency}',
      method: 'GET',
      on: ['accepted'],
      status_values: {},
    },
    notes:
      'A (cid, txid) pair counts once and there is no status to move: the sale alone is sent, or the hold would use up the txid.',
  },
  {
    id: 'bemob',
    name: 'BeMob',
    fits: 'BeMob (help.bemob.com, creating an affiliate network)',
    postback: {
      url: 'https://<tracker-domain>/postback?cid={click_id}&payout={payout}&txid={tid}&status={status}',
      method: 'GET',
      on: ['accepted'],
      status_values: { accepted: 'approved' },
    },
    notes: 'txid prevents duplicates, like Voluum: the sale alone is sent.',
  },
  {
    id: 'redtrack',
    name: 'RedTrack',
    fits: 'RedTrack (docs.redtrack.io, conversion types)',
    postback: {
      url: 'https://<tracker-domain>/postback?clickid={click_id}&sum={payout}&type=Conversion&status={status}',
      method: 'GET',
      on: allLabels,
      status_values: { pending: 'Pending', accepted: 'Approved', rejected: 'Declined', trash: 'Declined' },
    },
    notes:
      'Set the conversion type\'s duplicate mode to "edit conversion with new data", so a status change edits one conversion.',
  },
  {
    id: 'affise',
    name: 'Affise',
    fits: 'Affise, as a network receiving postbacks (help-center.affise.com, postback URL parameters)',
    postback: {
      url: 'https://<tracker-domain>/postback?clickid={click_id}&action_id={tid}&sum={payout}&status={status}',
      method: 'GET',
      on: allLabels,
      status_values: { pending: '2', accepted: '1', rejected: '3', trash: '3' },
    },
    notes:
      'A conversion is unique by offer, goal and action_id; Affise changes its status only while it is pending.',
  },
  {
    id: 'everflow',
    name: 'Everflow',
    fits: 'Everflow partner (affiliate) postbacks (helpdesk.everflow.io, server postback)',
    postback: {
      url: 'https://<tracker-domain>/?nid=<network_id>&transaction_id={click_id}&amount={payout}&adv1={status}&adv2={tid}',
      method: 'GET',
      on: ['accepted'],
      status_values: { pending: 'pending', accepted: 'approved', rejected: 'rejected', trash: 'invalid' },
    },
    notes:
      'Each postback records a conversion, so only the sale is sent; Everflow turns a partner postback off after 10 failures in a row within 72 h.',
  },
  {
    id: 'scaleo',
    name: 'Scaleo',
    fits: 'Scaleo (help.scaleo.io, add/change conversion postbacks)',
    postback: {
      url: 'https://<tracker-domain>/track/conv-addchange?click_id={click_id}&conv_status={status}&amount={payout}&token=<token>',
      method: 'GET',
      on: allLabels,
      status_values: { pending: 'pending', accepted: 'approved', rejected: 'rejected', trash: 'trash' },
    },
    notes: 'conv-addchange adds the conversion, then edits it on each status change.',
  },
];

/**
 * The parts of a preset's URL the buyer fills in: their tracker's host (`trk.example.com`, or with its
 * scheme: `http://trk.example.com:8080`), and its key or token.
 */
export const presetHostPlaceholder = '<tracker-domain>';
export const presetKeyPlaceholders = ['<postback_key>', '<token>', '<network_id>'];

/** The preset's URL with the buyer's host and key in it (a part it has no place for is ignored). */
export function fillPresetUrl(template: string, host: string | undefined, key: string | undefined): string {
  // A host given with its scheme (a tracker on plain http, or on another port) replaces the preset's https.
  const withScheme = host?.match(/^https?:\/\//) ? host.replace(/\/+$/, '') : null;
  let url = withScheme
    ? template.replaceAll(`https://${presetHostPlaceholder}`, withScheme)
    : host
      ? template.replaceAll(presetHostPlaceholder, host)
      : template;
  for (const placeholder of presetKeyPlaceholders)
    if (key) url = url.replaceAll(placeholder, encodeURIComponent(key));
  return url;
}

export function findTrackerPreset(id: string): TrackerPreset | undefined {
  return trackerPresets.find((preset) => preset.id === id);
}
