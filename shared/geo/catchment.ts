/**
 * Approximate Primary Care Network (PCN) catchments.
 *
 * England publishes no PCN boundaries, so each LSOA 2021 is assigned to exactly one PCN from
 * where that PCN's GP practices are. A PCN's catchment is then the union of its LSOAs. The result
 * is an approximation and must be labelled as such wherever it is shown; see docs/catchments.md
 * for the method, its measured accuracy and its limits.
 *
 * Pure module: no Node or DOM APIs, deterministic for a given input.
 */
import { GridIndex } from './grid-index';

/** The `pcn_code` NHS England uses for practices that are not in any PCN; such practices are ignored. */
export const UNALLOCATED_PCN_CODE = 'U';

/** An LSOA 2021 reduced to what catchment assignment needs. */
export interface LsoaPoint {
  /** ONS LSOA 2021 code, e.g. `E01000001`. */
  code: string;
  /** Latitude of the LSOA centre point, decimal degrees (WGS84). */
  lat: number;
  /** Longitude of the LSOA centre point, decimal degrees (WGS84). */
  lng: number;
  /** NHS ODS code of the sub-ICB location containing the LSOA, e.g. `16C` (same code list as practices). */
  subIcbCode: string;
  /** Usual residents at Census 2021, persons; only the `balanced` method reads it (missing counts as 1). */
  residents?: number;
}

/** A GP practice reduced to what catchment assignment needs. */
export interface PracticePoint {
  /** NHS ODS practice code, e.g. `A81001`. */
  code: string;
  /** NHS ODS code of the practice's PCN, e.g. `U12345`; `U` (unallocated) practices are ignored. */
  pcnCode: string;
  /** NHS ODS code of the practice's sub-ICB location, e.g. `16C`. */
  subIcbCode: string;
  /** Latitude of the practice postcode centroid, decimal degrees (WGS84); non-finite means ungeocoded and ignored. */
  lat: number;
  /** Longitude of the practice postcode centroid, decimal degrees (WGS84); non-finite means ungeocoded and ignored. */
  lng: number;
  /** Registered patients, all ages, persons. */
  listSize: number;
}

/**
 * How an LSOA chooses among the PCNs of its candidate practices. "Distance" is always the
 * effective distance: floored at `minDistanceKm` and, for a practice in another sub-ICB,
 * multiplied by `otherSubIcbDistanceFactor`.
 * - `nearest`: the PCN of the nearest practice;
 * - `gravity`: the PCN with the highest sum over its candidate practices of listSize^a / distance^b;
 * - `weighted-voronoi`: the PCN of the practice with the highest listSize^a / distance^b (a
 *   multiplicatively weighted Voronoi diagram of practices);
 * - `additive-voronoi`: the PCN of the practice with the lowest distance minus a head start of
 *   sizeBonusKm * (listSize / 10,000)^a (an additively weighted Voronoi diagram);
 * - `balanced`: the PCN with the lowest distance-to-its-nearest-practice / weight, where each
 *   PCN's weight is iterated until the Census residents it receives are in proportion to its list
 *   size within its sub-ICB (a capacity-constrained weighted Voronoi diagram).
 */
export type CatchmentMethod = 'nearest' | 'gravity' | 'weighted-voronoi' | 'additive-voronoi' | 'balanced';

/** Tuning of {@link assignLsoasToPcns}; every property is optional and defaults to {@link DEFAULT_CATCHMENT_OPTIONS}. */
export interface CatchmentOptions {
  /** Assignment rule, see {@link CatchmentMethod}. */
  method?: CatchmentMethod;
  /**
   * A practice outside the LSOA's sub-ICB counts as this many times further away, dimensionless
   * and at least 1: 1 ignores sub-ICBs; Infinity allows only the LSOA's own sub-ICB (unless it has
   * no practice).
   */
  otherSubIcbDistanceFactor?: number;
  /** How many practices (nearest by effective distance) an LSOA considers, count; `nearest` uses 1. */
  candidatePractices?: number;
  /** Drop candidates whose effective distance exceeds this, except the nearest one, km. */
  maxDistanceKm?: number;
  /** Distances below this count as this, km: centre points and postcode centroids are not exact. */
  minDistanceKm?: number;
  /** Exponent `a` applied to list size in `gravity` and both Voronoi methods, dimensionless. */
  sizeExponent?: number;
  /** Exponent `b` applied to distance in `gravity` and `weighted-voronoi`, dimensionless. */
  distanceExponent?: number;
  /** Head start of a 10,000-patient practice in `additive-voronoi`, km. */
  sizeBonusKm?: number;
  /** Weight-update rounds of the `balanced` method, count. */
  balanceIterations?: number;
  /** Damping exponent of each `balanced` weight update (weight *= (target / assigned)^step), dimensionless. */
  balanceStep?: number;
  /** Give every PCN at least one LSOA (the one nearest its largest practice, if free), boolean. */
  ensureEveryPcn?: boolean;
}

