import {
  assignLsoasToPcns,
  countLsoasPerPcn,
  type CatchmentOptions,
  type LsoaPoint,
  type PracticePoint,
} from '../../../shared/geo/catchment';
import { haversineKm } from '../../../shared/geo/distance';
import { GridIndex } from '../../../shared/geo/grid-index';

// Hand-made fixtures are laid out in kilometres east (x) and north (y) of a point in the Midlands.
const ORIGIN = { lat: 52.5, lng: -2 };
const KM_PER_DEG_LAT = 111.195;
const KM_PER_DEG_LNG = KM_PER_DEG_LAT * Math.cos((ORIGIN.lat * Math.PI) / 180);
const at = (xKm: number, yKm: number): { lat: number; lng: number } => ({
  lat: ORIGIN.lat + yKm / KM_PER_DEG_LAT,
  lng: ORIGIN.lng + xKm / KM_PER_DEG_LNG,
});

const lsoa = (code: string, xKm: number, yKm: number, subIcbCode = 'S1', residents = 1500): LsoaPoint => ({
  code,
  subIcbCode,
  residents,
  ...at(xKm, yKm),
});

const practice = (
  code: string,
  pcnCode: string,
  xKm: number,
  yKm: number,
  listSize: number,
  subIcbCode = 'S1',
): PracticePoint => ({ code, pcnCode, subIcbCode, listSize, ...at(xKm, yKm) });

const assignOne = (l: LsoaPoint, practices: PracticePoint[], options?: CatchmentOptions): string | undefined =>
  assignLsoasToPcns({ lsoas: [l], practices, options: { ensureEveryPcn: false, ...options } }).get(l.code);

