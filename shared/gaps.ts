/**
 * Gap analysis: capacity-weighted VCSE supply, the gap score (standardised need minus standardised resource) with
 * its explanation, and the life cycle of under-served flags. Pure; the method is documented in docs/gaps.md.
 */
import { meanAndSd } from './need';

// ---------------------------------------------------------------------------------------------------------------
// VCSE supply

/** Capacity classes a reachable service falls into: its status, or `unset` when capacity was never given. */
export const CAPACITY_CLASSES = ['accepting', 'limited', 'waitlist', 'not_accepting', 'unset'] as const;

/** A capacity class. */
export type CapacityClass = (typeof CAPACITY_CLASSES)[number];

/** How much one service counts towards supply, by its capacity, and the factor for capacity nobody re-confirmed. */
export interface SupplyWeights {
  /** Weight of each capacity status (0–1) when confirmed within the freshness window. */
  status: Record<CapacityClass, number>;
  /** Multiplier (0–1) for a status that is no longer confirmed (stale); not applied to `unset`. */
  unconfirmed: number;
}

/** Default supply weights (docs/gaps.md explains each). */
export const DEFAULT_SUPPLY_WEIGHTS: SupplyWeights = {
  status: { accepting: 1, limited: 0.75, waitlist: 0.5, not_accepting: 0, unset: 0.25 },
  unconfirmed: 0.5,
};

/** Weight of one service of a capacity class and freshness. */
export function serviceWeight(cls: CapacityClass, confirmed: boolean, w: SupplyWeights = DEFAULT_SUPPLY_WEIGHTS) {
  const base = w.status[cls];
  return cls === 'unset' || confirmed ? base : base * w.unconfirmed;
}

/** Number of services of one capacity class and freshness reachable from an area. */
export interface SupplyCount {
  cls: CapacityClass;
  confirmed: boolean;
  n: number;
}

/** Capacity-weighted number of services: Σ n × weight(class, freshness). */
export function weightedSupply(counts: readonly SupplyCount[], w: SupplyWeights = DEFAULT_SUPPLY_WEIGHTS): number {
  return counts.reduce((s, c) => s + c.n * serviceWeight(c.cls, c.confirmed, w), 0);
}

/** A rate per 10,000 people; null when the denominator is missing or not positive. */
export function per10k(value: number | null, denominator: number | null): number | null {
  if (value === null || denominator === null || !(denominator > 0)) return null;
  return (value / denominator) * 10_000;
}

// ---------------------------------------------------------------------------------------------------------------
// Gap score

/** Weights of the two resource components in the resource score (normalised to sum to 1). */
export interface ResourceWeights {
  /** Social prescribing link-worker FTE per 10,000 registered patients. */
  linkWorkers: number;
  /** Capacity-weighted VCSE services reachable per 10,000 population. */
  vcse: number;
}

/** Default: link workers and VCSE supply count equally. */
export const DEFAULT_RESOURCE_WEIGHTS: ResourceWeights = { linkWorkers: 0.5, vcse: 0.5 };

/** Normalises resource weights to sum to 1; all zero (or negative) gives the defaults. */
export function normaliseResourceWeights(w?: Partial<ResourceWeights>): ResourceWeights {
  const lw = Math.max(0, w?.linkWorkers ?? DEFAULT_RESOURCE_WEIGHTS.linkWorkers);
  const vcse = Math.max(0, w?.vcse ?? DEFAULT_RESOURCE_WEIGHTS.vcse);
  if (lw + vcse === 0) return { ...DEFAULT_RESOURCE_WEIGHTS };
  return { linkWorkers: lw / (lw + vcse), vcse: vcse / (lw + vcse) };
}

/** The inputs of one area's gap score; null means missing. */
export interface GapInput {
  /** Composite need index (shared/need.ts), already on a z-score scale over England's PCNs. */
  needIndex: number | null;
  /** Link-worker FTE per 10,000 registered patients. */
  linkWorkersPer10k: number | null;
  /** Capacity-weighted VCSE services reachable per 10,000 population. */
  vcsePer10k: number | null;
}

/** The gap score of one area and its parts (all z-scores over the set of areas scored together). */
export interface GapScore {
  /** Standardised need: (need index − mean) / SD. */
  needZ: number | null;
  /** Standardised link workers per 10k. */
  linkWorkersZ: number | null;
  /** Standardised VCSE supply per 10k. */
  vcseZ: number | null;
  /** Resource score: wLW × linkWorkersZ + wVCSE × vcseZ; null when either is missing. */
  resource: number | null;
  /** needZ − resource: positive = more need than resource relative to other PCNs. Null when any part is missing. */
  gap: number | null;
  /** What each part adds to the gap: need +needZ, link workers −wLW × linkWorkersZ, VCSE −wVCSE × vcseZ. */
  contributions: { need: number | null; linkWorkers: number | null; vcse: number | null };
}

const zOf = (v: number | null, s: { mean: number; sd: number }) =>
  v === null || !Number.isFinite(v) ? null : s.sd > 0 ? (v - s.mean) / s.sd : 0;

/**
 * Scores every area: each input is standardised over the areas where it is present (population SD, as the need
 * index does); a zero spread gives z = 0. Missing stays missing.
 */
