import { csvCell, neutraliseFormula, toCsv } from '../../../shared/csv';

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

describe('csvCell and toCsv', () => {
  it('when values are numbers, then they stay numbers (a negative number is not neutralised)', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(NaN)).toBe('');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('when text has quotes, commas or line breaks, then it is quoted after neutralising', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('-a\nb')).toBe(`"'-a\nb"`);
  });

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
});
