// The caps and traffic-rule settings of a campaign as the admin API takes them (zod, snake_case), shared by create and patch.
import { z } from 'zod';
import { countryCode } from './input-values.js';

/** Whether `name` is an IANA time zone this runtime knows (Intl throws RangeError for any other). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    // RangeError is the runtime's only answer for an unknown zone.
    return false;
  }
}

const timezone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, 'must be an IANA time zone such as Europe/Moscow or UTC');

/** A cap: leads forwarded per period; 0 takes none, null is no cap. */
const capLimit = z
  .number({ error: 'must be a whole number of leads or null' })
  .int('must be a whole number of leads or null')
  .min(0, 'must be 0 or more (null: no cap)')
  .max(100_000_000)
  .nullable();

export const capsShape = { daily: capLimit, total: capLimit };

const countries = z
  .array(countryCode)
  .min(1, 'list at least one country, or send null to allow any')
  .max(250)
  .transform((list) => [...new Set(list)])
  .nullable();

const windowHours = z
  .number()
  .int()
  .min(0)
  .max(24 * 90)
  .nullable();

/** The settings on a create, with their defaults. */
export const trafficRulesCreateShape = {
  timezone: timezone.default('UTC'),
  caps: z
    .object({ daily: capLimit.default(null), total: capLimit.default(null) })
    .strict()
    .default({ daily: null, total: null }),
  countries: countries.default(null),
  dedupe_scope: z.enum(['campaign', 'connection']).default('campaign'),
  duplicate_ip_window_hours: windowHours.default(null),
};

/** The settings on a patch: any subset; `caps` merges key by key. */
export const trafficRulesPatchShape = {
  timezone,
  caps: z.object(capsShape).partial().strict(),
  countries,
  dedupe_scope: z.enum(['campaign', 'connection']),
  duplicate_ip_window_hours: windowHours,
};
