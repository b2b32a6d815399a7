/** Area rows → API DTOs: PCN profiles with the need index, and GeoJSON feature collections. */
import { computeNeedIndex, type NeedComponent, type NeedScore, type NeedWeights } from '../../../shared/need';
import type { AreaProfileRow, PracticeRow, ShapeRow } from './repository';
import { AREA_INDICATOR_KEYS, type AreaProfileDto } from '../../../shared/areaProfile';

export type { AreaProfileDto };

/** Component values of the need index for one area's indicators. */
export function needComponents(ind: Record<string, number>): Partial<Record<NeedComponent, number | null>> {
  const blackAsian = ind.pct_black !== undefined && ind.pct_asian !== undefined ? ind.pct_black + ind.pct_asian : null;
  return {
    imd2025_score: ind.imd2025_score ?? null,
    pct_disabled: ind.pct_disabled ?? null,
    pct_65plus: ind.pct_65plus ?? null,
    pct_households_deprived_2plus: ind.pct_households_deprived_2plus ?? null,
    pct_black_asian: blackAsian,
    pct_rural: ind.pct_rural ?? null,
  };
}

const round = (v: number | undefined, dp: number) => (v === undefined ? null : Math.round(v * 10 ** dp) / 10 ** dp);

/**
 * Presents area profiles with a need index standardised over `reference` (England's PCNs by default, so an ICB's
 * PCNs keep their national standing).
 */
export function presentProfiles(
  rows: AreaProfileRow[],
  reference: AreaProfileRow[] = rows,
  weights?: NeedWeights,
): AreaProfileDto[] {
  const scores = computeNeedIndex(
    Object.fromEntries(reference.map((r) => [r.code, needComponents(r.indicators)])),
    weights,
  );
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    icbCode: r.icb_code,
    subIcbCode: r.sub_icb_code,
    indicators: Object.fromEntries(
      AREA_INDICATOR_KEYS.map((k) => [k, round(r.indicators[k], 4)]),
    ) as AreaProfileDto['indicators'],
    need: scores[r.code] ?? { index: null, contributions: {} as NeedScore['contributions'] },
  }));
}

/** A practice as the API returns it. */
export const presentPractice = (p: PracticeRow) => ({
  code: p.code,
  name: p.name,
  postcode: p.postcode,
  listSize: p.list_size,
  location: p.lat === null || p.lng === null ? null : { lat: p.lat, lng: p.lng },
});

/** Builds a GeoJSON FeatureCollection string from shape rows and per-code properties (no re-parsing of geometry). */
export function featureCollection(rows: ShapeRow[], properties: (row: ShapeRow) => Record<string, unknown>): string {
  const features = rows.map(
    (r) =>
      `{"type":"Feature","id":${JSON.stringify(r.code)},"properties":${JSON.stringify(properties(r))},"geometry":${r.geometry}}`,
  );
  return `{"type":"FeatureCollection","features":[${features.join(',')}]}`;
}
