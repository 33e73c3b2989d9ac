import { expect, it } from 'vitest';
import { labelGroup } from '../../src/statuses/label-group.js';

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
