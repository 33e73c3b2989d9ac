// Reads the console's period filter: `from` and `to` as calendar days (UTC), `to` inclusive; last 7 days by default.

export interface PeriodInput {
  from?: string;
  to?: string;
}

const dayMs = 86_400_000;
const isDay = (value: string | undefined): value is string => !!value && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** The period as a half-open range [from, to + 1 day) and the day strings to put back in the form. */
export function readPeriod(input: PeriodInput, now: Date, defaultDays = 7) {
  const today = new Date(Math.floor(now.getTime() / dayMs) * dayMs);
  const toDay = isDay(input.to) ? new Date(`${input.to}T00:00:00Z`) : today;
  const fromDay = isDay(input.from)
    ? new Date(`${input.from}T00:00:00Z`)
    : new Date(toDay.getTime() - (defaultDays - 1) * dayMs);
  const from = Number.isNaN(fromDay.getTime()) ? today : fromDay;
  const to = Number.isNaN(toDay.getTime()) ? today : toDay;
  return {
    from,
    to: new Date(Math.max(to.getTime(), from.getTime()) + dayMs),
    fromDay: from.toISOString().slice(0, 10),
    toDay: new Date(Math.max(to.getTime(), from.getTime())).toISOString().slice(0, 10),
  };
}
