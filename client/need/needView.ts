/** The need page's state as it lives in the URL (`?icb=&category=&indicator=&sort=&dir=&pcn=&lsoa=`): parse, serialise, sort. Pure. */
import { DEFAULT_INDICATOR, findIndicator, type IndicatorDefinition, type PcnFigures } from './indicators';

/** Table sort direction. */
export type SortDirection = 'asc' | 'desc';

/** What the table can be sorted by: the PCN name or any indicator key. */
export type SortKey = 'name' | string;

/** Everything the URL says about the view. Defaults are left out of the URL so plain /need stays plain. */
export interface NeedView {
  /** ODS code of the chosen ICB (upper case, e.g. QOP), or null for all of England. */
  icb: string | null;
  /** The mapped indicator. Default the need index. */
  indicator: IndicatorDefinition;
  /** Table sort column. Default the need index. */
  sort: SortKey;
  /** Table sort direction. Default descending for figures (highest first), ascending for names. */
  dir: SortDirection;
  /** ODS code of the selected PCN, or null. */
  pcn: string | null;
  /** Whether LSOA detail is switched on (only offered when an ICB is chosen). Default false. */
  lsoa: boolean;
  /** Top-level service category (taxonomy code) the VCSE supply and gap score are restricted to, or null for all. */
  category: string | null;
}

const ICB_PATTERN = /^Q[A-Z0-9]{2}$/;
const PCN_PATTERN = /^U\d{5}$/;
const CATEGORY_PATTERN = /^[a-z0-9_.-]{1,80}$/;

/** The default sort direction of a column: names A to Z, figures highest first. */
export const defaultDirection = (sort: SortKey): SortDirection => (sort === 'name' ? 'asc' : 'desc');

const DEFAULT_SORT: SortKey = DEFAULT_INDICATOR.key;

/** Reads the view from URL search parameters; unknown or malformed values fall back to their defaults. */
export function parseNeedView(params: URLSearchParams): NeedView {
  const icbParam = params.get('icb')?.trim().toUpperCase() ?? '';
  const pcnParam = params.get('pcn')?.trim().toUpperCase() ?? '';
  const sortParam = params.get('sort') ?? '';
  const sort = sortParam === 'name' || findIndicator(sortParam) ? sortParam : DEFAULT_SORT;
  const dirParam = params.get('dir');
  return {
    icb: ICB_PATTERN.test(icbParam) ? icbParam : null,
    indicator: findIndicator(params.get('indicator')) ?? DEFAULT_INDICATOR,
    sort,
    dir: dirParam === 'asc' || dirParam === 'desc' ? dirParam : defaultDirection(sort),
    pcn: PCN_PATTERN.test(pcnParam) ? pcnParam : null,
    lsoa: params.get('lsoa') === '1',
    category: CATEGORY_PATTERN.test(params.get('category') ?? '') ? params.get('category') : null,
  };
}

/** Writes the view as URL search parameters, leaving defaults out. */
export function needViewToParams(view: NeedView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.icb) params.set('icb', view.icb);
  if (view.category) params.set('category', view.category);
  if (view.indicator.key !== DEFAULT_INDICATOR.key) params.set('indicator', view.indicator.key);
  if (view.sort !== DEFAULT_SORT) params.set('sort', view.sort);
  if (view.dir !== defaultDirection(view.sort)) params.set('dir', view.dir);
  if (view.pcn) params.set('pcn', view.pcn);
  if (view.lsoa && view.icb) params.set('lsoa', '1');
  return params;
}

/** A row of the PCN table: identity plus figures. */
export interface PcnRow {
  /** PCN ODS code. */
  code: string;
  /** PCN name. */
  name: string;
  /** ODS code of its ICB. */
  icbCode: string | null;
  /** Its figures. */
  figures: PcnFigures;
}

/**
 * Sorts rows by `sort` in direction `dir`. Missing figures always go last, whatever the direction (they are not
 * small or large, just unknown); ties keep name order.
 */
export function sortPcnRows(rows: readonly PcnRow[], sort: SortKey, dir: SortDirection): PcnRow[] {
  const byName = (a: PcnRow, b: PcnRow) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code);
  const sign = dir === 'asc' ? 1 : -1;
  if (sort === 'name') return [...rows].sort((a, b) => sign * byName(a, b));
  const indicator = findIndicator(sort) ?? DEFAULT_INDICATOR;
  const keyed = rows.map((row) => ({ row, value: indicator.value(row.figures) }));
  keyed.sort((a, b) => {
    const aMissing = a.value === null || !Number.isFinite(a.value);
    const bMissing = b.value === null || !Number.isFinite(b.value);
    if (aMissing || bMissing) return aMissing === bMissing ? byName(a.row, b.row) : aMissing ? 1 : -1;
    return sign * (a.value! - b.value!) || byName(a.row, b.row);
  });
  return keyed.map((k) => k.row);
}
