// The day a daily cap counts in: local dates and midnights in IANA time zones, across daylight-saving changes.
import { describe, expect, it } from 'vitest';
import { localDay, nextLocalMidnight, startOfLocalDay } from '../../src/leads/cap-calendar.js';

const at = (iso: string) => new Date(iso);

describe('a local day', () => {
  it.each([
    ['2026-03-01T10:00:00Z', 'UTC', '2026-03-01', '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    [
      '2026-03-01T22:30:00Z',
      'Europe/Moscow',
      '2026-03-02',
      '2026-03-01T21:00:00.000Z',
      '2026-03-02T21:00:00.000Z',
    ],
    [
      '2026-03-01T10:00:00Z',
      'Asia/Tokyo',
      '2026-03-01',
      '2026-02-28T15:00:00.000Z',
      '2026-03-01T15:00:00.000Z',
    ],
    [
      '2026-03-01T03:00:00Z',
      'America/Los_Angeles',
      '2026-02-28',
      '2026-02-28T08:00:00.000Z',
      '2026-03-01T08:00:00.000Z',
    ],
    [
      '2026-03-01T12:00:00Z',
      'Asia/Kolkata',
      '2026-03-01',
      '2026-02-28T18:30:00.000Z',
      '2026-03-01T18:30:00.000Z',
    ],
  ])('at %s in %s is %s, from %s to %s', (instant, zone, day, start, end) => {
    expect(localDay(at(instant), zone)).toBe(day);
    expect(startOfLocalDay(at(instant), zone).toISOString()).toBe(start);
    expect(nextLocalMidnight(at(instant), zone).toISOString()).toBe(end);
  });

  it('is 23 hours long on the spring change and 25 on the autumn one (Berlin)', () => {
    const spring = at('2026-03-29T12:00:00Z');
    expect(startOfLocalDay(spring, 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(nextLocalMidnight(spring, 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    const autumn = at('2026-10-25T12:00:00Z');
    expect(startOfLocalDay(autumn, 'Europe/Berlin').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(nextLocalMidnight(autumn, 'Europe/Berlin').toISOString()).toBe('2026-10-25T23:00:00.000Z');
  });

  it('starts at 01:00 where the change skips midnight (Santiago, September)', () => {
    // Chile moves its clocks from 00:00 to 01:00 on the first Sunday of September.
    const next = nextLocalMidnight(at('2026-09-05T12:00:00Z'), 'America/Santiago');
    expect(localDay(next, 'America/Santiago')).toBe('2026-09-06');
    expect(localDay(new Date(next.getTime() - 1), 'America/Santiago')).toBe('2026-09-05');
  });

  it('ends exactly at midnight: the first instant of the next day is not in this one', () => {
    const midnight = at('2026-03-02T00:00:00Z');
    expect(localDay(midnight, 'UTC')).toBe('2026-03-02');
    expect(startOfLocalDay(midnight, 'UTC')).toEqual(midnight);
    expect(nextLocalMidnight(at('2026-03-01T23:59:59.999Z'), 'UTC')).toEqual(midnight);
  });
});