/**
 * The default options: the method and parameters that agreed best with real registrations. They
 * were chosen on Staffordshire and Shropshire, the only ground truth available (docs/catchments.md).
 */
export const DEFAULT_CATCHMENT_OPTIONS: Readonly<Required<CatchmentOptions>> = Object.freeze({
  method: 'gravity',
  otherSubIcbDistanceFactor: 2,
  candidatePractices: 10,
  maxDistanceKm: 5,
  minDistanceKm: 0.5,
  sizeExponent: 1,
  distanceExponent: 3,
  sizeBonusKm: 0.5,
  balanceIterations: 40,
  balanceStep: 0.5,
  ensureEveryPcn: true,
});

/** Inputs of {@link assignLsoasToPcns}. */
export interface AssignLsoasToPcnsArgs {
  /** Every LSOA to assign; each must have finite coordinates. */
  lsoas: readonly LsoaPoint[];
  /** Practices whose PCNs the LSOAs are shared among; unallocated and ungeocoded ones are ignored. */
  practices: readonly PracticePoint[];
  /** Method and parameters, merged over {@link DEFAULT_CATCHMENT_OPTIONS}. */
  options?: CatchmentOptions;
}

/** Assigns every LSOA to exactly one PCN and returns a map from LSOA code to PCN code. */
export function assignLsoasToPcns({ lsoas, practices, options }: AssignLsoasToPcnsArgs): Map<string, string> {
  const opts: Required<CatchmentOptions> = { ...DEFAULT_CATCHMENT_OPTIONS, ...options };
  for (const lsoa of lsoas) {
    if (!Number.isFinite(lsoa.lat) || !Number.isFinite(lsoa.lng)) {
      throw new RangeError(`LSOA ${lsoa.code} has no coordinates`);
    }
  }
  // Sorting makes co-located practices tie-break by code rather than by input order.
  const usable = practices
    .filter(
      (p) => p.pcnCode !== '' && p.pcnCode !== UNALLOCATED_PCN_CODE && Number.isFinite(p.lat) && Number.isFinite(p.lng),
    )
    .sort((a, b) => compareStrings(a.code, b.code));
  if (usable.length === 0) throw new RangeError('No practice has both a PCN and coordinates');

  const candidates = findCandidates(lsoas, usable, opts);
  const assigned =
    opts.method === 'balanced'
      ? balance(lsoas, usable, candidates, opts)
      : candidates.map((c) => bestByKernel(c, opts));
  if (opts.ensureEveryPcn) giveEveryPcnAnLsoa(lsoas, usable, assigned);

  const result = new Map<string, string>();
  lsoas.forEach((lsoa, i) => result.set(lsoa.code, assigned[i] as string));
  return result;
}

/** Counts the LSOAs of each PCN in an assignment, for checks and reports. */
export function countLsoasPerPcn(assignment: ReadonlyMap<string, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pcn of assignment.values()) counts.set(pcn, (counts.get(pcn) ?? 0) + 1);
  return counts;
}

/** A practice an LSOA may be assigned to. */
interface Candidate {
  practice: PracticePoint;
  /** Effective distance from the LSOA centre, km (see {@link CatchmentMethod}). */
  distanceKm: number;
}

