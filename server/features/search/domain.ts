/**
 * Rules of service search and the search map: resolve where (postcode, point, PCN, box) and what (categories,
 * capacity), page with an opaque keyset cursor, and choose clusters or points for the map. Plain data in and out.
 */
import type { Db } from '../../db';
import { badField } from '../../errors';
import { parsePostcodeQuery } from '../../../shared/postcode';
import { isRecordId } from '../../../shared/schemas/common';
import {
  SEARCH_PAGE,
  SEARCH_RADIUS,
  type MapQuery,
  type SearchQuery,
  type SearchSort,
} from '../../../shared/schemas/search';
import type { MapResponseDto, SearchResponseDto } from '../../../shared/schemas/search';
import { locatePostcode } from '../areas';
import { referralPressureSql } from '../demand';
import * as repo from './repository';
import { presentMap, presentResults, type PresentContext } from './presenter';

/** Radius around a PCN's catchment edge that still counts as "near", when no radiusKm is given, km. */
export const PCN_NEAR_KM = 2;
/** The map draws points when a view holds at most this many, else grid clusters. */
export const MAP_POINT_LIMIT = 500;

/** Cluster cell size in degrees for a zoom level: about 1/8 of a 256-pixel tile (32 px cells). */
export const clusterCellDeg = (zoom: number): number => 45 / 2 ** zoom;
/** At most this many cluster cells across either side of the view (caps the payload whatever zoom is asked). */
export const MAP_MAX_CELLS_ACROSS = 32;

/** The zoom whose cells cluster a box: the asked zoom, coarsened until the box is at most 32 cells across. */
export function clusterZoom(bbox: { west: number; south: number; east: number; north: number }, zoom: number): number {
  const across = Math.max(bbox.east - bbox.west, bbox.north - bbox.south);
  return Math.max(0, Math.min(zoom, Math.floor(Math.log2((45 * MAP_MAX_CELLS_ACROSS) / across))));
}

interface Cursor {
  /** sort the cursor belongs to */
  s: SearchSort;
  /** sort key of the last result */
  k: number;
  /** service id of the last result */
  id: string;
  /** time the first page was evaluated (ms): freshness is judged at that instant across pages */
  t: number;
}

/** Encodes a cursor (base64url JSON). */
export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');

/** Decodes and validates a cursor; a 400 naming `cursor` when it is not one of ours. */
export function decodeCursor(raw: string, sort: SearchSort): Cursor {
  const bad = () => badField('cursor', 'is not a valid cursor (use nextCursor from the previous page)');
  if (!/^[A-Za-z0-9_-]+$/.test(raw)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const c = value as Partial<Cursor> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    typeof c.k !== 'number' ||
    !Number.isFinite(c.k) ||
    typeof c.t !== 'number' ||
    !Number.isFinite(c.t) ||
    Math.abs(c.t - Date.now()) > 366 * 86_400_000 ||
    typeof c.id !== 'string' ||
    !isRecordId(c.id) ||
    typeof c.s !== 'string'
  )
    throw bad();
  if (c.s !== sort) throw badField('cursor', `belongs to sort=${c.s}, not sort=${sort}`);
  return c as Cursor;
}

type Filters = Pick<
  SearchQuery,
  'category' | 'q' | 'age' | 'language' | 'mode' | 'free' | 'openOn' | 'capacity' | 'include' | 'unconfirmed'
>;

/** Days after which an imported service its feed stopped carrying is hidden from search (MISSING_HIDE_DAYS). */
export const DEFAULT_MISSING_HIDE_DAYS = 30;

/** Resolves the "what" and capacity filters; unknown category codes are a 400 naming `category`. */
async function resolveFilters(
  db: Db,
  f: Filters,
  now: Date,
  staleDays: number,
  missingHideDays: number = DEFAULT_MISSING_HIDE_DAYS,
): Promise<{ filters: repo.FilterParams; terms: { id: string; code: string; name: string }[] }> {
  const codes = [...new Set(f.category ?? [])];
  const terms = await repo.findTermsByCodes(db, codes);
  const unknown = codes.filter((c) => !terms.some((t) => t.code === c));
  if (unknown.length) throw badField('category', `unknown taxonomy code: ${unknown.join(', ')}`);
  const statuses =
    f.capacity === 'accepting'
      ? ['accepting', 'limited', ...(f.include?.includes('waitlist') ? ['waitlist'] : [])]
      : null;
  return {
    terms,
    filters: {
      termIds: terms.map((t) => t.id),
      q: f.q ? f.q : null,
      age: f.age ?? null,
      language: f.language ?? null,
      modes: [...new Set(f.mode ?? [])],
      free: f.free ?? null,
      openOn: f.openOn ?? null,
      statuses,
      confirmedSince: f.unconfirmed === false ? new Date(now.getTime() - staleDays * 86_400_000) : null,
      missingBefore: new Date(now.getTime() - missingHideDays * 86_400_000),
    },
  };
}

