import {
  DISTRICT_CODE,
  MAX_POSTCODE_QUERY_LENGTH,
  SPACED_POSTCODE,
  SPACED_SECTOR,
  postcodeDistrict,
  parsePostcodeQuery,
  postcodeKey,
} from '../../../shared/postcode';

describe('parsePostcodeQuery', () => {
  it.each([
    ['M13 9PL', 'M139PL', 'M13 9PL'],
    ['m13 9pl', 'M139PL', 'M13 9PL'],
    ['M139PL', 'M139PL', 'M13 9PL'],
    ['  m13   9Pl  ', 'M139PL', 'M13 9PL'],
    ['SW1A 1AA', 'SW1A1AA', 'SW1A 1AA'],
    ['w1d3qf', 'W1D3QF', 'W1D 3QF'],
    ['B1 1AA', 'B11AA', 'B1 1AA'],
    ['EC1A1BB', 'EC1A1BB', 'EC1A 1BB'],
  ])('when given the full postcode %p, then it is a postcode keyed %p and labelled %p', (input, key, label) => {
    expect(parsePostcodeQuery(input)).toEqual({ kind: 'postcode', key, label });
  });

  it.each([
    ['M13 9', 'M13 9'],
    ['m13 9', 'M13 9'],
    [' M13   9 ', 'M13 9'],
    ['SW1A 1', 'SW1A 1'],
    ['B1 1', 'B1 1'],
  ])('when given the sector %p, then it is the sector %p', (input, key) => {
    expect(parsePostcodeQuery(input)).toEqual({ kind: 'sector', key, label: key });
  });

  it.each([
    ['M13', 'M13'],
    ['m13', 'M13'],
    ['SW1A', 'SW1A'],
    ['B1', 'B1'],
    // Without a space a trailing digit belongs to the district: M19 is Levenshulme, not sector "M1 9".
    ['M19', 'M19'],
  ])('when given the district %p, then it is the district %p', (input, key) => {
    expect(parsePostcodeQuery(input)).toEqual({ kind: 'district', key, label: key });
  });

  it('when given a Newport NPT code, then postcode, sector and district all parse', () => {
    expect(parsePostcodeQuery('npt 1aa')).toEqual({ kind: 'postcode', key: 'NPT1AA', label: 'NPT 1AA' });
    expect(parsePostcodeQuery('NPT 1')).toEqual({ kind: 'sector', key: 'NPT 1', label: 'NPT 1' });
    expect(parsePostcodeQuery('NPT')).toEqual({ kind: 'district', key: 'NPT', label: 'NPT' });
  });

  it.each([
    [''],
    ['   '],
    ['hello!!'],
    ['12345'],
    ['M13 9P'], // inward code cut short
    ['M13 9PLX'],
    ['M 139'],
    ['9PL'],
    ['MMM13 9PL'],
    ['M13-9PL'],
    ['M13 9PL; drop table postcodes'],
    ['ÅB1 2CD'],
  ])('when given junk %p, then it is not a postcode, sector or district', (input) => {
    expect(parsePostcodeQuery(input)).toBeUndefined();
  });

  it('when the input is longer than the limit, then it is rejected before parsing', () => {
    const padded = 'M13 9PL'.padEnd(MAX_POSTCODE_QUERY_LENGTH + 1, ' ');
    expect(padded.length).toBe(MAX_POSTCODE_QUERY_LENGTH + 1);
    expect(parsePostcodeQuery(padded)).toBeUndefined();
    // At exactly the limit it still parses.
    expect(parsePostcodeQuery('M13 9PL'.padEnd(MAX_POSTCODE_QUERY_LENGTH, ' '))).toMatchObject({ key: 'M139PL' });
    expect(parsePostcodeQuery('M'.repeat(40))).toBeUndefined();
  });

  it('when a result is produced, then its label matches the standard-form patterns used by the importer', () => {
    expect(SPACED_POSTCODE.test(parsePostcodeQuery('m139pl')!.label)).toBe(true);
    expect(SPACED_SECTOR.test(parsePostcodeQuery('m13 9')!.label)).toBe(true);
    expect(DISTRICT_CODE.test(parsePostcodeQuery('m13')!.label)).toBe(true);
  });
});

describe('postcodeKey', () => {
  it('when given a postcode in any case and spacing, then it returns the upper-case no-space key', () => {
    expect(postcodeKey('m13 9pl')).toBe('M139PL');
    expect(postcodeKey(' M13  9PL ')).toBe('M139PL');
    expect(postcodeKey('M139PL')).toBe('M139PL');
  });
});

describe('postcodeDistrict', () => {
  it.each([
    ['m13 9pl', 'M13'],
    ['M139PL', 'M13'],
    ['SW1A 1AA', 'SW1A'],
    ['M13 9', 'M13'],
    ['m16', 'M16'],
  ])('when given %p, then the district is %p', (input, district) => {
    expect(postcodeDistrict(input)).toBe(district);
  });

  it('when the input is not shaped like a postcode, then there is no district', () => {
    expect(postcodeDistrict('not a postcode')).toBeUndefined();
  });
});
