/**
 * The "Find services" page's state as it lives in the URL: parse, serialise, and build the API paths of search and
 * the map from it. The page's parameter names are the API's (shared/schemas/search.ts), so a shared link reads the
 * same as the request it makes. Pure; malformed values fall back to their defaults rather than failing.
 */
import { SEARCH_RADIUS, SEARCH_SORTS, type SearchSort } from '@shared/schemas/search';
import { DELIVERY_MODES } from '@shared/schemas/directory';
import type { Weekday } from '@shared/weekdays';

/** A way a service is delivered. */
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

/** A day code for "open on". */
export type { Weekday };

/** Everything the URL says about a search. Defaults are left out of the URL so plain /find stays plain. */
export interface FindView {
  /** Postcode, sector or district as typed (trimmed); null before the first search. */
  postcode: string | null;
  /** Search radius in km; null = the API default (SEARCH_RADIUS.default). */
  radiusKm: number | null;
  /** Taxonomy codes (a category includes its children). */
  category: string[];
  /** Keyword; null for none. */
  q: string | null;
  /** Only services accepting people (accepting or limited places). Default false (every status). */
  acceptingOnly: boolean;
  /** With acceptingOnly: also services with a waiting list. Default false. */
  includeWaitlist: boolean;
  /** Include capacity nobody has confirmed recently. Default true. */
  includeUnconfirmed: boolean;
  /** Delivery modes wanted (any of them); empty = any. */
  mode: DeliveryMode[];
  /** Free services only. Default false. */
  free: boolean;
  /** Age of the person, whole years; null = any. */
  age: number | null;
  /** ISO 639 language code (lower case); null = any. */
  language: string | null;
  /** Open on this day; null = any day. */
  openDay: Weekday | null;
  /** With openDay: open at this time (HH:MM); null = at any time that day. */
  openTime: string | null;
  /** Result order. Default relevance. */
  sort: SearchSort;
}

/** The view of a plain /find: no search yet, no filters. */
export const EMPTY_FIND_VIEW: FindView = {
  postcode: null,
  radiusKm: null,
  category: [],
  q: null,
  acceptingOnly: false,
  includeWaitlist: false,
  includeUnconfirmed: true,
  mode: [],
  free: false,
  age: null,
  language: null,
  openDay: null,
  openTime: null,
  sort: 'relevance',
};

/** Radius choices offered on the page, km. */
export const RADIUS_CHOICES = [1, 2, 5, 10, 20, 50] as const;

const CATEGORY_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const POSTCODE_PATTERN = /^[A-Za-z0-9 ]{2,16}$/;
const LANGUAGE_PATTERN = /^[a-z]{2,3}$/;
const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const TRUE_VALUES = new Set(['true', '1']);
const FALSE_VALUES = new Set(['false', '0']);

/** Every value of a repeatable parameter, whether repeated (`a&a`) or comma-separated (`a,b`). */
function many(params: URLSearchParams, name: string): string[] {
  return params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function parseNumber(value: string | null, min: number, max: number, isInteger = false): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) return null;
  if (isInteger && !Number.isInteger(n)) return null;
  return n;
}

/** Reads the view from URL search parameters; unknown or malformed values fall back to their defaults. */
export function parseFindView(params: URLSearchParams): FindView {
  const postcode = params.get('postcode')?.trim().replace(/\s+/g, ' ') ?? '';
  const q = params.get('q')?.trim().slice(0, 200) ?? '';
  const language = params.get('language')?.trim().toLowerCase() ?? '';
  const sort = params.get('sort') ?? '';
  const openOn = /^(MO|TU|WE|TH|FR|SA|SU)(?:@(\d\d:\d\d))?$/.exec(params.get('openOn')?.trim().toUpperCase() ?? '');
  const openTime = openOn?.[2] && TIME_PATTERN.test(openOn[2]) ? openOn[2] : null;
  const radius = parseNumber(params.get('radiusKm'), 0.1, SEARCH_RADIUS.max);
  const acceptingOnly = params.get('capacity') === 'accepting';
  return {
    postcode: POSTCODE_PATTERN.test(postcode) ? postcode : null,
    radiusKm: radius === SEARCH_RADIUS.default ? null : radius,
    category: unique(
      many(params, 'category')
        .map((c) => c.toLowerCase())
        .filter((c) => CATEGORY_PATTERN.test(c)),
    ).slice(0, 20),
    q: q || null,
    acceptingOnly,
    includeWaitlist: acceptingOnly && many(params, 'include').includes('waitlist'),
    includeUnconfirmed: !FALSE_VALUES.has(params.get('unconfirmed') ?? ''),
    mode: unique(
      many(params, 'mode').filter((m): m is DeliveryMode => (DELIVERY_MODES as readonly string[]).includes(m)),
    ),
    free: TRUE_VALUES.has(params.get('free') ?? ''),
    age: parseNumber(params.get('age'), 0, 120, true),
    language: LANGUAGE_PATTERN.test(language) ? language : null,
    openDay: openOn ? (openOn[1] as Weekday) : null,
    openTime: openOn ? openTime : null,
    sort: (SEARCH_SORTS as readonly string[]).includes(sort) ? (sort as SearchSort) : 'relevance',
  };
}