/** Resolves where to search; a 400 naming the field when it cannot be found, or when nothing says where. */
async function resolveWhere(
  db: Db,
  q: SearchQuery,
): Promise<{ where: repo.WhereParams; centre: SearchResponseDto['centre']; label: string | null }> {
  const radiusKm = q.radiusKm ?? SEARCH_RADIUS.default;
  if (q.postcode !== undefined) {
    const parsed = parsePostcodeQuery(q.postcode);
    if (!parsed) throw badField('postcode', 'is not a UK postcode, sector or district (e.g. M13 9PL, M13 9 or M13)');
    const found = await locatePostcode(db, parsed);
    if (!found) throw badField('postcode', `${parsed.label} is not a known ${parsed.kind}`);
    return {
      // Area keys (for remote services) are looked up inside the search statement.
      where: { kind: 'centre', lat: found.lat, lng: found.lng, radiusKm, areaKeys: null },
      centre: { lat: found.lat, lng: found.lng, label: found.postcode },
      label: found.postcode,
    };
  }
  if (q.lat !== undefined && q.lng !== undefined) {
    // Rounded to 1e-9 degrees (0.1 mm), as service_search stores them: no denormal arithmetic in SQL.
    const lat = Math.round(q.lat * 1e9) / 1e9;
    const lng = Math.round(q.lng * 1e9) / 1e9;
    const label = `${lat.toFixed(4)}, ${lng.toFixed(4)}`;
    return {
      where: { kind: 'centre', lat, lng, radiusKm, areaKeys: null },
      centre: { lat, lng, label },
      label: null,
    };
  }
  if (q.pcn) {
    const pcn = await repo.findPcnCentre(db, q.pcn);
    if (!pcn) throw badField('pcn', `${q.pcn} is not a known PCN with a catchment`);
    const r = q.radiusKm ?? PCN_NEAR_KM;
    return {
      where: { kind: 'pcn', code: pcn.code, lat: pcn.lat, lng: pcn.lng, radiusKm: r, areaKeys: pcn.keys },
      centre: { lat: pcn.lat, lng: pcn.lng, label: pcn.label },
      label: pcn.label,
    };
  }
  if (q.bbox) return { where: { kind: 'bbox', bbox: q.bbox }, centre: null, label: null };
  throw badField('postcode', 'give a postcode, lat+lng, pcn or bbox to say where to search');
}

/** Searches services (see docs/search.md). */
export async function search({
  db,
  query: q,
  staleDays,
  missingHideDays,
  now: clock = new Date(),
}: {
  db: Db;
  query: SearchQuery;
  staleDays: number;
  /** Days after which a service its feed no longer carries is hidden (default DEFAULT_MISSING_HIDE_DAYS). */
  missingHideDays?: number;
  now?: Date;
}): Promise<SearchResponseDto> {
  const sort = q.sort ?? 'relevance';
  const cursor = q.cursor !== undefined ? decodeCursor(q.cursor, sort) : null;
  const now = cursor ? new Date(cursor.t) : clock;
  const { where, centre, label } = await resolveWhere(db, q);
  const { filters, terms } = await resolveFilters(db, q, now, staleDays, missingHideDays);
  const limit = q.limit ?? SEARCH_PAGE.default;
  const pageArgs = {
    where,
    filters,
    sort,
    now,
    staleDays,
    after: cursor ? { k: cursor.k, id: cursor.id } : null,
    limit: limit + 1,
    // Referral pressure by the demand feature's rule (docs/demand.md), carried in the page's statement.
    pressure: referralPressureSql,
  };
  let hits = await nearestPass(db, pageArgs);
  if (hits) passCounts.nearest++;
  else {
    hits = await repo.searchPage(db, pageArgs);
    passCounts.full++;
  }
  const page = hits.slice(0, limit);
  const last = page[page.length - 1];
  const context: PresentContext = {
    policy: { staleDays, now },
    filters,
    terms,
    areaLabel: label,
    pcn: where.kind === 'pcn',
  };
  const results = presentResults(page, context);
  return {
    results,
    nextCursor:
      hits.length > limit && last ? encodeCursor({ s: sort, k: last.k, id: last.service_id, t: now.getTime() }) : null,
    centre,
    radiusKm: where.kind === 'bbox' ? null : where.radiusKm,
  };
}

