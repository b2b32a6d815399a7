/** The shape of an ICB or PCN profile in the areas API, shared by the server presenter and the client. Pure, no zod. */
import type { NeedComponent } from './need';

/** The indicator keys every ICB and PCN profile carries; a missing figure is null, never 0. */
export const AREA_INDICATOR_KEYS = [
  'population',
  'list_size',
  'imd2025_score',
  'pct_asian',
  'pct_black',
  'pct_disabled',
  'pct_households_deprived_2plus',
  'pct_rural',
  'pct_65plus',
  'splw_fte',
  'splw_fte_per_10k',
  'personalised_care_fte_per_10k',
] as const;

/** One profile indicator's key. */
export type AreaIndicatorKey = (typeof AREA_INDICATOR_KEYS)[number];

/** Indicator values of an area (people, scores, percentages 0–100, FTE); null when the data is missing. */
export type AreaIndicators = Record<AreaIndicatorKey, number | null>;

/** An ICB or PCN profile as listed by /api/areas/icbs and /api/areas/pcns. */
export interface AreaProfileDto {
  /** ODS code, e.g. QOP (ICB) or U12345 (PCN). */
  code: string;
  /** Published name, e.g. "NHS Greater Manchester Integrated Care Board". */
  name: string;
  /** ODS code of the ICB (the area itself for an ICB). */
  icbCode: string | null;
  /** ODS code of the sub-ICB location; null for ICBs. */
  subIcbCode: string | null;
  /** The area's figures. */
  indicators: AreaIndicators;
  /** Composite need index (z-score scale, 0 = average of the areas standardised over) and each component's contribution (weight × z); index null when any weighted component is missing. */
  need: { index: number | null; contributions: Record<NeedComponent, number | null> };
}