export function computeGapScores(
  areas: Record<string, GapInput>,
  weights?: Partial<ResourceWeights>,
): Record<string, GapScore> {
  const w = normaliseResourceWeights(weights);
  const values = Object.values(areas);
  const stat = (f: (a: GapInput) => number | null) => meanAndSd(values.map((a) => f(a) ?? NaN));
  const sNeed = stat((a) => a.needIndex);
  const sLw = stat((a) => a.linkWorkersPer10k);
  const sVcse = stat((a) => a.vcsePer10k);
  const out: Record<string, GapScore> = {};
  for (const [code, a] of Object.entries(areas)) {
    const needZ = zOf(a.needIndex, sNeed);
    const linkWorkersZ = zOf(a.linkWorkersPer10k, sLw);
    const vcseZ = zOf(a.vcsePer10k, sVcse);
    const resource = linkWorkersZ === null || vcseZ === null ? null : w.linkWorkers * linkWorkersZ + w.vcse * vcseZ;
    out[code] = {
      needZ,
      linkWorkersZ,
      vcseZ,
      resource,
      gap: needZ === null || resource === null ? null : needZ - resource,
      contributions: {
        need: needZ,
        linkWorkers: linkWorkersZ === null ? null : -w.linkWorkers * linkWorkersZ,
        vcse: vcseZ === null ? null : -w.vcse * vcseZ,
      },
    };
  }
  return out;
}

/** One driver of a gap score, for the explanation. */
export interface GapDriver {
  /** need | linkWorkers | vcse. */
  component: keyof GapScore['contributions'];
  /** What it adds to the gap score (positive widens the gap). */
  contribution: number | null;
  /** Human sentence, e.g. "Link workers per 10,000 patients 0.80 SD below the England PCN average". */
  text: string;
}

const sd = (z: number) => `${Math.abs(z).toFixed(2)} SD ${z >= 0 ? 'above' : 'below'} the England PCN average`;

/** Explains a gap score: its drivers, largest first, and a one-line summary naming the main need components. */
export function explainGap(
  score: GapScore,
  needDrivers: readonly string[] = [],
): { drivers: GapDriver[]; summary: string } {
  const need = score.needZ;
  const drivers: GapDriver[] = [
    {
      component: 'need' as const,
      contribution: score.contributions.need,
      text:
        need === null
          ? 'Need: missing (a need component has no data)'
          : `Need ${sd(need)}${needDrivers.length ? ` (mainly ${needDrivers.join(', ')})` : ''}`,
    },
    {
      component: 'linkWorkers' as const,
      contribution: score.contributions.linkWorkers,
      text:
        score.linkWorkersZ === null
          ? 'Link workers: missing (no workforce return)'
          : `Link workers per 10,000 patients ${sd(score.linkWorkersZ)}`,
    },
    {
      component: 'vcse' as const,
      contribution: score.contributions.vcse,
      text:
        score.vcseZ === null
          ? 'VCSE supply: missing (no population)'
          : `Capacity-weighted VCSE services per 10,000 people ${sd(score.vcseZ)}`,
    },
  ].sort((a, b) => Math.abs(b.contribution ?? 0) - Math.abs(a.contribution ?? 0));
  const summary =
    score.gap === null
      ? `No gap score: ${drivers
          .filter((d) => d.contribution === null)
          .map((d) => d.text)
          .join('; ')}`
      : `Gap ${score.gap >= 0 ? '+' : ''}${score.gap.toFixed(2)}, driven most by: ${drivers[0]!.text}`;
  return { drivers, summary };
}

/** 1-based rank by descending value (widest gap first); missing values get no rank; ties share the lower rank. */
export function rankDescending(values: Record<string, number | null>): Record<string, number | null> {
  const present = Object.entries(values)
    .filter((e): e is [string, number] => e[1] !== null && Number.isFinite(e[1]))
    .sort((a, b) => b[1] - a[1]);
  const out: Record<string, number | null> = Object.fromEntries(Object.keys(values).map((k) => [k, null]));
  present.forEach(([code, v], i) => {
    out[code] = i > 0 && present[i - 1]![1] === v ? out[present[i - 1]![0]]! : i + 1;
  });
  return out;
}

/** Codes in the top decile by value: the ceil(10 %) highest of the present values (at least one when any). */
export function topDecile(values: Record<string, number | null>): string[] {
  const present = Object.entries(values)
    .filter((e): e is [string, number] => e[1] !== null && Number.isFinite(e[1]))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return present.slice(0, Math.ceil(present.length / 10)).map(([code]) => code);
}

// ---------------------------------------------------------------------------------------------------------------
// Flags

/** Statuses of an under-served flag. */
export const FLAG_STATUSES = ['open', 'in_progress', 'resolved', 'dismissed'] as const;

/** A flag status. */
export type FlagStatus = (typeof FLAG_STATUSES)[number];

/** Allowed status changes: open → in progress → resolved or dismissed; a closed flag may be reopened. */
export const FLAG_TRANSITIONS: Record<FlagStatus, readonly FlagStatus[]> = {
  open: ['in_progress', 'resolved', 'dismissed'],
  in_progress: ['resolved', 'dismissed'],
  resolved: ['open'],
  dismissed: ['open'],
};

/** Whether a flag may move from one status to another. */
export function canTransition(from: FlagStatus, to: FlagStatus): boolean {
  return FLAG_TRANSITIONS[from].includes(to);
}
