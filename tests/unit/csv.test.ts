/** shared/csv: RFC 4180 quoting and neutralising cells that spreadsheets would run as formulas. */
import { parse } from 'csv-parse/sync';
import { csvCell, toCsv } from '../../shared/csv';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+44 161 496 0000', `'+44 161 496 0000`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `"'\rcmd"`],
  ])('neutralises %j as %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('leaves plain text, numbers (including negative ones) and empty values alone, quoting only when needed', () => {
    expect(csvCell('Lunch club')).toBe('Lunch club');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(-2.3)).toBe('-2.3');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });
});

describe('toCsv', () => {
  it('round-trips through a CSV parser with every dangerous cell shown as text', () => {
    const rows = [
      ['=1+1', -2.5, 'plain'],
      ['x,y', null, '@me'],
    ];
    const text = toCsv(['a', 'b', 'c'], rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parse(text, { columns: true })).toEqual([
      { a: "'=1+1", b: '-2.5', c: 'plain' },
      { a: 'x,y', b: '', c: "'@me" },
    ]);
  });
});
