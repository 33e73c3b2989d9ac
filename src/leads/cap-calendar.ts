// The day a daily cap counts in: local dates and midnights in a campaign's IANA time zone.

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The local date of `at` in `timeZone`, as YYYY-MM-DD (compares in date order as text). */
export function localDay(at: Date, timeZone: string): string {
  return formatFor(timeZone).format(at);
}

/** The first instant in (`from`, `to`] where `reached` turns true (it must stay true after): bisection. */
function firstInstant(from: number, to: number, reached: (at: Date) => boolean): Date {
  let before = from;
  let after = to;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (reached(new Date(middle))) after = middle;
    else before = middle;
  }
  return new Date(after);
}

/** A local day is at most 26 hours long (a daylight-saving change); 27 hours always reach past it. */
const longestDayMs = 27 * 3_600_000;

/**
 * The first instant after `at` whose local date in `timeZone` is a later one: the next local midnight,
 * or the first moment of the next day where a daylight-saving change skips midnight. No zone rule is
 * assumed: the local date is asked of Intl.
 */
export function nextLocalMidnight(at: Date, timeZone: string): Date {
  const today = localDay(at, timeZone);
  return firstInstant(at.getTime(), at.getTime() + longestDayMs, (t) => localDay(t, timeZone) > today);
}

/** The first instant of `at`'s local date in `timeZone`. */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const today = localDay(at, timeZone);
  return firstInstant(at.getTime() - longestDayMs, at.getTime(), (t) => localDay(t, timeZone) >= today);
}
