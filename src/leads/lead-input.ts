// Reads a buyer's lead from any of the parameter spellings trackers use, validates and normalises it.
import { isIP } from 'node:net';
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { AppError } from '../errors.js';

export interface NormalisedLead {
  phone: string;
  name: string | null;
  country: string | null;
  /** Where `country` came from: the lead's `country` parameter, or its phone number's own country. */
  countryFrom: 'country' | 'phone' | null;
  /** The phone number's own country (libphonenumber's; null for a non-geographic number such as +800). */
  phoneCountry: string | null;
  ip: string | null;
  userAgent: string | null;
  clickId: string | null;
  comment: string | null;
  /** sub1..sub5 as given. */
  subs: Record<string, string>;
  /** utm_* as given. */
  utm: Record<string, string>;
  /** Every other parameter, verbatim. */
  extras: Record<string, unknown>;
}

/** Accepted spellings, first match wins; compared case-insensitively. */
const aliases: Record<string, string[]> = {
  phone: ['phone', 'tel', 'phone_number', 'msisdn'],
  name: ['name', 'fio', 'full_name'],
  first_name: ['first_name', 'firstname'],
  last_name: ['last_name', 'lastname'],
  country: ['country', 'country_code', 'geo'],
  ip: ['ip', 'ip_address'],
  user_agent: ['user_agent', 'ua', 'useragent'],
  click_id: ['click_id', 'clickid', 'subid', 'cid', 'aff_click_id'],
  comment: ['comment'],
  sub1: ['sub1', 'sub_id_1', 'aff_sub'],
  sub2: ['sub2', 'sub_id_2', 'aff_sub2'],
  sub3: ['sub3', 'sub_id_3', 'aff_sub3'],
  sub4: ['sub4', 'sub_id_4', 'aff_sub4'],
  sub5: ['sub5', 'sub_id_5', 'aff_sub5'],
};
const utmKeys = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'];
/** Credentials that may arrive as parameters; never kept as extras. */
const ignoredKeys = new Set(['api_key', 'apikey']);

const limits: Record<string, number> = {
  phone: 40,
  name: 200,
  click_id: 256,
  comment: 2000,
  user_agent: 1000,
};
const defaultLimit = 512;
const maxExtras = 50;

const described: Record<string, string> = {
  phone: "Required. Normalised to E.164 with `country`, else the campaign's default country",
  country: 'ISO 3166-1 alpha-2; inferred from an international phone when absent',
  ip: 'IPv4 or IPv6',
};

/**
 * The lead's parameters as the API documents them, built from the tables `normaliseLead` reads (spellings,
 * length limits), which is what validates a lead: a JSON object or a form, any other parameter kept.
 */
export const leadBodySchema = z
  .object(
    Object.fromEntries(
      [...Object.entries(aliases), ...utmKeys.map((key) => [key, [key]] as const)].map(
        ([attribute, spellings]) => {
          const others = spellings.filter((spelling) => spelling !== attribute);
          const notes = [
            described[attribute],
            others.length > 0 ? `also read from ${others.join(', ')}` : null,
          ];
          return [
            attribute,
            z
              .union([z.string().max(limits[attribute] ?? defaultLimit), z.number()])
              .nullable()
              .optional()
              .describe(notes.filter(Boolean).join('; ') || attribute),
          ];
        },
      ),
    ),
  )
  .catchall(z.unknown().describe(`Kept verbatim as an extra (at most ${maxExtras}; api_key is never kept)`));

/** Collapses whitespace (including control characters) and trims. */
export function normaliseName(name: string): string {
  return name.replace(/[\s\p{Cc}]+/gu, ' ').trim();
}

/**
 * Validates and normalises a raw lead. Throws LEAD_INVALID with every problem as `fields`.
 * `defaultCountry` (the campaign's) is used for numbers written without the international prefix.
 */
export function normaliseLead(body: Record<string, unknown>, defaultCountry: string | null): NormalisedLead {
  const problems: Record<string, string> = {};
  const lowerKeys = new Map(Object.keys(body).map((key) => [key.toLowerCase(), key]));
  const used = new Set<string>();

  const read = (attribute: string): string | null => {
    for (const spelling of aliases[attribute] ?? [attribute]) {
      const key = lowerKeys.get(spelling);
      if (key === undefined) continue;
      used.add(key);
      const value = body[key];
      if (value === null || value === undefined || value === '') return null;
      if (typeof value !== 'string' && typeof value !== 'number') {
        problems[attribute] = 'must be a string';
        return null;
      }
      const text = String(value).trim();
      if (text.length > (limits[attribute] ?? defaultLimit)) {
        problems[attribute] = `must be at most ${limits[attribute] ?? defaultLimit} characters`;
        return null;
      }
      return text.length > 0 ? text : null;
    }
    return null;
  };

  let country = read('country');
  if (country !== null) {
    country = country.toUpperCase();
    if (!isSupportedCountry(country)) {
      problems.country = 'must be an ISO 3166-1 alpha-2 code such as RU or DE';
      country = null;
    }
  }

  const countryFrom = country !== null ? 'country' : null;
  let phoneCountry: string | null = null;
  const rawPhone = read('phone');
  let phone = '';
  if (rawPhone === null) {
    problems.phone ??= 'is required';
  } else {
    const region = (country ?? defaultCountry ?? undefined) as CountryCode | undefined;
    const parsed = parsePhoneNumberFromString(rawPhone, region ? { defaultCountry: region } : undefined);
    if (!parsed) {
      problems.phone = region
        ? `is not a phone number (read with country ${region})`
        : 'is not a phone number; send it with the international prefix (+...) or send country';
    } else if (!parsed.isValid()) {
      problems.phone = `is not a valid ${parsed.country ?? region ?? 'international'} phone number`;
    } else {
      phone = parsed.number;
      phoneCountry = parsed.country ?? null;
      country ??= phoneCountry;
    }
  }

  let name = read('name');
  const firstName = read('first_name');
  const lastName = read('last_name');
  if (name === null && (firstName || lastName)) name = [firstName, lastName].filter(Boolean).join(' ');
  if (name !== null) name = normaliseName(name) || null;

  const ip = read('ip');
  if (ip !== null && isIP(ip) === 0) problems.ip = 'must be an IPv4 or IPv6 address';

  const lead: NormalisedLead = {
    phone,
    name,
    country,
    countryFrom: countryFrom ?? (country !== null ? 'phone' : null),
    phoneCountry,
    ip: problems.ip ? null : ip,
    userAgent: read('user_agent'),
    clickId: read('click_id'),
    comment: read('comment'),
    subs: {},
    utm: {},
    extras: {},
  };
  for (const sub of ['sub1', 'sub2', 'sub3', 'sub4', 'sub5']) {
    const value = read(sub);
    if (value !== null) lead.subs[sub] = value;
  }
  for (const utm of utmKeys) {
    const value = read(utm);
    if (value !== null) lead.utm[utm] = value;
  }
  const extraKeys = Object.keys(body).filter((key) => !used.has(key) && !ignoredKeys.has(key.toLowerCase()));
  if (extraKeys.length > maxExtras) problems['(extras)'] = `at most ${maxExtras} extra parameters`;
  for (const key of extraKeys.slice(0, maxExtras)) {
    if (key.length > 100) {
      problems[key.slice(0, 100)] = 'parameter names must be at most 100 characters';
      continue;
    }
    lead.extras[key] = body[key];
  }
  if (Object.keys(problems).length > 0)
    throw new AppError('LEAD_INVALID', 'The lead is invalid', { fields: problems });
  return lead;
}
