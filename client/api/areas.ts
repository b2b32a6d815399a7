/** Typed access to the areas API (ICB and PCN profiles, catchment and boundary GeoJSON, LSOA detail). */
import type { FeatureCollection, Geometry } from 'geojson';
import { getJson, type GetJsonOptions } from './client';

export {
  AREA_INDICATOR_KEYS,
  type AreaIndicatorKey,
  type AreaIndicators,
  type AreaProfileDto,
} from '@shared/areaProfile';
import type { AreaIndicators, AreaProfileDto } from '@shared/areaProfile';

/** One GP practice of a PCN. */
export interface PracticeDto {
  /** ODS practice code. */
  code: string;
  /** Practice name as published. */
  name: string;
  /** Postcode, or null when not published. */
  postcode: string | null;
  /** Registered patients, all ages. */
  listSize: number;
  /** Postcode centroid (WGS84 degrees), or null when not geocoded. */
  location: { lat: number; lng: number } | null;
}

/** The full profile of one PCN (GET /api/areas/pcns/:code). */
export interface PcnDetailDto extends AreaProfileDto {
  /** Name of the PCN's ICB. */
  icbName: string;
  /** Name of its sub-ICB location, or null. */
  subIcbName: string | null;
  /** The approximate catchment built from LSOAs (England publishes no PCN boundaries). */
  catchment: { lsoaCount: number; approximate: true; centre: { lat: number; lng: number } | null };
  /** Mean of each indicator over the ICB's PCNs and over England's PCNs (null when none has data). */
  averages: { icb: AreaIndicators; england: AreaIndicators };
  /** The PCN's practices, by name. */
  practices: PracticeDto[];
}

/** Properties of a PCN catchment feature in pcns.geojson: identity, need index and the profile indicators. */
export type PcnFeatureProperties = {
  /** PCN ODS code. */
  code: string;
  /** PCN name. */
  name: string;
  /** ODS code of its ICB. */
  icbCode: string | null;
  /** Always true: catchments are built from LSOAs, not published boundaries. */
  approximate: true;
  /** Need index, or null when any component is missing. */
  needIndex: number | null;
} & Partial<AreaIndicators>;

/** Properties of an LSOA feature in lsoas.geojson: code, name, assigned PCN and LSOA indicators by key. */
export type LsoaFeatureProperties = {
  /** ONS LSOA 2021 code. */
  code: string;
  /** LSOA name, e.g. "Manchester 018A". */
  name: string;
  /** Code of the PCN whose approximate catchment holds it, or null. */
  pcnCode: string | null;
} & Record<string, number | string | null | undefined>;

/** A FeatureCollection of PCN catchments. */
export type PcnFeatureCollection = FeatureCollection<Geometry, PcnFeatureProperties>;

/** A FeatureCollection of LSOAs. */
export type LsoaFeatureCollection = FeatureCollection<Geometry, LsoaFeatureProperties>;

/** A FeatureCollection of ICB boundaries (code, name, need index and indicators). */
export type IcbFeatureCollection = FeatureCollection<Geometry, { code: string; name: string }>;

/** A bounding box in WGS84 degrees. */
export interface Bbox {
  /** Western longitude. */
  west: number;
  /** Southern latitude. */
  south: number;
  /** Eastern longitude. */
  east: number;
  /** Northern latitude. */
  north: number;
}

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Path of the ICB list. */
export const icbListPath = () => '/api/areas/icbs';
/** Path of the PCN list, for England or one ICB. */
export const pcnListPath = (icb?: string) => `/api/areas/pcns${query({ icb })}`;
/** Path of one PCN's full profile. */
export const pcnDetailPath = (code: string) => `/api/areas/pcns/${encodeURIComponent(code)}`;
/** Path of the PCN catchments GeoJSON, for England or one ICB. */
export const pcnGeoJsonPath = (icb?: string) => `/api/areas/pcns.geojson${query({ icb })}`;
/** Path of the ICB boundaries GeoJSON. */
export const icbGeoJsonPath = () => '/api/areas/icbs.geojson';
/** Path of the LSOA GeoJSON for a viewport (4 decimals, about 10 m, so nearby views share a cache entry). */
export const lsoaGeoJsonPath = (bbox: Bbox) =>
  `/api/areas/lsoas.geojson${query({ bbox: [bbox.west, bbox.south, bbox.east, bbox.north].map((v) => v.toFixed(4)).join(',') })}`;

/** Fetches a JSON resource of the areas API by path (one of the `…Path` helpers above). */
export function fetchAreas<T>(path: string, options: GetJsonOptions = {}): Promise<T> {
  return getJson<T>(path, options);
}
