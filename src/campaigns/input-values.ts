// The value shapes campaign, traffic-rule and partner-payout input share: labels, money, country codes.
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/** A status label of ours (`accepted`, `pending`…). */
export const label = z.string().trim().min(1).max(64);

/** An amount in major units as the API takes it; stored in minor units (toMinorUnits). */
export const money = z.number().nonnegative().max(1_000_000);

/** An ISO 3166-1 alpha-2 code, in either case; answered upper-case. */
export const countryCode = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .refine((value): boolean => isSupportedCountry(value), 'must be an ISO 3166-1 alpha-2 country code');

/** Amounts per label in major units, as minor units (integers: money is never stored as a float). */
export const toMinorUnits = (amounts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(amounts).map(([key, amount]) => [key, Math.round(amount * 100)]));

/** Stored minor units per label, as the API shows them (major units). */
export const toMajorUnits = (amounts: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(amounts).map(([key, minor]) => [key, minor / 100]));
