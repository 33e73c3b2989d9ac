import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { normaliseLead } from '../../src/leads/lead-input.js';

function problemsOf(run: () => unknown): Record<string, string> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('LEAD_INVALID');
    return (error as AppError).extra.fields ?? {};
  }
  throw new Error('expected LEAD_INVALID');
}

describe('phone normalisation to E.164', () => {
  const nationalNumbers: [country: string, written: string, e164: string][] = [
    ['RU', '8 (912) 345-67-89', '+79123456789'],
    ['UA', '050 123 4567', '+380501234567'],
    ['KZ', '8 701 234 5678', '+77012345678'],
    ['PL', '512 345 678', '+48512345678'],
    ['DE', '0151 23456789', '+4915123456789'],
    ['IT', '312 345 6789', '+393123456789'],
    ['ES', '612 34 56 78', '+34612345678'],
    ['RO', '0712 345 678', '+40712345678'],
    ['BG', '087 123 4567', '+359871234567'],
    ['IN', '098765 43210', '+919876543210'],
  ];

  it.each(nationalNumbers)(
    'reads a %s number written nationally with the campaign country',
    (country, written, e164) => {
      const lead = normaliseLead({ phone: written }, country);
      expect(lead.phone).toBe(e164);
      expect(lead.country).toBe(country);
    },
  );

  it.each(nationalNumbers)(
    'reads a %s number with the lead country over the campaign default',
    (country, written, e164) => {
      expect(normaliseLead({ phone: written, country: country.toLowerCase() }, 'US').phone).toBe(e164);
    },
  );

  it('reads an international number without any country and infers the country', () => {
    const lead = normaliseLead({ phone: '+48 512 345 678' }, null);
    expect(lead).toMatchObject({ phone: '+48512345678', country: 'PL' });
  });

  it('refuses a national number when no country is known, saying how to fix it', () => {
    expect(problemsOf(() => normaliseLead({ phone: '512345678' }, null)).phone).toMatch(
      /international prefix|country/,
    );
  });

  it('refuses numbers that are not valid for their country', () => {
    expect(problemsOf(() => normaliseLead({ phone: '+7 912 345' }, null)).phone).toMatch(/valid/);
    expect(problemsOf(() => normaliseLead({ phone: 'call me maybe' }, 'RU')).phone).toMatch(/phone/);
  });

  it('requires a phone', () => {
    expect(problemsOf(() => normaliseLead({ name: 'Ivan' }, 'RU'))).toEqual({ phone: 'is required' });
  });
});

describe('lead fields', () => {
  it('trims the name and collapses its inner whitespace', () => {
    expect(normaliseLead({ phone: '+79123456789', name: '  Ivan \t  Petrov\n ' }, null).name).toBe(
      'Ivan Petrov',
    );
  });

  it('joins first_name and last_name when no name is sent', () => {
    expect(
      normaliseLead({ phone: '+79123456789', first_name: 'Anna', last_name: 'Ivanova' }, null).name,
    ).toBe('Anna Ivanova');
  });

  it.each(['click_id', 'clickid', 'subid', 'cid', 'aff_click_id', 'ClickID'])(
    'reads the click id from %s',
    (key) => {
      expect(normaliseLead({ phone: '+79123456789', [key]: 'abc-1' }, null).clickId).toBe('abc-1');
    },
  );

  it.each([
    ['sub1', 'sub_id_1', 'aff_sub'],
    ['sub2', 'sub_id_2', 'aff_sub2'],
    ['sub3', 'sub_id_3', 'aff_sub3'],
    ['sub4', 'sub_id_4', 'aff_sub4'],
    ['sub5', 'sub_id_5', 'aff_sub5'],
  ])('reads %s from its spellings', (sub, spelled, aff) => {
    expect(normaliseLead({ phone: '+79123456789', [spelled]: 'x' }, null).subs).toEqual({ [sub]: 'x' });
    expect(normaliseLead({ phone: '+79123456789', [aff]: 'y' }, null).subs).toEqual({ [sub]: 'y' });
  });

  it('keeps utm_* as given and every unknown parameter verbatim as an extra, but never the api key', () => {
    const lead = normaliseLead(
      {
        phone: '+79123456789',
        utm_source: 'fb',
        utm_campaign: 'Spring',
        landing: 'lp-2',
        nested: { a: 1 },
        api_key: 'k',
      },
      null,
    );
    expect(lead.utm).toEqual({ utm_source: 'fb', utm_campaign: 'Spring' });
    expect(lead.extras).toEqual({ landing: 'lp-2', nested: { a: 1 } });
  });

  it('upper-cases the country and refuses codes that are not ISO alpha-2', () => {
    expect(normaliseLead({ phone: '+79123456789', country: 'ru' }, null).country).toBe('RU');
    expect(
      problemsOf(() => normaliseLead({ phone: '+79123456789', country: 'Russia' }, null)).country,
    ).toMatch(/ISO/);
  });

  it('lists every invalid field at once', () => {
    const problems = problemsOf(() =>
      normaliseLead({ phone: ['x'], ip: 'not-an-ip', click_id: 'c'.repeat(300) }, 'RU'),
    );
    expect(Object.keys(problems).sort()).toEqual(['click_id', 'ip', 'phone']);
  });
});
