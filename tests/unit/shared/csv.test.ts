/** shared/csv: RFC 4180 quoting and neutralising cells that spreadsheets would run as formulas. */
import { parse } from 'csv-parse/sync';
import { csvCell, csvLine, neutraliseFormula, toCsv } from '../../../shared/csv';

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+44 161', '-2', '@SUM(A1)', '\tx', '\rx'])(
    'when a cell starts like %j, then it gets a quote',
    (v) => {
      expect(neutraliseFormula(v)).toBe(`'${v}`);
    },
  );

  it.each(['Safe', ' =not first', "'already", '1-2'])('when %j does not start a formula, then it is unchanged', (v) => {
    expect(neutraliseFormula(v)).toBe(v);
  });
});

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
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('when text has quotes, commas or line breaks, then it is quoted after neutralising', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('-a\nb')).toBe(`"'-a\nb"`);
  });
});

describe('toCsv', () => {
  it('when a table is written, then rows end in CRLF and the header comes first', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['@x', 1],
          [null, true],
        ],
      ),
    ).toBe("a,b\r\n'@x,1\r\n,true\r\n");
  });

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

describe('csvLine', () => {
  it('when a document is written line by line, then the lines joined are the whole document', () => {
    const rows = [
      ['=1+1', -2.5, 'a "b"'],
      [null, true, 'x\ny'],
    ];
    expect(csvLine(['a', 'b', 'c'])).toBe('a,b,c\r\n');
    expect([['a', 'b', 'c'], ...rows].map(csvLine).join('')).toBe(toCsv(['a', 'b', 'c'], rows));
  });
});
