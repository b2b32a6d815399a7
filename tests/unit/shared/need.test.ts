import {
  DEFAULT_NEED_WEIGHTS,
  NEED_COMPONENT_LABELS,
  computeNeedIndex,
  meanAndSd,
  normaliseWeights,
  type NeedComponent,
} from '../../../shared/need';

const COMPONENTS = Object.keys(DEFAULT_NEED_WEIGHTS) as NeedComponent[];

// Three areas with hand-picked component values. Per component the mean and population SD are worked out by hand in
// `HAND` below, so the expected z-scores do not come from the code under test.
const AREAS = {
  A: {
    imd2025_score: 10,
    pct_disabled: 15,
    pct_65plus: 20,
    pct_households_deprived_2plus: 3,
    pct_black_asian: 4,
    pct_rural: 0,
  },
  B: {
    imd2025_score: 20,
    pct_disabled: 18,
    pct_65plus: 14,
    pct_households_deprived_2plus: 6,
    pct_black_asian: 10,
    pct_rural: 0,
  },
  C: {
    imd2025_score: 30,
    pct_disabled: 21,
    pct_65plus: 17,
    pct_households_deprived_2plus: 9,
    pct_black_asian: 40,
    pct_rural: 60,
  },
};

// mean and population SD by hand:
//   imd:        (10+20+30)/3 = 20;  deviations -10,0,10 → var 200/3 → sd √(200/3)
//   disabled:   (15+18+21)/3 = 18;  -3,0,3             → var 6     → sd √6
//   65+:        (20+14+17)/3 = 17;  3,-3,0             → var 6     → sd √6
//   deprived:   (3+6+9)/3 = 6;      -3,0,3             → var 6     → sd √6
//   black/asian:(4+10+40)/3 = 18;   -14,-8,22          → var (196+64+484)/3 = 248 → sd √248
//   rural:      (0+0+60)/3 = 20;    -20,-20,40         → var (400+400+1600)/3 = 800 → sd √800
const HAND: Record<NeedComponent, { mean: number; sd: number }> = {
  imd2025_score: { mean: 20, sd: Math.sqrt(200 / 3) },
  pct_disabled: { mean: 18, sd: Math.sqrt(6) },
  pct_65plus: { mean: 17, sd: Math.sqrt(6) },
  pct_households_deprived_2plus: { mean: 6, sd: Math.sqrt(6) },
  pct_black_asian: { mean: 18, sd: Math.sqrt(248) },
  pct_rural: { mean: 20, sd: Math.sqrt(800) },
};

const z = (area: keyof typeof AREAS, k: NeedComponent) => (AREAS[area][k] - HAND[k].mean) / HAND[k].sd;

describe('meanAndSd', () => {
  it('when given values, then it returns the mean and population standard deviation', () => {
    const { mean, sd } = meanAndSd([4, 10, 40]);
    expect(mean).toBeCloseTo(18, 12);
    expect(sd).toBeCloseTo(Math.sqrt(248), 12);
  });

  it('when some values are not finite, then they are ignored', () => {
    expect(meanAndSd([1, NaN, 3, Infinity])).toEqual({ mean: 2, sd: 1 });
  });

  it('when there are no finite values, then both are NaN', () => {
    const r = meanAndSd([NaN]);
    expect(Number.isNaN(r.mean) && Number.isNaN(r.sd)).toBe(true);
    expect(Number.isNaN(meanAndSd([]).mean)).toBe(true);
  });
});

describe('normaliseWeights', () => {
  it('when no weights are given, then the documented defaults are used and sum to 1', () => {
    const w = normaliseWeights();
    for (const k of COMPONENTS) expect(w[k]).toBeCloseTo(DEFAULT_NEED_WEIGHTS[k], 12);
    expect(COMPONENTS.reduce((s, k) => s + w[k], 0)).toBeCloseTo(1, 12);
  });

  it('when some weights are given, then the others are 0 and the given ones are scaled to sum to 1', () => {
    const w = normaliseWeights({ imd2025_score: 3, pct_rural: 1 });
    expect(w.imd2025_score).toBeCloseTo(0.75, 12);
    expect(w.pct_rural).toBeCloseTo(0.25, 12);
    expect(w.pct_disabled).toBe(0);
  });

  it('when weights are negative or all zero, then negatives count as 0 and all-zero falls back to the defaults', () => {
    const w = normaliseWeights({ imd2025_score: 1, pct_rural: -5 });
    expect(w.imd2025_score).toBe(1);
    expect(w.pct_rural).toBe(0);
    expect(normaliseWeights({ imd2025_score: 0 })).toEqual(normaliseWeights());
    expect(normaliseWeights({})).toEqual(normaliseWeights());
  });

  it('when defaults are listed, then every component has a human label', () => {
    expect(Object.keys(NEED_COMPONENT_LABELS).sort()).toEqual([...COMPONENTS].sort());
  });
});

