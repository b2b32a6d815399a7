import { EQUITY_HIGH_FRACTION, topFractionThreshold } from '../../../shared/gapsEquity';

describe('topFractionThreshold (the "high" % Black / % Asian rule of the equity view)', () => {
  it('when there are no values, then there is no threshold', () => {
    expect(topFractionThreshold([])).toBeNull();
  });

  it('when there are fewer than five values, then only the highest qualifies (rank ≤ ceil(n × 0.2) = 1)', () => {
    expect(EQUITY_HIGH_FRACTION).toBe(0.2);
    expect(topFractionThreshold([3, 9, 1])).toBe(9);
  });

  it('when there are ten values, then the second highest is the threshold, whatever the input order', () => {
    expect(topFractionThreshold([5, 1, 10, 7, 2, 8, 3, 6, 4, 9])).toBe(9);
  });

  it('when eleven values, then ceil(2.2) = 3 qualify', () => {
    expect(topFractionThreshold([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])).toBe(9);
  });

  it('when the threshold value is tied, then it is returned once and every tied PCN qualifies by >=', () => {
    const values = [4, 4, 4, 1, 1];
    const t = topFractionThreshold(values)!;
    expect(t).toBe(4);
    expect(values.filter((v) => v >= t)).toHaveLength(3);
  });
});
