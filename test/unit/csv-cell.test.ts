// How every CSV export writes a cell: RFC 4180 quoting, and text a spreadsheet would run as a formula neutralised.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, csvRecord } from '../../src/audit/csv-cell.js';

describe('a cell a spreadsheet could run as a formula gets a leading single quote', () => {
  it.each([
    ['=', '=1+1', "'=1+1"],
    ['+', '+1+1', "'+1+1"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['a tab', '\t=1+1', "'\t=1+1"],
  ])('text starting with %s', (_, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('text starting with a carriage return, which is then quoted as any line break is', () => {
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  it('an E.164 phone number, which a spreadsheet then shows as text instead of a mangled number', () => {
    expect(csvCell('+79123456789')).toBe("'+79123456789");
  });

  it('a negative number', () => {
    expect(csvCell(-12.5)).toBe("'-12.5");
  });

  it('and is quoted as well when it holds quotes or commas', () => {
    expect(csvCell('=HYPERLINK("https://evil.example","x")')).toBe(
      `"'=HYPERLINK(""https://evil.example"",""x"")"`,
    );
  });

  it('only at the start: the characters elsewhere in a cell are left alone', () => {
    expect(csvCell('a=b+c-d@e')).toBe('a=b+c-d@e');
    expect(csvCell(' =1+1')).toBe(' =1+1');
  });
});

describe('RFC 4180 quoting', () => {
  it('quotes a cell holding a quote, a comma or a line break, doubling its quotes', () => {
    expect(csvCell('Quote "me", please')).toBe('"Quote ""me"", please"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
  });

  it('leaves plain values untouched', () => {
    expect(csvCell('Ivan Petrov')).toBe('Ivan Petrov');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
    expect(csvCell('')).toBe('');
  });

  it('writes null and undefined as an empty cell and objects as their JSON text', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell({ sub1: '=1+1' })).toBe('"{""sub1"":""=1+1""}"');
  });
});

it('a record reads back, with a CSV parser, as the neutralised text of each value', () => {
  const values = ['=1+1', '+79123456789', '-5', '@x', '\tx', '\rx', 'a, "b"', 'plain', null];
  const [row] = parse(csvRecord(values)) as string[][];
  expect(row).toEqual(["'=1+1", "'+79123456789", "'-5", "'@x", "'\tx", "'\rx", 'a, "b"', 'plain', '']);
});
