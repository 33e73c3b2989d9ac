import { expect, it } from 'vitest';
import { finalLabelGroups, labelGroup, labelWords } from '../../src/statuses/label-group.js';

it.each([
  ['pending', 'pending'],
  ['Callback', 'pending'],
  ['hold', 'pending'],
  ['in queue', 'pending'],
  ['accepted', 'accepted'],
  ['sale', 'accepted'],
  ['rejected', 'rejected'],
  ['Cancelled', 'rejected'],
  ['trash', 'trash'],
  ['wrong number', 'trash'],
  ['duplicate', 'trash'],
  ['fake', 'trash'],
  ['vip-lead', 'other'],
])('puts the label %s in the group %s', (label, group) => {
  expect(labelGroup(label)).toBe(group);
});

it('has no group for an unmapped status', () => {
  expect(labelGroup(null)).toBeNull();
});

it('lists as final the words of the rejected and trash groups, not accepted ones', () => {
  const words = labelWords(finalLabelGroups);
  expect(words).toEqual(expect.arrayContaining(['rejected', 'cancelled', 'trash', 'wrong number']));
  expect(words).not.toContain('accepted');
  for (const word of words) expect(['rejected', 'trash']).toContain(labelGroup(word));
});
