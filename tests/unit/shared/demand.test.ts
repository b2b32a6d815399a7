import { DemandSummaryQuery, PostcodeDistrict, ReferralBody, UnmetNeedBody } from '../../../shared/schemas/demand';

describe('PostcodeDistrict', () => {
  it.each([
    ['M16', 'M16'],
    ['m16', 'M16'],
    [' m16 0ra ', 'M16'],
    ['M160RA', 'M16'],
    ['M16 0', 'M16'],
    ['sw1a 1aa', 'SW1A'],
    ['W1D', 'W1D'],
  ])('when given %j, then it keeps only the district %s', (input, district) => {
    expect(PostcodeDistrict.parse(input)).toBe(district);
  });

  it.each(['', 'London', '12345', 'M16 0RA extra', 'ZZZZZZZZZZZZZZZZZZ'])(
    'when given %j, then it is refused',
    (input) => {
      expect(PostcodeDistrict.safeParse(input).success).toBe(false);
    },
  );
});

describe('UnmetNeedBody', () => {
  it('when only a reason is given, then categories default to none and the district to null', () => {
    expect(UnmetNeedBody.parse({ reason: 'cost' })).toEqual({ reason: 'cost', category: [], postcodeDistrict: null });
  });

  it('when categories repeat or differ in case, then they are normalised and de-duplicated', () => {
    expect(UnmetNeedBody.parse({ reason: 'other', category: ['Advice', 'advice', 'food'] }).category).toEqual([
      'advice',
      'food',
    ]);
  });

  it('when any other field is sent, then it is refused and named', () => {
    const result = UnmetNeedBody.safeParse({ reason: 'other', name: 'Jane', nhsNumber: '9434765919' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['name', 'nhsNumber'] });
  });

  it('when a referral body has any field, then it is refused', () => {
    expect(ReferralBody.safeParse({}).success).toBe(true);
    expect(ReferralBody.safeParse({ patient: 'x' }).success).toBe(false);
  });
});

describe('DemandSummaryQuery', () => {
  it('when nothing is given, then it groups by PCN', () => {
    expect(DemandSummaryQuery.parse({})).toEqual({ groupBy: 'pcn' });
  });

  it('when codes are lower case, then they are upper-cased', () => {
    expect(DemandSummaryQuery.parse({ icb: 'qaa', pcn: 'u10001' })).toMatchObject({ icb: 'QAA', pcn: 'U10001' });
  });

  it.each([
    [{ from: '2026-02-29' }, 'from'],
    [{ to: '2026-1-01' }, 'to'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'to'],
    [{ groupBy: 'lsoa' }, 'groupBy'],
  ])('when the query is %j, then %s is refused', (q, field) => {
    const result = DemandSummaryQuery.safeParse(q);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(field);
  });
});
