import {
  CAPACITY_STATUSES,
  CAPACITY_STATUS_INFO,
  capacityFreshness,
  capacityRank,
  isFundingEndingSoon,
  toHsdsServiceCapacity,
} from '../../../shared/capacity';

const now = new Date('2026-03-01T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('capacity freshness', () => {
  it('when capacity was confirmed within the window, then it is confirmed; after it, unconfirmed; never, unconfirmed', () => {
    expect(capacityFreshness(daysAgo(13), now, 14)).toBe('confirmed');
    expect(capacityFreshness(daysAgo(14), now, 14)).toBe('confirmed');
    expect(capacityFreshness(daysAgo(15), now, 14)).toBe('unconfirmed');
    expect(capacityFreshness(daysAgo(15).toISOString(), now, 30)).toBe('confirmed');
    expect(capacityFreshness(null, now)).toBe('unconfirmed');
  });

  it('when ranking, then every confirmed status ranks above every unconfirmed one, and never-set ranks last', () => {
    const worstConfirmed = capacityRank('not_accepting', 'confirmed');
    const bestUnconfirmed = capacityRank('accepting', 'unconfirmed');
    expect(worstConfirmed).toBeLessThan(bestUnconfirmed);
    expect(capacityRank(null, 'unconfirmed')).toBeGreaterThan(capacityRank('not_accepting', 'unconfirmed'));
  });

  it('when mapping to Gravity and HSDS, then every status has a code and closed statuses have no places', () => {
    for (const s of CAPACITY_STATUSES) expect(CAPACITY_STATUS_INFO[s].gravityCode).toMatch(/capacity|waitlist/);
    const hsds = toHsdsServiceCapacity({ serviceId: 'x', status: 'waitlist', places: 4, waitDays: 21, updated: 'now' });
    expect(hsds).toMatchObject({
      available: 0,
      description: 'Waiting list, typical wait 21 days',
      unit: { name: 'place' },
    });
  });
});

describe('funding ending soon', () => {
  it('when any funding ends within 90 days, then it is flagged; past or later dates are not', () => {
    expect(isFundingEndingSoon(['2026-05-01'], now)).toBe(true);
    expect(isFundingEndingSoon(['2026-07-01', null], now)).toBe(false);
    expect(isFundingEndingSoon(['2026-02-01'], now)).toBe(false);
    expect(isFundingEndingSoon([], now)).toBe(false);
  });
});