describe('computeNeedIndex', () => {
  it('when every component is present, then each contribution is weight × z-score and the index is their sum', () => {
    const scores = computeNeedIndex(AREAS);
    for (const area of ['A', 'B', 'C'] as const) {
      let index = 0;
      for (const k of COMPONENTS) {
        const expected = DEFAULT_NEED_WEIGHTS[k] * z(area, k);
        expect(scores[area]!.contributions[k]).toBeCloseTo(expected, 12);
        index += expected;
      }
      expect(scores[area]!.index).toBeCloseTo(index, 12);
    }
    // z-scores over the set sum to zero, so the indices do too; the most deprived area ranks highest.
    expect(scores.A!.index! + scores.B!.index! + scores.C!.index!).toBeCloseTo(0, 12);
    expect(scores.C!.index!).toBeGreaterThan(scores.B!.index!);
  });

  it('when custom weights are given, then only those components count, in proportion', () => {
    const scores = computeNeedIndex(AREAS, { imd2025_score: 1, pct_black_asian: 1 });
    for (const area of ['A', 'B', 'C'] as const) {
      expect(scores[area]!.index).toBeCloseTo(0.5 * z(area, 'imd2025_score') + 0.5 * z(area, 'pct_black_asian'), 12);
      expect(scores[area]!.contributions.pct_rural).toBeCloseTo(0, 12); // weight 0 (may be -0)
    }
    // Hand value for A: 0.5 × (−10/√(200/3)) + 0.5 × (−14/√248)
    expect(scores.A!.index).toBeCloseTo(0.5 * (-10 / Math.sqrt(200 / 3)) + 0.5 * (-14 / Math.sqrt(248)), 12);
  });

  it('when an area is missing a weighted component, then its index is null and that contribution is null', () => {
    const scores = computeNeedIndex({ ...AREAS, D: { ...AREAS.B, pct_65plus: null } });
    expect(scores.D!.index).toBeNull();
    expect(scores.D!.contributions.pct_65plus).toBeNull();
    expect(scores.D!.contributions.imd2025_score).not.toBeNull();
    // The area with a gap does not enter that component's mean and SD: A, B and C keep their z-scores for 65+.
    expect(scores.A!.contributions.pct_65plus).toBeCloseTo(DEFAULT_NEED_WEIGHTS.pct_65plus * z('A', 'pct_65plus'), 12);
  });

  it('when an area lacks a component with zero weight, then its index is still computed', () => {
    const partial = Object.fromEntries(
      Object.entries(AREAS).map(([code, v]) => [code, { ...v, pct_rural: code === 'A' ? undefined : v.pct_rural }]),
    );
    const scores = computeNeedIndex(partial, { imd2025_score: 1 });
    expect(scores.A!.index).toBeCloseTo(z('A', 'imd2025_score'), 12);
    expect(scores.A!.contributions.pct_rural).toBeNull();
  });

  it('when a value is not finite, then it counts as missing', () => {
    const scores = computeNeedIndex({ ...AREAS, D: { ...AREAS.B, imd2025_score: NaN } });
    expect(scores.D!.index).toBeNull();
    expect(scores.D!.contributions.imd2025_score).toBeNull();
  });

  it('when a component has no spread, then it contributes 0 to every area', () => {
    const flat = Object.fromEntries(Object.entries(AREAS).map(([code, v]) => [code, { ...v, pct_disabled: 12 }]));
    const scores = computeNeedIndex(flat);
    for (const area of ['A', 'B', 'C'] as const) {
      expect(scores[area]!.contributions.pct_disabled).toBe(0);
      const expected = COMPONENTS.filter((k) => k !== 'pct_disabled').reduce(
        (s, k) => s + DEFAULT_NEED_WEIGHTS[k] * z(area, k),
        0,
      );
      expect(scores[area]!.index).toBeCloseTo(expected, 12);
    }
  });

  it('when there is a single area, then every component has zero spread and the index is 0', () => {
    const scores = computeNeedIndex({ A: AREAS.A });
    expect(scores.A!.index).toBe(0);
  });

  it('when there are no areas, then the result is empty', () => {
    expect(computeNeedIndex({})).toEqual({});
  });
});