/** How many searches the nearest-neighbour pass answered, and how many needed the full pass (since start). */
const passCounts = { nearest: 0, full: 0 };
export const searchPassCounts = (): Readonly<typeof passCounts> => ({ ...passCounts });

/** The nearest-neighbour pass fetches this many rows nearest the centre (at least 10 per result asked for). */
export const NEAREST_PASS_ROWS = 200;

/**
 * A cheap first pass for relevance and distance order around a centre: the NEAREST_PASS_ROWS rows nearest the centre
 * (within the radius and matching the filters, read from the GiST index in planar degree order), without remote
 * services. Every sort key is at least `distance − keyword bonus`, every row not fetched is at least `reach` away
 * (repository.planarReachKm of the farthest fetched row; or, when the scan ran out of rows, it fetched everything
 * within the radius), and remote services' keys are at least R − bonus. So when the pass fills the page with keys
 * all below `min(reach, R) − bonus`, nothing it left out could rank among them and the page is exact. Otherwise
 * (rural centres short of local services, where remote ones may rank; deep pages; rare filters) undefined: the full
 * pass. tests/api/search-nearest.property.test.ts holds it to the full pass.
 */
export async function nearestPass(
  db: Db,
  args: Parameters<typeof repo.searchPage>[1],
  knn = Math.max(NEAREST_PASS_ROWS, 10 * args.limit),
): Promise<repo.SearchHitRow[] | undefined> {
  const { where, sort } = args;
  if (where.kind !== 'centre' || sort === 'updated') return undefined;
  const hits = await repo.searchPage(db, { ...args, knn });
  const last = hits[args.limit - 1];
  if (hits.length < args.limit || !last) return undefined;
  const bonus = sort === 'relevance' && args.filters.q ? where.radiusKm * repo.RELEVANCE.keyword : 0;
  const reach =
    (last.fetched ?? 0) < knn ? Infinity : repo.planarReachKm(where.lat, where.radiusKm, last.reach_deg ?? 0);
  return last.k < Math.min(reach, where.radiusKm) - bonus ? hits : undefined;
}

/** The search map: grid clusters when the view holds more than MAP_POINT_LIMIT points, else the points. */
export async function map({
  db,
  query: q,
  staleDays,
  now = new Date(),
}: {
  db: Db;
  query: MapQuery;
  staleDays: number;
  now?: Date;
}): Promise<MapResponseDto> {
  const { filters } = await resolveFilters(db, q, now, staleDays);
  const n = await repo.countInBox(db, q.bbox, filters, MAP_POINT_LIMIT + 1);
  if (n <= MAP_POINT_LIMIT) {
    const points = await repo.pointsInBox(db, q.bbox, filters, MAP_POINT_LIMIT);
    return presentMap({ mode: 'points', points, clusters: [], policy: { staleDays, now } });
  }
  const zoom = clusterZoom(q.bbox, q.zoom);
  // Only capacity status filters: the pre-aggregated grid answers (no scan of every service in the view).
  const statusOnly =
    !filters.termIds.length &&
    !filters.q &&
    filters.age == null &&
    !filters.language &&
    !filters.modes.length &&
    filters.free == null &&
    !filters.openOn &&
    !filters.confirmedSince;
  const clusters =
    statusOnly && zoom <= Math.max(...repo.CELL_LEVELS)
      ? await repo.clustersFromCells(db, q.bbox, filters.statuses, zoom)
      : await repo.clustersInBox(db, q.bbox, filters, clusterCellDeg(zoom));
  return presentMap({ mode: 'clusters', points: [], clusters, policy: { staleDays, now } });
}
