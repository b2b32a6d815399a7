import { DEFAULT_INDICATOR, findIndicator, type PcnFigures } from '../../../../client/need/indicators';
import { needViewToParams, parseNeedView, sortPcnRows, type PcnRow } from '../../../../client/need/needView';

const figures = (needIndex: number | null, splw: number | null): PcnFigures =>
  ({ needIndex, splw_fte_per_10k: splw }) as PcnFigures;
const row = (code: string, name: string, needIndex: number | null, splw: number | null): PcnRow => ({
  code,
  name,
  icbCode: 'QAA',
  figures: figures(needIndex, splw),
});

describe('parseNeedView and needViewToParams', () => {
  it('when the URL is empty, then the view is England by need index, highest first', () => {
    const view = parseNeedView(new URLSearchParams(''));

    expect(view).toEqual({
      icb: null,
      indicator: DEFAULT_INDICATOR,
      sort: 'need',
      dir: 'desc',
      pcn: null,
      lsoa: false,
      category: null,
    });
    expect(needViewToParams(view).toString()).toBe('');
  });

  it('when the URL names every part, then they round-trip (and codes are upper-cased)', () => {
    const view = parseNeedView(
      new URLSearchParams(
        'icb=qop&category=physical_activity&indicator=imd2025_score&sort=gap_score&dir=asc&pcn=u12345&lsoa=1',
      ),
    );

    expect(view).toMatchObject({
      icb: 'QOP',
      category: 'physical_activity',
      sort: 'gap_score',
      dir: 'asc',
      pcn: 'U12345',
      lsoa: true,
    });
    expect(view.indicator.key).toBe('imd2025_score');
    expect(Object.fromEntries(needViewToParams(view))).toEqual({
      icb: 'QOP',
      category: 'physical_activity',
      indicator: 'imd2025_score',
      sort: 'gap_score',
      dir: 'asc',
      pcn: 'U12345',
      lsoa: '1',
    });
  });

  it('when values are unknown or malformed, then each falls back to its default', () => {
    const view = parseNeedView(
      new URLSearchParams('icb=<x>&indicator=nope&sort=drop&dir=up&pcn=123&lsoa=yes&category=Not%20a%20code'),
    );

    expect(view).toEqual({
      icb: null,
      indicator: DEFAULT_INDICATOR,
      sort: 'need',
      dir: 'desc',
      pcn: null,
      lsoa: false,
      category: null,
    });
  });

  it('when sorting by name, then the default direction is A to Z and LSOA detail needs an ICB', () => {
    const view = parseNeedView(new URLSearchParams('sort=name&lsoa=1'));

    expect(view.dir).toBe('asc');
    expect(needViewToParams(view).toString()).toBe('sort=name');
  });
});

describe('sortPcnRows', () => {
  const rows = [row('U1', 'Bravo', 0.5, 1.2), row('U2', 'Alpha', -0.3, null), row('U3', 'Charlie', null, 2.4)];

  it.each([
    ['desc', ['U1', 'U2', 'U3']],
    ['asc', ['U2', 'U1', 'U3']],
  ] as const)('when sorting by need %s, then missing values come last', (dir, codes) => {
    expect(sortPcnRows(rows, 'need', dir).map((r) => r.code)).toEqual(codes);
  });

  it('when sorting by the gap score, then absent gap figures (not yet loaded or no workforce) are last', () => {
    const rows = [
      { ...row('U1', 'Alpha', 1, 1), figures: { ...figures(1, 1), gap_score: -0.5 } },
      row('U2', 'Bravo', 2, 2),
      { ...row('U3', 'Charlie', 0, 0), figures: { ...figures(0, 0), gap_score: 1.25 } },
    ];

    expect(sortPcnRows(rows, 'gap_score', 'desc').map((r) => r.code)).toEqual(['U3', 'U1', 'U2']);
    expect(sortPcnRows(rows, 'gap_score', 'asc').map((r) => r.code)).toEqual(['U1', 'U3', 'U2']);
  });

  it('when sorting by a figure with a missing value, then it is last in both directions', () => {
    const key = findIndicator('splw_fte_per_10k')!.key;

    expect(sortPcnRows(rows, key, 'desc').map((r) => r.code)).toEqual(['U3', 'U1', 'U2']);
    expect(sortPcnRows(rows, key, 'asc').map((r) => r.code)).toEqual(['U1', 'U3', 'U2']);
  });

  it('when sorting by name, then it follows the alphabet either way', () => {
    expect(sortPcnRows(rows, 'name', 'asc').map((r) => r.name)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    expect(sortPcnRows(rows, 'name', 'desc').map((r) => r.name)).toEqual(['Charlie', 'Bravo', 'Alpha']);
  });
});
