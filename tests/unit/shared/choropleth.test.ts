import { SEQUENTIAL_PURPLES, classify, quantileBreaks, quantileLegend } from '../../../shared/choropleth';

describe('quantileBreaks', () => {
  it('when given 1..10 and 5 classes, then the inner breaks interpolate linearly between order statistics', () => {
    // position (n−1)·i/k = 9·i/5 = 1.8, 3.6, 5.4, 7.2 over the sorted values 1..10 → 2.8, 4.6, 6.4, 8.2
    const breaks = quantileBreaks([10, 3, 7, 1, 9, 2, 8, 4, 6, 5], 5);
    expect(breaks).toHaveLength(4);
    [2.8, 4.6, 6.4, 8.2].forEach((b, i) => expect(breaks[i]).toBeCloseTo(b, 12));
  });

  it('when given 4 values and 4 classes, then the breaks are the 25th, 50th and 75th percentiles', () => {
    // positions 0.75, 1.5, 2.25 over [0, 10, 20, 100] → 7.5, 15, 40
    const breaks = quantileBreaks([100, 0, 20, 10], 4);
    [7.5, 15, 40].forEach((b, i) => expect(breaks[i]).toBeCloseTo(b, 12));
  });

  it('when values repeat, then equal breaks are dropped so they stay strictly increasing', () => {
    // positions 0.8, 1.6, 2.4, 3.2 over [1,1,1,1,2] → 1, 1, 1, 1.2 → [1, 1.2]
    const breaks = quantileBreaks([1, 1, 1, 1, 2], 5);
    expect(breaks).toHaveLength(2);
    expect(breaks[0]).toBe(1);
    expect(breaks[1]).toBeCloseTo(1.2, 12);
  });

  it('when values include non-finite numbers, then they are ignored', () => {
    expect(quantileBreaks([NaN, 0, Infinity, 10, -Infinity], 2)).toEqual([5]);
  });

  it('when there are no values or fewer than 2 classes, then there are no breaks', () => {
    expect(quantileBreaks([], 5)).toEqual([]);
    expect(quantileBreaks([NaN], 5)).toEqual([]);
    expect(quantileBreaks([1, 2, 3], 1)).toEqual([]);
  });
});

describe('classify', () => {
  const breaks = [2.8, 4.6, 6.4, 8.2];

  it('when a value equals a break, then it falls in the lower class (upper bounds are inclusive)', () => {
    expect(classify(2.8, breaks)).toBe(0);
    expect(classify(4.6, breaks)).toBe(1);
    expect(classify(8.2, breaks)).toBe(3);
  });

  it('when a value is just above a break, then it falls in the next class', () => {
    expect(classify(2.8000001, breaks)).toBe(1);
    expect(classify(8.2000001, breaks)).toBe(4);
  });

  it('when a value is below the first or above the last break, then it is in the first or last class', () => {
    expect(classify(-1000, breaks)).toBe(0);
    expect(classify(1e9, breaks)).toBe(4);
  });

  it('when a value is missing or not finite, then it has no class', () => {
    expect(classify(null, breaks)).toBeUndefined();
    expect(classify(undefined, breaks)).toBeUndefined();
    expect(classify(NaN, breaks)).toBeUndefined();
    expect(classify(Infinity, breaks)).toBeUndefined();
  });

  it('when there are no breaks, then every value is in class 0', () => {
    expect(classify(42, [])).toBe(0);
  });
});

describe('quantileLegend', () => {
  it('when given 1..10 with 5 classes, then it has ranked classes from min to max with palette colours and labels', () => {
    const legend = quantileLegend([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    const bounds = [1, 2.8, 4.6, 6.4, 8.2, 10];
    expect(legend).toHaveLength(5);
    legend.forEach((c, i) => {
      expect(c.rank).toBe(i + 1);
      expect(c.from).toBeCloseTo(bounds[i]!, 12);
      expect(c.to).toBeCloseTo(bounds[i + 1]!, 12);
      expect(c.color).toBe(SEQUENTIAL_PURPLES[5]![i]);
      expect(c.label).toBe(`${bounds[i]!.toFixed(1)} – ${bounds[i + 1]!.toFixed(1)}`);
    });
    // Consecutive classes meet: each class ends where the next starts.
    for (let i = 1; i < legend.length; i++) expect(legend[i]!.from).toBe(legend[i - 1]!.to);
  });

  it('when a formatter is given, then labels use it', () => {
    const legend = quantileLegend([0, 50, 100], 3, (v) => `${Math.round(v)}%`);
    // positions 2/3 and 4/3 over [0, 50, 100] → 33.3…, 66.6…
    expect(legend.map((c) => c.label)).toEqual(['0% – 33%', '33% – 67%', '67% – 100%']);
  });

  it('when asked for too few or too many classes, then the count is clamped to 3–7', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);
    expect(quantileLegend(values, 1)).toHaveLength(3);
    expect(quantileLegend(values, 12)).toHaveLength(7);
    expect(quantileLegend(values, 12).map((c) => c.color)).toEqual(SEQUENTIAL_PURPLES[7]);
  });

  it('when values repeat so breaks collapse, then there are fewer classes with a palette that still exists', () => {
    const legend = quantileLegend([1, 1, 1, 1, 2], 5);
    expect(legend).toHaveLength(3);
    expect(legend.map((c) => c.rank)).toEqual([1, 2, 3]);
    expect(legend.every((c) => typeof c.color === 'string' && c.color.startsWith('#'))).toBe(true);
    expect(legend[0]!.from).toBe(1);
    expect(legend[2]!.to).toBe(2);
  });

  it('when there are no finite values, then the legend is empty', () => {
    expect(quantileLegend([])).toEqual([]);
    expect(quantileLegend([NaN, Infinity])).toEqual([]);
  });

  it('when values are classified against the legend, then each value lies within its class range', () => {
    const values = [3, 17, 4, 99, 23, 8, 42, 15, 16, 0];
    const legend = quantileLegend(values, 4);
    const breaks = quantileBreaks(values, 4);
    for (const v of values) {
      const c = legend[classify(v, breaks)!]!;
      expect(v).toBeGreaterThanOrEqual(c.from);
      expect(v).toBeLessThanOrEqual(c.to);
    }
  });
});
