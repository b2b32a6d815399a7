/** Choropleth classification: quantile class breaks and a legend. Pure, no DOM. */

/** Colour-blind-safe sequential palettes (ColorBrewer), light to dark, per class count. */
export const SEQUENTIAL_PURPLES: Record<number, string[]> = {
  3: ['#efedf5', '#bcbddc', '#756bb1'],
  4: ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#6a51a3'],
  5: ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f'],
  6: ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#756bb1', '#54278f'],
  7: ['#f2f0f7', '#dadaeb', '#bcbddc', '#9e9ac8', '#807dba', '#6a51a3', '#4a1486'],
};

/** One legend entry: a class's value range, colour and a label. */
export interface LegendClass {
  /** Lower bound (inclusive). */
  from: number;
  /** Upper bound (inclusive for the last class). */
  to: number;
  /** Fill colour. */
  color: string;
  /** Human label, e.g. "12.3 – 18.0". */
  label: string;
  /** Ordinal 1..n, shown as text so the map never relies on colour alone. */
  rank: number;
}

/** Quantile breaks: `classes - 1` inner thresholds splitting the finite values into groups of equal size. */
export function quantileBreaks(values: number[], classes: number): number[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length || classes < 2) return [];
  const breaks: number[] = [];
  for (let i = 1; i < classes; i++) {
    const pos = (sorted.length - 1) * (i / classes);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    breaks.push(sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo));
  }
  // Repeated values can give equal breaks: keep them strictly increasing.
  return breaks.filter((b, i) => i === 0 || b > breaks[i - 1]!);
}

/** The class index (0-based) of a value given inner breaks; undefined for missing values. */
export function classify(value: number | null | undefined, breaks: number[]): number | undefined {
  if (value === null || value === undefined || !Number.isFinite(value)) return undefined;
  let i = 0;
  while (i < breaks.length && value > breaks[i]!) i++;
  return i;
}

/** Builds a quantile legend for values with up to `classes` classes (3–7). */
export function quantileLegend(
  values: number[],
  classes = 5,
  format: (v: number) => string = (v) => v.toFixed(1),
): LegendClass[] {
  const n = Math.min(7, Math.max(3, classes));
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [];
  const breaks = quantileBreaks(finite, n);
  const palette = SEQUENTIAL_PURPLES[breaks.length + 1] ?? SEQUENTIAL_PURPLES[3]!;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const bounds = [min, ...breaks, max];
  return palette.slice(0, breaks.length + 1).map((color, i) => ({
    from: bounds[i]!,
    to: bounds[i + 1]!,
    color,
    label: `${format(bounds[i]!)} – ${format(bounds[i + 1]!)}`,
    rank: i + 1,
  }));
}