describe('assignLsoasToPcns', () => {
  it('gives an LSOA to the PCN of its nearest practice with the nearest method', () => {
    const practices = [practice('P1', 'PCN_A', -2, 0, 5000), practice('P2', 'PCN_B', 3, 0, 5000)];
    expect(assignOne(lsoa('L1', 0, 0), practices, { method: 'nearest' })).toBe('PCN_A');
    expect(assignOne(lsoa('L2', 1, 0), practices, { method: 'nearest' })).toBe('PCN_B');
  });

  it('lets a much larger practice win a nearly equidistant LSOA under gravity', () => {
    const practices = [practice('SMALL', 'PCN_A', -1, 0, 2000), practice('BIG', 'PCN_B', 1.2, 0, 20000)];
    const l = lsoa('L1', 0, 0);
    expect(assignOne(l, practices, { method: 'nearest' })).toBe('PCN_A');
    expect(assignOne(l, practices)).toBe('PCN_B');
  });

  it('sums the pull of all of a PCN’s practices under gravity but not under weighted Voronoi', () => {
    // PCN_A: two practices 1 km away (5,000 each, pull 2 x 5,000 / 1^3 = 10,000);
    // PCN_B: one practice 0.9 km away (6,000, pull 6,000 / 0.729 ≈ 8,230).
    const practices = [
      practice('A1', 'PCN_A', 1, 0, 5000),
      practice('A2', 'PCN_A', -1, 0, 5000),
      practice('B1', 'PCN_B', 0, 0.9, 6000),
    ];
    const l = lsoa('L1', 0, 0);
    expect(assignOne(l, practices, { method: 'gravity', distanceExponent: 3 })).toBe('PCN_A');
    expect(assignOne(l, practices, { method: 'weighted-voronoi', distanceExponent: 3 })).toBe('PCN_B');
  });

  it('ignores candidate practices beyond maxDistanceKm, except the nearest', () => {
    const practices = [practice('NEAR', 'PCN_A', 1, 0, 1000), practice('FAR', 'PCN_B', 6, 0, 1_000_000)];
    const l = lsoa('L1', 0, 0);
    expect(assignOne(l, practices, { maxDistanceKm: 5 })).toBe('PCN_A');
    expect(assignOne(l, practices, { maxDistanceKm: Infinity })).toBe('PCN_B');
    // Alone beyond the limit, the nearest practice still serves the LSOA.
    expect(assignOne(l, [practices[1] as PracticePoint], { maxDistanceKm: 5 })).toBe('PCN_B');
  });

  describe('sub-ICB handling', () => {
    // The LSOA is in S1; the S2 practice is nearer (1 km) than the S1 one (1.5 km).
    const practices = [practice('OWN', 'PCN_OWN', 0, 1.5, 5000, 'S1'), practice('NEXT', 'PCN_NEXT', 1, 0, 5000, 'S2')];
    const l = lsoa('L1', 0, 0, 'S1');

    it('only uses the LSOA’s own sub-ICB when the penalty is infinite', () => {
      expect(assignOne(l, practices, { method: 'nearest', otherSubIcbDistanceFactor: Infinity })).toBe('PCN_OWN');
    });

    it('ignores sub-ICBs when the penalty is 1', () => {
      expect(assignOne(l, practices, { method: 'nearest', otherSubIcbDistanceFactor: 1 })).toBe('PCN_NEXT');
    });

    it('counts a practice across the boundary as further away by the penalty factor', () => {
      // 1 km x 2 = 2 km > 1.5 km, so the default penalty keeps the LSOA in its own sub-ICB...
      expect(assignOne(l, practices, { method: 'nearest', otherSubIcbDistanceFactor: 2 })).toBe('PCN_OWN');
      // ...but a practice just over the boundary still beats a distant one in the same sub-ICB.
      const farOwn = [practice('OWN', 'PCN_OWN', 0, 5, 5000, 'S1'), practices[1] as PracticePoint];
      expect(assignOne(l, farOwn, { method: 'nearest', otherSubIcbDistanceFactor: 2 })).toBe('PCN_NEXT');
    });

    it('falls back to the nearest PCN anywhere when the LSOA’s sub-ICB has no practice', () => {
      const orphan = lsoa('L2', 0.9, 0, 'S3');
      expect(assignOne(orphan, practices, { otherSubIcbDistanceFactor: Infinity })).toBe('PCN_NEXT');
    });
  });

  it('ignores unallocated and ungeocoded practices', () => {
    const practices = [
      practice('UNALLOC', 'U', 0, 0, 50000),
      { ...practice('NOWHERE', 'PCN_GHOST', 0, 0, 50000), lat: Number.NaN, lng: Number.NaN },
      practice('REAL', 'PCN_A', 3, 0, 1000),
    ];
    const result = assignLsoasToPcns({ lsoas: [lsoa('L1', 0, 0), lsoa('L2', 0.5, 0)], practices });
    expect([...result.values()]).toEqual(['PCN_A', 'PCN_A']);
  });

  describe('coverage', () => {
    // A row of 12 LSOAs; PCN_BIG's practice sits in the middle, and PCN_TINY's practice is in
    // the same building, so on distance and size alone PCN_TINY would get nothing.
    const lsoas = Array.from({ length: 12 }, (_, i) => lsoa(`L${String(i).padStart(2, '0')}`, i - 5.5, 0));
    const practices = [
      practice('BIG', 'PCN_BIG', 0, 0, 30000),
      practice('TINY', 'PCN_TINY', 0, 0, 2000),
      practice('EAST', 'PCN_EAST', 12, 0, 8000),
    ];

    it('assigns every LSOA to exactly one PCN', () => {
      const result = assignLsoasToPcns({ lsoas, practices });
      expect(result.size).toBe(lsoas.length);
      expect([...result.keys()].sort()).toEqual(lsoas.map((l) => l.code).sort());
    });

    it('gives every PCN at least one LSOA, taking it from a PCN that has others', () => {
      const without = countLsoasPerPcn(assignLsoasToPcns({ lsoas, practices, options: { ensureEveryPcn: false } }));
      expect(without.has('PCN_TINY')).toBe(false);

      const withSeeds = assignLsoasToPcns({ lsoas, practices });
      const counts = countLsoasPerPcn(withSeeds);
      expect(counts.get('PCN_TINY')).toBe(1);
      expect(counts.get('PCN_BIG')).toBeGreaterThan(1);
      expect(counts.get('PCN_EAST')).toBeGreaterThanOrEqual(1);
      // The seed is an LSOA next to the practice (the two centre LSOAs are equally near).
      const seed = [...withSeeds].find(([, pcn]) => pcn === 'PCN_TINY')?.[0];
      expect(['L05', 'L06']).toContain(seed);
    });

    it('gives a bigger PCN more residents under the balanced method', () => {
      const two = [practice('W', 'PCN_W', -5.5, 0, 30000), practice('E', 'PCN_E', 5.5, 0, 10000)];
      const nearest = countLsoasPerPcn(assignLsoasToPcns({ lsoas, practices: two, options: { method: 'nearest' } }));
      const balanced = countLsoasPerPcn(
        // No distance limit: it would stop either PCN from reaching past the middle.
        assignLsoasToPcns({
          lsoas,
          practices: two,
          options: { method: 'balanced', maxDistanceKm: Infinity },
        }),
      );
      expect(nearest.get('PCN_W')).toBe(6);
      // Residents should split about 3:1, i.e. 9 of the 12 equal LSOAs.
      expect(balanced.get('PCN_W')).toBe(9);
    });
  });

  it('does not depend on the order of the practices', () => {
    const lsoas = Array.from({ length: 30 }, (_, i) => lsoa(`L${i}`, (i % 6) * 1.3, Math.floor(i / 6) * 1.1));
    const practices = [
      practice('P1', 'PCN_A', 0, 0, 4000),
      practice('P2', 'PCN_B', 0, 0, 4000), // co-located with P1: ties must break the same way
      practice('P3', 'PCN_C', 5, 4, 12000),
      practice('P4', 'PCN_A', 3, 2, 7000),
    ];
    const forward = assignLsoasToPcns({ lsoas, practices });
    const backward = assignLsoasToPcns({ lsoas, practices: [...practices].reverse() });
    expect([...backward]).toEqual([...forward]);
  });

  it('rejects an LSOA without coordinates, input without usable practices and a penalty below 1', () => {
    const practices = [practice('P1', 'PCN_A', 0, 0, 1000)];
    expect(() => assignLsoasToPcns({ lsoas: [{ ...lsoa('L1', 0, 0), lat: Number.NaN }], practices })).toThrow(
      /no coordinates/,
    );
    expect(() => assignLsoasToPcns({ lsoas: [lsoa('L1', 0, 0)], practices: [] })).toThrow(RangeError);
    expect(() =>
      assignLsoasToPcns({
        lsoas: [lsoa('L1', 0, 0)],
        practices,
        options: { otherSubIcbDistanceFactor: 0.5 },
      }),
    ).toThrow(/at least 1/);
  });
});