/** The "what" and capacity filters as API parameters (shared by the page URL, search and the map). */
function appendFilters(params: URLSearchParams, view: FindView): void {
  for (const c of view.category) params.append('category', c);
  if (view.q) params.set('q', view.q);
  if (view.acceptingOnly) {
    params.set('capacity', 'accepting');
    if (view.includeWaitlist) params.set('include', 'waitlist');
  }
  if (!view.includeUnconfirmed) params.set('unconfirmed', 'false');
  for (const m of view.mode) params.append('mode', m);
  if (view.free) params.set('free', 'true');
  if (view.age !== null) params.set('age', String(view.age));
  if (view.language) params.set('language', view.language);
  if (view.openDay) params.set('openOn', view.openTime ? `${view.openDay}@${view.openTime}` : view.openDay);
}

/** Writes the view as URL search parameters, leaving defaults out. */
export function findViewToParams(view: FindView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.postcode) params.set('postcode', view.postcode);
  if (view.radiusKm !== null && view.radiusKm !== SEARCH_RADIUS.default) params.set('radiusKm', String(view.radiusKm));
  appendFilters(params, view);
  if (view.sort !== 'relevance') params.set('sort', view.sort);
  return params;
}

/** Path of GET /api/services/search for the view (and a page cursor), or null when there is no postcode yet. */
export function searchApiPath(view: FindView, cursor: string | null = null): string | null {
  if (!view.postcode) return null;
  const params = findViewToParams(view);
  if (cursor) params.set('cursor', cursor);
  return `/api/services/search?${params.toString()}`;
}

/** A map viewport in degrees. */
export interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** Rounds a coordinate to 4 decimals (about 10 m), so small map jitters reuse the same request. */
const round4 = (n: number) => Math.round(n * 1e4) / 1e4;

/**
 * Path of GET /api/services/map for the view's filters, a viewport and a zoom. The box is clamped to the world and
 * never crosses the antimeridian (the API refuses that); null when the box is empty after clamping.
 */
export function mapApiPath(view: FindView, bounds: Bounds, zoom: number): string | null {
  const west = round4(Math.max(-180, bounds.west));
  const east = round4(Math.min(180, bounds.east));
  const south = round4(Math.max(-90, bounds.south));
  const north = round4(Math.min(90, bounds.north));
  if (!(west < east && south < north)) return null;
  const params = new URLSearchParams();
  params.set('bbox', [west, south, east, north].join(','));
  params.set('zoom', String(Math.max(0, Math.min(22, Math.round(zoom)))));
  appendFilters(params, view);
  return `/api/services/map?${params.toString()}`;
}

/**
 * How far away a result is, in words, rounded as the API's "why it matched" reasons are: "350 m away", "1.2 km away",
 * "Under 10 m away", or "Phone/online — covers your area" for a remote service.
 */
export function distanceText(result: { distanceKm: number | null; remote: boolean }): string {
  if (result.remote) return 'Phone/online — covers your area';
  const km = result.distanceKm;
  if (km === null) return 'Distance not known';
  if (km < 0.005) return 'Under 10 m away';
  if (km < 1) return `${Math.round((km * 1000) / 10) * 10} m away`;
  return `${km.toFixed(1)} km away`;
}

/** How many filters beyond the postcode are set (shown on the "Filters" toggle). */
export function activeFilterCount(view: FindView): number {
  return [
    view.category.length > 0,
    view.q !== null,
    view.acceptingOnly,
    !view.includeUnconfirmed,
    view.mode.length > 0,
    view.free,
    view.age !== null,
    view.language !== null,
    view.openDay !== null,
  ].filter(Boolean).length;
}
