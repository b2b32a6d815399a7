/** Small inline bars of the PCN table: a column's extent and where one value's bar sits. Pure. */

/** Smallest and largest value of a column. */
export interface Extent {
  min: number;
  max: number;
}

/** The extent of the present, finite values; null when there are none. */
export function extentOf(values: readonly (number | null)[]): Extent | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return known.length === 0 ? null : { min: Math.min(...known), max: Math.max(...known) };
}

/**
 * Where a value's bar sits in its cell, in % of the cell: it runs from the zero line to the value, on a scale from
 * min(0, extent.min) to max(0, extent.max), so a negative value runs left of zero and a positive one right.
 */
export function barOf(value: number, extent: Extent): { left: number; width: number } {
  const lo = Math.min(0, extent.min);
  const hi = Math.max(0, extent.max);
  const span = hi - lo || 1;
  const zero = ((0 - lo) / span) * 100;
  const at = ((value - lo) / span) * 100;
  return { left: Math.min(zero, at), width: Math.abs(at - zero) };
}