describe('GridIndex', () => {
  it('returns the same k nearest points as a brute-force search', () => {
    // Deterministic pseudo-random points over England, some clustered as in a city.
    let seed = 42;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const points = Array.from({ length: 1000 }, (_, id) =>
      id % 2 === 0
        ? { id, lat: 50 + random() * 5.5, lng: -5.5 + random() * 7.2 }
        : { id, lat: 51.5 + random() * 0.1, lng: -0.2 + random() * 0.15 },
    );
    const index = new GridIndex(points);
    const got: number[][] = [];
    const want: number[][] = [];
    for (let q = 0; q < 100; q++) {
      const lat = 49.5 + random() * 6.5;
      const lng = -6 + random() * 8;
      got.push(index.nearest(lat, lng, 7).map((n) => n.distanceKm));
      want.push(
        points
          .map((p) => haversineKm(lat, lng, p.lat, p.lng))
          .sort((a, b) => a - b)
          .slice(0, 7),
      );
    }
    expect(got).toEqual(want);
  });

  it('returns what it has when asked for more points than it holds', () => {
    const index = new GridIndex([{ lat: 52, lng: -1 }]);
    expect(index.nearest(10, 10, 3)).toHaveLength(1);
    expect(new GridIndex([]).nearest(52, -1, 3)).toEqual([]);
  });
});

describe('haversineKm', () => {
  it('measures known distances', () => {
    expect(haversineKm(52, -1, 52, -1)).toBe(0);
    // One degree of latitude on the mean-radius sphere.
    expect(haversineKm(52, -1, 53, -1)).toBeCloseTo(111.195, 2);
    // London (Charing Cross) to Birmingham (Victoria Square): about 162 km.
    expect(haversineKm(51.5073, -0.1276, 52.4796, -1.9031)).toBeGreaterThan(160);
    expect(haversineKm(51.5073, -0.1276, 52.4796, -1.9031)).toBeLessThan(164);
  });
});