/** For each LSOA, its candidate practices by increasing effective distance; never empty. */
function findCandidates(
  lsoas: readonly LsoaPoint[],
  practices: readonly PracticePoint[],
  opts: Required<CatchmentOptions>,
): Candidate[][] {
  const everywhere = new GridIndex(practices);
  const bySubIcb = new Map<string, GridIndex<PracticePoint>>();
  for (const [subIcb, group] of groupBy(practices, (p) => p.subIcbCode)) {
    bySubIcb.set(subIcb, new GridIndex(group));
  }
  const k = opts.method === 'nearest' ? 1 : Math.max(1, opts.candidatePractices);
  const factor = opts.otherSubIcbDistanceFactor;
  if (!(factor >= 1)) throw new RangeError('otherSubIcbDistanceFactor must be at least 1');
  return lsoas.map((lsoa) => {
    // The k effectively-nearest practices are always among the k nearest in the LSOA's own
    // sub-ICB plus the k nearest anywhere: a practice in neither list is beaten by k practices
    // that are nearer and, as the factor is >= 1, no more penalised.
    const own = bySubIcb.get(lsoa.subIcbCode)?.nearest(lsoa.lat, lsoa.lng, k) ?? [];
    const others =
      factor === Infinity
        ? []
        : everywhere.nearest(lsoa.lat, lsoa.lng, k).filter((n) => n.item.subIcbCode !== lsoa.subIcbCode);
    const found = [...own, ...others]
      .map(({ item, distanceKm }) => ({
        practice: item,
        distanceKm: Math.max(distanceKm, opts.minDistanceKm) * (item.subIcbCode === lsoa.subIcbCode ? 1 : factor),
      }))
      .sort((a, b) => a.distanceKm - b.distanceKm)
      .slice(0, k)
      // The nearest practice always stays, so the distance limit never strands a remote LSOA.
      .filter((c, i) => i === 0 || c.distanceKm <= opts.maxDistanceKm);
    if (found.length > 0) return found;
    // Only when the LSOA's sub-ICB has no usable practice and others are excluded: the nearest PCN anywhere.
    return everywhere
      .nearest(lsoa.lat, lsoa.lng, 1)
      .map((n) => ({ practice: n.item, distanceKm: Math.max(n.distanceKm, opts.minDistanceKm) }));
  });
}

// List size at which `additive-voronoi` gives a practice exactly `sizeBonusKm` of head start, patients.
const SIZE_BONUS_LIST = 10_000;

