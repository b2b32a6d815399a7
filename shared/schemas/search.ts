/**
 * The contract of service search (`GET /api/services/search`) and the search map (`GET /api/services/map`): query
 * schemas (zod; the server validates with them, the client builds URLs from the same names) and the response shapes.
 */
import { z } from 'zod';
import type { CapacityDto } from '../capacity';
import { Bbox, Latitude, Longitude, PcnCode, queryNumber, singleLine } from './common';
import { DELIVERY_MODES, TaxonomyCode } from './directory';

/** Search radius limits, km. */
export const SEARCH_RADIUS = { default: 5, max: 50 } as const;
/** Page size limits. */
export const SEARCH_PAGE = { default: 20, max: 100 } as const;
/** Sort orders. relevance = capacity-aware ranking (see docs/search.md); distance; updated = newest capacity first. */
export const SEARCH_SORTS = ['relevance', 'distance', 'updated'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
/** Days of the week for `openOn` (iCal two-letter codes, as schedules store them). */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** A query value that may be given once or repeated (`?category=a&category=b`) or comma-separated (`a,b`). */
const many = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([singleLine(), z.array(singleLine())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(20, 'must name at most 20 values'));

/** A query-string boolean: true/false/1/0. */
const queryBoolean = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1');

/**
 * `openOn`: a day, optionally with a time, e.g. `MO` or `MO@14:30` (open on Mondays / open on Mondays at 14:30).
 */
export const OpenOn = singleLine()
  .trim()
  .toUpperCase()
  .regex(/^(MO|TU|WE|TH|FR|SA|SU)(@([01]\d|2[0-3]):[0-5]\d)?$/, 'must be a day code like MO, optionally @HH:MM')
  .transform((s) => {
    const [day, time] = s.split('@') as [(typeof WEEKDAYS)[number], string | undefined];
    return { day, time: time ?? null };
  });

/** The "what" and capacity filters, shared by search and the map. */
export const SearchFilters = z.object({
  category: many(TaxonomyCode).optional(),
  q: singleLine().trim().max(200, 'must be at most 200 characters').optional(),
  age: queryNumber(0, 120).optional(),
  language: singleLine()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{2,3}$/, 'must be a language code like en or pa')
    .optional(),
  mode: many(z.enum(DELIVERY_MODES, { error: `must be one of ${DELIVERY_MODES.join(', ')}` })).optional(),
  free: queryBoolean.optional(),
  openOn: OpenOn.optional(),
  capacity: z.enum(['any', 'accepting'], { error: 'must be any or accepting' }).optional(),
  include: many(z.enum(['waitlist'], { error: 'must be waitlist' })).optional(),
  unconfirmed: queryBoolean.optional(),
});

/**
 * Query of GET /api/services/search. Where: exactly one of `postcode`, `lat`+`lng`, `pcn` or `bbox`.
 * Capacity: by default every status is included; `capacity=accepting` keeps accepting + limited, and
 * `include=waitlist` adds waitlist to that; `unconfirmed=false` drops capacity not confirmed within the freshness window.
 */
export const SearchQuery = SearchFilters.extend({
  postcode: singleLine().trim().min(2, 'must be a postcode, sector or district').max(16, 'is too long').optional(),
  lat: Latitude.optional(),
  lng: Longitude.optional(),
  radiusKm: queryNumber(0.1, SEARCH_RADIUS.max).optional(),
  pcn: PcnCode.optional(),
  bbox: Bbox.optional(),
  sort: z.enum(SEARCH_SORTS, { error: `must be one of ${SEARCH_SORTS.join(', ')}` }).optional(),
  limit: queryNumber(1, SEARCH_PAGE.max).pipe(z.number().int('must be a whole number')).optional(),
  cursor: singleLine().max(500, 'is too long').optional(),
}).superRefine((v, ctx) => {
  const wheres = [v.postcode !== undefined, v.lat !== undefined || v.lng !== undefined, v.pcn, v.bbox].filter(
    Boolean,
  ).length;
  if (wheres > 1) {
    ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'give only one of postcode, lat+lng, pcn or bbox' });
  }
  if ((v.lat === undefined) !== (v.lng === undefined)) {
    ctx.addIssue({ code: 'custom', path: [v.lat === undefined ? 'lat' : 'lng'], message: 'lat and lng go together' });
  }
});
export type SearchQuery = z.output<typeof SearchQuery>;

/** Why a result matched (shown on its card). */
export interface MatchReasonDto {
  kind: 'distance' | 'area' | 'remote' | 'category' | 'keyword' | 'open' | 'age' | 'language';
  /** Plain-English reason, e.g. "1.2 km away", "Covers Trafford (phone and online)", "Debt advice". */
  text: string;
}

/** One result of a search: a service at a location (or a remote service covering the area). */
export interface SearchResultDto {
  serviceId: string;
  name: string;
  organization: { id: string; name: string };
  /** First 300 characters of the description. */
  summary: string;
  /** Nearest location of the service to the search centre; null for a service without one (phone/online). */
  location: {
    id: string;
    name: string | null;
    address: string | null;
    postcode: string | null;
    lat: number;
    lng: number;
  } | null;
  /** Great-circle distance from the search centre, km (3 decimals); null when there is no centre or no location. */
  distanceKm: number | null;
  /** True when the service is phone/online and included because it covers the person's area, whatever the radius. */
  remote: boolean;
  deliveryModes: string[];
  categories: { code: string; name: string }[];
  isFree: boolean | null;
  capacity: CapacityDto;
  /** Referral pressure: "high" when recent referrals exceed declared capacity (demand issue); null when unknown. */
  pressure: 'high' | null;
  matched: MatchReasonDto[];
}

/** Response of GET /api/services/search. */
export interface SearchResponseDto {
  results: SearchResultDto[];
  /** Opaque cursor of the next page; null on the last page. */
  nextCursor: string | null;
  /** The resolved search centre (from postcode, lat/lng or PCN), if any. */
  centre: { lat: number; lng: number; label: string } | null;
  radiusKm: number | null;
}

/** Query of GET /api/services/map: a viewport and zoom plus the same "what" and capacity filters as search. */
export const MapQuery = SearchFilters.extend({
  bbox: Bbox,
  zoom: queryNumber(0, 22).pipe(z.number().int('must be a whole number')),
});
export type MapQuery = z.output<typeof MapQuery>;

/** A map feature: a cluster of many services, or one service location. */
export type MapFeatureDto =
  | {
      kind: 'cluster';
      lat: number;
      lng: number;
      count: number;
      /** counts by capacity status (null key = never set) */ byStatus: Record<string, number>;
    }
  | {
      kind: 'point';
      lat: number;
      lng: number;
      serviceId: string;
      name: string;
      status: CapacityDto['status'];
      freshness: CapacityDto['freshness'];
    };

/** Response of GET /api/services/map. */
export interface MapResponseDto {
  /** "clusters" when the view held too many points to draw, else "points". */
  mode: 'clusters' | 'points';
  total: number;
  features: MapFeatureDto[];
}
