/** The composite need index: standardised need indicators combined with documented, adjustable weights. Pure. */

/** Components of the need index: indicator key → default weight (weights sum to 1). See docs/need-index.md. */
export const DEFAULT_NEED_WEIGHTS = {
  imd2025_score: 0.35,
  pct_disabled: 0.15,
  pct_65plus: 0.15,
  pct_households_deprived_2plus: 0.15,
  pct_black_asian: 0.1,
  pct_rural: 0.1,
} as const;

/** A need component's key. */
export type NeedComponent = keyof typeof DEFAULT_NEED_WEIGHTS;

/** Human labels of the components, for legends and explanations. */
export const NEED_COMPONENT_LABELS: Record<NeedComponent, string> = {
  imd2025_score: 'Deprivation (IMD 2025 score)',
  pct_disabled: '% disabled',
  pct_65plus: '% registered patients aged 65+',
  pct_households_deprived_2plus: '% households deprived in 2+ dimensions',
  pct_black_asian: '% Black or Asian',
  pct_rural: '% living in rural areas',
};

/** Weights for some or all components (missing ones default to 0 when any are given). */
export type NeedWeights = Partial<Record<NeedComponent, number>>;

/** The index of one area and each component's contribution to it (weight × z-score). */
export interface NeedScore {
  /** Weighted sum of z-scores; 0 is the average area of the set, +1 about one standard deviation more need. Null when any component is missing. */
  index: number | null;
  /** Contribution of each component (weight × z-score), null when missing. */
  contributions: Record<NeedComponent, number | null>;
}

/** Mean and (population) standard deviation of the finite values. */
export function meanAndSd(values: number[]): { mean: number; sd: number } {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { mean: NaN, sd: NaN };
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const sd = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length);
  return { mean, sd };
}

/** Normalises weights to sum to 1; an empty or all-zero set gives the defaults. */
export function normaliseWeights(weights?: NeedWeights): Record<NeedComponent, number> {
  const keys = Object.keys(DEFAULT_NEED_WEIGHTS) as NeedComponent[];
  const given = weights && keys.some((k) => (weights[k] ?? 0) > 0) ? weights : DEFAULT_NEED_WEIGHTS;
  const total = keys.reduce((s, k) => s + Math.max(0, given[k] ?? 0), 0);
  return Object.fromEntries(keys.map((k) => [k, Math.max(0, given[k] ?? 0) / total])) as Record<NeedComponent, number>;
}

/**
 * Computes the need index of every area in `areas` (component values by key), standardising each component over
 * the same set of areas. Components with zero spread contribute 0.
 */
export function computeNeedIndex(
  areas: Record<string, Partial<Record<NeedComponent, number | null>>>,
  weights?: NeedWeights,
): Record<string, NeedScore> {
  const w = normaliseWeights(weights);
  const keys = Object.keys(w) as NeedComponent[];
  const stats = Object.fromEntries(
    keys.map((k) => [k, meanAndSd(Object.values(areas).map((a) => a[k] ?? NaN))]),
  ) as Record<NeedComponent, { mean: number; sd: number }>;
  const out: Record<string, NeedScore> = {};
  for (const [code, values] of Object.entries(areas)) {
    const contributions = {} as Record<NeedComponent, number | null>;
    let index: number | null = 0;
    for (const k of keys) {
      const v = values[k];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        contributions[k] = null;
        if (w[k] > 0) index = null;
        continue;
      }
      const { mean, sd } = stats[k];
      const z = sd > 0 ? (v - mean) / sd : 0;
      contributions[k] = w[k] * z;
      if (index !== null) index += w[k] * z;
    }
    out[code] = { index, contributions };
  }
  return out;
}