/** The PCN scoring highest under the method's kernel, summed (`gravity`) or maximised (others) per PCN. */
function bestByKernel(candidates: readonly Candidate[], opts: Required<CatchmentOptions>): string {
  const scores = new Map<string, number>();
  for (const { practice, distanceKm } of candidates) {
    const size = Math.max(practice.listSize, 0);
    let pull: number;
    switch (opts.method) {
      case 'gravity':
      case 'weighted-voronoi':
        pull = size ** opts.sizeExponent / distanceKm ** opts.distanceExponent;
        break;
      case 'additive-voronoi':
        pull = opts.sizeBonusKm * (size / SIZE_BONUS_LIST) ** opts.sizeExponent - distanceKm;
        break;
      default:
        pull = -distanceKm;
    }
    const previous = scores.get(practice.pcnCode);
    scores.set(
      practice.pcnCode,
      previous === undefined ? pull : opts.method === 'gravity' ? previous + pull : Math.max(previous, pull),
    );
  }
  // Map iteration follows first insertion, i.e. each PCN's nearest practice, so `>` keeps the
  // nearer PCN on a tie.
  let best = '';
  let bestScore = -Infinity;
  for (const [pcn, score] of scores) {
    if (score > bestScore) {
      best = pcn;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Capacity-constrained weighted Voronoi: repeatedly assigns each LSOA to the candidate PCN with
 * the lowest distance / weight, then nudges each PCN's weight towards the one at which its
 * assigned residents match its target (its list size times its sub-ICB's residents per patient).
 */
function balance(
  lsoas: readonly LsoaPoint[],
  practices: readonly PracticePoint[],
  candidates: readonly Candidate[][],
  opts: Required<CatchmentOptions>,
): string[] {
  const pcnCodes = [...new Set(practices.map((p) => p.pcnCode))];
  const pcnIndex = new Map(pcnCodes.map((code, i) => [code, i]));
  const residentsOf = (l: LsoaPoint): number => l.residents ?? 1;

  // Residents per registered patient differs between areas (e.g. list inflation, students), so
  // targets are scaled per sub-ICB to add up to the population actually being shared out there.
  const residentsBySubIcb = sumBy(lsoas, (l) => l.subIcbCode, residentsOf);
  const listBySubIcb = sumBy(
    practices,
    (p) => p.subIcbCode,
    (p) => p.listSize,
  );
  const target = new Float64Array(pcnCodes.length);
  for (const p of practices) {
    const ratio = (residentsBySubIcb.get(p.subIcbCode) ?? 0) / (listBySubIcb.get(p.subIcbCode) || 1);
    target[pcnIndex.get(p.pcnCode) as number]! += p.listSize * ratio;
  }

  // For each LSOA, the effective distance to the nearest practice of each candidate PCN.
  const options = candidates.map((list) => {
    const nearestByPcn = new Map<number, number>();
    for (const { practice, distanceKm } of list) {
      const pcn = pcnIndex.get(practice.pcnCode) as number;
      if (!nearestByPcn.has(pcn)) nearestByPcn.set(pcn, distanceKm);
    }
    return [...nearestByPcn];
  });

  const weight = new Float64Array(pcnCodes.length).fill(1);
  const choice = new Int32Array(lsoas.length);
  const assign = (): void => {
    options.forEach((list, i) => {
      let best = -1;
      let bestCost = Infinity;
      for (const [pcn, distanceKm] of list) {
        const cost = distanceKm / (weight[pcn] as number);
        if (cost < bestCost) {
          best = pcn;
          bestCost = cost;
        }
      }
      choice[i] = best;
    });
  };
  for (let round = 0; round < opts.balanceIterations; round++) {
    assign();
    const got = new Float64Array(pcnCodes.length);
    lsoas.forEach((l, i) => {
      got[choice[i] as number]! += residentsOf(l);
    });
    for (let pcn = 0; pcn < pcnCodes.length; pcn++) {
      const ratio = (target[pcn] as number) / Math.max(got[pcn] as number, 1);
      // Clamped so one round cannot swing a weight wildly, and a PCN with nothing grows steadily.
      weight[pcn]! *= Math.min(2, Math.max(0.5, ratio ** opts.balanceStep));
    }
  }
  assign();
  return Array.from(choice, (pcn) => pcnCodes[pcn] as string);
}

// How many LSOAs around a PCN's largest practice are looked at to find one it can take.
const SEED_SEARCH_LSOAS = 50;

/**
 * Gives each PCN left without an LSOA the LSOA nearest its largest practice (preferring its own
 * sub-ICB) that is not already such a seed and whose current PCN keeps at least one other LSOA.
 * Mutates `assigned`.
 */
function giveEveryPcnAnLsoa(
  lsoas: readonly LsoaPoint[],
  practices: readonly PracticePoint[],
  assigned: string[],
): void {
  const counts = new Map<string, number>();
  for (const pcn of assigned) counts.set(pcn, (counts.get(pcn) ?? 0) + 1);
  const largest = new Map<string, PracticePoint>();
  for (const p of practices) {
    const current = largest.get(p.pcnCode);
    if (!current || p.listSize > current.listSize) largest.set(p.pcnCode, p);
  }
  const empty = [...largest.keys()].filter((pcn) => !counts.has(pcn)).sort(compareStrings);
  if (empty.length === 0) return;

  const lsoaIndex = new GridIndex(lsoas.map((l, i) => ({ lat: l.lat, lng: l.lng, i })));
  const seeds = new Set<number>();
  for (const pcn of empty) {
    const anchor = largest.get(pcn) as PracticePoint;
    const near = lsoaIndex.nearest(anchor.lat, anchor.lng, SEED_SEARCH_LSOAS).map((n) => n.item.i);
    const inSubIcb = near.filter((i) => lsoas[i]?.subIcbCode === anchor.subIcbCode);
    const pick = [...inSubIcb, ...near].find((i) => !seeds.has(i) && (counts.get(assigned[i] as string) ?? 0) > 1);
    if (pick === undefined) continue;
    const previous = assigned[pick] as string;
    counts.set(previous, (counts.get(previous) as number) - 1);
    counts.set(pcn, 1);
    assigned[pick] = pcn;
    seeds.add(pick);
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function sumBy<T>(items: readonly T[], key: (item: T) => string, value: (item: T) => number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    sums.set(k, (sums.get(k) ?? 0) + value(item));
  }
  return sums;
}
