/** The map key of the need page: quantile classes of the figures shown and how many areas fall in each. Pure. */
import { classify, quantileLegend, type LegendClass } from '@shared/choropleth';

/** Fill of areas with no value, on the map and in the key: a neutral grey distinct from the lightest class. */
export const NO_DATA_COLOR = '#aeb7bd';

/** Names of quantile groups by class count, for the key's subtitle. */
const QUANTILE_NAMES: Record<number, string> = { 2: 'Halves', 3: 'Thirds', 4: 'Quarters', 5: 'Fifths' };

/** A key: its classes, the count of areas in each, and the areas with no value. */
export interface NeedLegend {
  /** Quantile classes, lowest first (empty when no area has a value). */
  classes: LegendClass[];
  /** Areas in each class, same order as `classes`. */
  counts: number[];
  /** Areas whose value is missing. */
  noDataCount: number;
  /** How the classes split the areas, e.g. "Fifths". */
  quantileName: string;
}

/** Inner class breaks implied by legend classes: the lower bound of every class but the first. */
export const breaksOf = (classes: readonly LegendClass[]): number[] => classes.slice(1).map((c) => c.from);

/**
 * Builds the key for `values` (null = no data): five quantile classes (fewer when there are fewer than five values),
 * labelled with `format`.
 */
export function buildNeedLegend(values: readonly (number | null)[], format: (v: number) => string): NeedLegend {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const classes = quantileLegend(known, Math.min(5, Math.max(3, known.length)), format);
  const breaks = breaksOf(classes);
  const counts = classes.map(() => 0);
  for (const v of known) {
    const index = classify(v, breaks);
    if (index !== undefined && index < counts.length) counts[index]! += 1;
  }
  return {
    classes,
    counts,
    noDataCount: values.length - known.length,
    quantileName: QUANTILE_NAMES[classes.length] ?? `${classes.length} groups`,
  };
}

/** The 0-based class of a value in a key, or undefined when it is missing. */
export function classOf(value: number | null, classes: readonly LegendClass[]): number | undefined {
  return classify(value, breaksOf(classes));
}
