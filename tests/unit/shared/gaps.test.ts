import {
  canTransition,
  computeGapScores,
  DEFAULT_SUPPLY_WEIGHTS,
  explainGap,
  FLAG_STATUSES,
  normaliseResourceWeights,
  per10k,
  rankDescending,
  serviceWeight,
  topDecile,
  weightedSupply,
} from '../../../shared/gaps';

describe('serviceWeight and weightedSupply', () => {
  it.each([
    ['accepting', true, 1],
    ['accepting', false, 0.5],
    ['limited', true, 0.75],
    ['limited', false, 0.375],
    ['waitlist', true, 0.5],
    ['waitlist', false, 0.25],
    ['not_accepting', true, 0],
    ['unset', false, 0.25],
  ] as const)('when %s and confirmed=%s, then the default weight is %s', (cls, confirmed, expected) => {
    expect(serviceWeight(cls, confirmed)).toBe(expected);
  });

  it('when counts are given, then the supply is the sum of count × weight', () => {
    const counts = [
      { cls: 'accepting' as const, confirmed: true, n: 3 },
      { cls: 'waitlist' as const, confirmed: false, n: 4 },
      { cls: 'unset' as const, confirmed: false, n: 2 },
    ];
    expect(weightedSupply(counts)).toBe(3 + 4 * 0.25 + 2 * 0.25);
    const custom = { status: { ...DEFAULT_SUPPLY_WEIGHTS.status, waitlist: 1 }, unconfirmed: 1 };
    expect(weightedSupply(counts, custom)).toBe(3 + 4 + 0.5);
  });

  it('when the denominator is missing or zero, then the rate is missing, not zero', () => {
    expect(per10k(5, 20_000)).toBe(2.5);
    expect(per10k(5, null)).toBeNull();
    expect(per10k(5, 0)).toBeNull();
    expect(per10k(null, 100)).toBeNull();
  });
});

describe('computeGapScores', () => {
  it('when three areas are scored, then gap = need z − (½ LW z + ½ VCSE z) with population SDs', () => {
    // need 1, 2, 3 → z −√1.5, 0, +√1.5; LW 2, 2, 5 → mean 3, SD √2 → z −1/√2, −1/√2, √2; VCSE 0, 1, 2 like need.
    const s = computeGapScores({
      a: { needIndex: 1, linkWorkersPer10k: 2, vcsePer10k: 0 },
      b: { needIndex: 2, linkWorkersPer10k: 2, vcsePer10k: 1 },
      c: { needIndex: 3, linkWorkersPer10k: 5, vcsePer10k: 2 },
    });
    const k = Math.sqrt(1.5);
    expect(s.a!.needZ).toBeCloseTo(-k, 12);
    expect(s.a!.linkWorkersZ).toBeCloseTo(-1 / Math.sqrt(2), 12);
    expect(s.a!.gap).toBeCloseTo(-k - (0.5 * (-1 / Math.sqrt(2)) + 0.5 * -k), 12);
    expect(s.c!.gap).toBeCloseTo(k - (0.5 * Math.sqrt(2) + 0.5 * k), 12);
    expect(s.b!.contributions.linkWorkers).toBeCloseTo(0.5 / Math.sqrt(2), 12);
  });

  it('when an input is missing, then that area has no gap and is left out of the standardisation', () => {
    const s = computeGapScores({
      a: { needIndex: 1, linkWorkersPer10k: null, vcsePer10k: 1 },
      b: { needIndex: 2, linkWorkersPer10k: 1, vcsePer10k: 1 },
      c: { needIndex: 3, linkWorkersPer10k: 3, vcsePer10k: 1 },
    });
    expect(s.a!.gap).toBeNull();
    expect(s.a!.linkWorkersZ).toBeNull();
    expect(s.b!.linkWorkersZ).toBeCloseTo(-1, 12);
    expect(s.b!.vcseZ).toBe(0); // no spread → 0
  });

  it('when weights are given, then they are normalised; all zero gives the defaults', () => {
    expect(normaliseResourceWeights({ linkWorkers: 3, vcse: 1 })).toEqual({ linkWorkers: 0.75, vcse: 0.25 });
    expect(normaliseResourceWeights({ linkWorkers: 0, vcse: 0 })).toEqual({ linkWorkers: 0.5, vcse: 0.5 });
  });
});

describe('explainGap', () => {
  it('when explained, then drivers are sorted by size and the summary names the largest', () => {
    const [score] = Object.values(
      computeGapScores({
        a: { needIndex: 3, linkWorkersPer10k: 1, vcsePer10k: 1 },
        b: { needIndex: 0, linkWorkersPer10k: 1.1, vcsePer10k: 1 },
      }),
    );
    const { drivers, summary } = explainGap(score!, ['Deprivation (IMD 2025 score)']);
    expect(drivers[0]!.component).toBe('need');
    expect(summary).toMatch(/^Gap \+1\.50, driven most by: Need 1\.00 SD above .*mainly Deprivation/);
  });
});

describe('ranks and deciles', () => {
  it('when ranked, then the widest gap is 1, ties share, missing has no rank', () => {
    expect(rankDescending({ a: 1, b: 3, c: 3, d: null, e: 0 })).toEqual({ a: 3, b: 1, c: 1, d: null, e: 4 });
  });

  it('when 11 values are given, then the top decile is the 2 largest', () => {
    const values = Object.fromEntries([...Array(11).keys()].map((i) => [`p${i}`, i]));
    expect(topDecile({ ...values, x: null })).toEqual(['p10', 'p9']);
    expect(topDecile({ x: null })).toEqual([]);
  });
});

describe('flag transitions', () => {
  it.each([
    ['open', 'in_progress', true],
    ['open', 'resolved', true],
    ['in_progress', 'dismissed', true],
    ['in_progress', 'open', false],
    ['resolved', 'in_progress', false],
    ['dismissed', 'open', true],
  ] as const)('when %s → %s, then allowed is %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('when any status moves to itself, then it is not a transition', () => {
    for (const s of FLAG_STATUSES) expect(canTransition(s, s)).toBe(false);
  });
});
