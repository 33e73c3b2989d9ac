// Labels are free text; these canonical groups let reports count them (salesrender-api.md, Reading).

export const labelGroups = ['pending', 'accepted', 'rejected', 'trash', 'other'] as const;
export type LabelGroup = (typeof labelGroups)[number];

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
