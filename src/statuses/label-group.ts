// Labels are free text; these canonical groups let reports count them (salesrender-api.md, Reading).

export type LabelGroup = 'pending' | 'accepted' | 'rejected' | 'trash' | 'other';

const groups: Record<Exclude<LabelGroup, 'other'>, string[]> = {
  pending: [
    'pending',
    'new',
    'queue',
    'in queue',
    'in_queue',
    'callback',
    'call back',
    'hold',
    'processing',
    'waiting',
  ],
  accepted: ['accepted', 'approved', 'confirmed', 'sale', 'shipped', 'delivered', 'paid'],
  rejected: [
    'rejected',
    'declined',
    'cancelled',
    'canceled',
    'refused',
    'undelivered',
    'refunded',
    'returned',
  ],
  trash: ['trash', 'duplicate', 'double', 'wrong number', 'wrong_number', 'fake', 'spam', 'invalid', 'fraud'],
};

/** The canonical group of a label, by its words; `other` when nothing matches (an operator's own word). */
export function labelGroup(label: string | null): LabelGroup | null {
  if (!label) return null;
  const word = label.trim().toLowerCase();
  for (const [group, words] of Object.entries(groups) as [Exclude<LabelGroup, 'other'>, string[]][]) {
    if (words.includes(word)) return group;
  }
  return 'other';
}

/**
 * Groups after which SalesRender's call centre does not usually touch an order again. Reconciliation still
 * re-reads them for a while (an order can be re-opened on a callback), less often than open ones.
 * `accepted` is not final: an accepted order still moves on (shipped, delivered, returned).
 */
export const finalLabelGroups: readonly LabelGroup[] = ['rejected', 'trash'];

/** The words (lower case, trimmed) that put a label in one of `wanted`: what `labelGroup` matches on. */
export function labelWords(wanted: readonly LabelGroup[]): string[] {
  return (Object.entries(groups) as [LabelGroup, string[]][])
    .filter(([group]) => wanted.includes(group))
    .flatMap(([, words]) => words);
}
