import { buildNeedLegend, classOf } from '../../../../client/need/legend';
import { formatOrNoData, formatSigned, shortIcbName } from '../../../../client/need/format';

describe('buildNeedLegend', () => {
  it('when there are many values, then it makes fifths and counts every value once', () => {
    const values = Array.from({ length: 100 }, (_, i) => i);

    const legend = buildNeedLegend([...values, null, null], (v) => v.toFixed(0));

    expect(legend.classes).toHaveLength(5);
    expect(legend.quantileName).toBe('Fifths');
    expect(legend.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(legend.noDataCount).toBe(2);
    expect(legend.classes[0]!.label).toBe('0 – 20');
  });

  it('when there are three values, then each gets its own class of three', () => {
    const legend = buildNeedLegend([10.4, 38.9, 25.2], (v) => v.toFixed(1));

    expect(legend.classes).toHaveLength(3);
    expect(legend.counts).toEqual([1, 1, 1]);
    expect([10.4, 25.2, 38.9].map((v) => classOf(v, legend.classes))).toEqual([0, 1, 2]);
    expect(classOf(null, legend.classes)).toBeUndefined();
  });

  it('when no value is known, then there are no classes and everything is "no data"', () => {
    expect(buildNeedLegend([null, null], String)).toMatchObject({ classes: [], counts: [], noDataCount: 2 });
  });
});

describe('need formatting', () => {
  it('shows missing figures as "no data", never 0, and signs the index with a true minus', () => {
    expect(formatOrNoData(null, formatSigned)).toBe('no data');
    expect(formatOrNoData(0, formatSigned)).toBe('0.00');
    expect(formatSigned(-0.523)).toBe('−0.52');
    expect(formatSigned(0.84)).toBe('+0.84');
    expect(shortIcbName('NHS Greater Manchester Integrated Care Board')).toBe('NHS Greater Manchester ICB');
  });
});
