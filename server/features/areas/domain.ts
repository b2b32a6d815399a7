/** Rules of the areas API: geocoding, lookups, profiles and cached GeoJSON layers. Plain data in and out. */
import zlib from 'node:zlib';
import crypto from 'node:crypto';
import type { Db } from '../../db';
import { notFound, badField } from '../../errors';
import { parsePostcodeQuery, type PostcodeQuery } from '../../../shared/postcode';
import type { BboxValue } from '../../../shared/schemas/common';
import * as repo from './repository';
import { featureCollection, presentPractice, presentProfiles, type AreaProfileDto } from './presenter';

/** A geocoding answer. */
export interface GeocodeResult {
  /** The matched postcode, sector or district in standard form. */
  postcode: string;
  lat: number;
  lng: number;
  /** postcode (unit centroid), sector or district (mean of their postcodes). */
  precision: 'postcode' | 'sector' | 'district';
}

/** Locates a parsed postcode, sector or district; undefined when there is no such one. */
export async function locatePostcode(db: Db, parsed: PostcodeQuery): Promise<GeocodeResult | undefined> {
  const row =
    parsed.kind === 'postcode'
      ? await repo.findPostcode(db, parsed.key)
      : await repo.findPostcodeArea(db, parsed.kind, parsed.key);
  return row && { postcode: row.label, lat: row.lat, lng: row.lng, precision: parsed.kind };
}

/** Geocodes a full postcode, sector or district in any case and spacing. */
export async function geocode({ db, q }: { db: Db; q: string }): Promise<GeocodeResult> {
  const parsed = parsePostcodeQuery(q);
  if (!parsed) throw badField('q', 'is not a UK postcode, sector or district (e.g. M13 9PL, M13 9 or M13)');
  const found = await locatePostcode(db, parsed);
  if (!found) throw notFound(`The ${parsed.kind} ${parsed.label}`);
  return found;
}

/** Finds the areas containing a point; outside England every field is null. */
export async function lookupAreas({ db, lat, lng }: { db: Db; lat: number; lng: number }) {
  const r = await repo.findAreasAt(db, lat, lng);
  const pair = (code: string | null, name: string | null) => (code ? { code, name } : null);
  return {
    lsoa: r.lsoa_code ? { code: r.lsoa_code, name: r.lsoa_name, localAuthority: r.lad_name } : null,
    pcn: r.pcn_code ? { code: r.pcn_code, name: r.pcn_name, approximate: true } : null,
    subIcb: pair(r.sub_icb_code, r.sub_icb_name),
    icb: pair(r.icb_code, r.icb_name),
  };
}

/** A cached, pre-serialised and pre-gzipped response body. */
export interface CachedBody {
  /** JSON text. */
  body: Buffer;
  /** gzip of body. */
  gzip: Buffer;
  /** Strong ETag. */
  etag: string;
  /** Content type. */
  type: string;
}

function cached(json: string, type = 'application/json'): CachedBody {
  const body = Buffer.from(json);
  return {
    body,
    gzip: zlib.gzipSync(body, { level: 6 }),
    etag: `"${crypto.createHash('sha1').update(body).digest('base64url')}"`,
    type,
  };
}

/**
 * Reference data changes only on import, so the heavy England-wide responses are built once per reference version
 * (per process) and served pre-gzipped with an ETag.
 */
export class AreaCache {
  private version = '';
  private entries = new Map<string, Promise<CachedBody>>();

  /** Returns the cached body for `key`, building it with `build` if the reference version changed or it is absent. */
  async get(db: Db, key: string, build: () => Promise<string>, type?: string): Promise<CachedBody> {
    const version = await repo.referenceVersion(db);
    if (version !== this.version) {
      this.version = version;
      this.entries.clear();
    }
    let entry = this.entries.get(key);
    if (!entry) {
      entry = build().then((json) => cached(json, type));
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    return entry;
  }
}

async function englandPcns(db: Db, cache: AreaCache): Promise<AreaProfileDto[]> {
  const body = await cache.get(db, 'profiles:pcn:england', async () =>
    JSON.stringify(presentProfiles(await repo.listPcns(db))),
  );
  return JSON.parse(body.body.toString()) as AreaProfileDto[];
}

/** Lists PCN profiles (need index standardised across England), optionally for one ICB. */
export async function listPcnProfiles({
  db,
  cache,
  icb,
}: {
  db: Db;
  cache: AreaCache;
  icb?: string;
}): Promise<CachedBody> {
  if (icb && !(await repo.icbExists(db, icb))) throw notFound(`ICB ${icb}`);
  return cache.get(db, `pcns:list:${icb ?? 'all'}`, async () => {
    const all = await englandPcns(db, cache);
    const icbCodes = icb ? new Set((await repo.listPcns(db, icb)).map((p) => p.code)) : undefined;
    return JSON.stringify(icbCodes ? all.filter((p) => icbCodes.has(p.code)) : all);
  });
}

/** Lists ICB profiles (need index standardised across the 42 ICBs). */
export async function listIcbProfiles({ db, cache }: { db: Db; cache: AreaCache }): Promise<CachedBody> {
  return cache.get(db, 'icbs', async () => JSON.stringify(presentProfiles(await repo.listIcbs(db))));
}

/** The full profile of one PCN: indicators, need, ICB and England averages, practices. */
export async function getPcnProfile({ db, cache, code }: { db: Db; cache: AreaCache; code: string }) {
  const row = await repo.findPcn(db, code);
  if (!row) throw notFound(`PCN ${code}`);
  const all = await englandPcns(db, cache);
  const [profile] = all.filter((p) => p.code === code);
  const average = (rows: AreaProfileDto[]) =>
    Object.fromEntries(
      Object.keys(profile!.indicators).map((k) => {
        const values = rows
          .map((r) => r.indicators[k as keyof AreaProfileDto['indicators']])
          .filter((v): v is number => v !== null);
        return [k, values.length ? values.reduce((a, b) => a + b, 0) / values.length : null];
      }),
    );
  return {
    ...profile!,
    icbName: row.icb_name,
    subIcbName: row.sub_icb_name,
    catchment: {
      lsoaCount: row.lsoa_count,
      approximate: true,
      centre: row.centroid_lat === null ? null : { lat: row.centroid_lat, lng: row.centroid_lng },
    },
    averages: { icb: average(all.filter((p) => p.icbCode === row.icb_code)), england: average(all) },
    practices: (await repo.listPracticesOfPcn(db, code)).map(presentPractice),
  };
}

/** Default simplification of catchment polygons for the England view, in degrees (~100 m). */
export const DEFAULT_SIMPLIFY = 0.001;

/** PCN catchments as GeoJSON with profile properties, for choropleths. */
export async function pcnGeoJson({
  db,
  cache,
  icb,
  simplify = DEFAULT_SIMPLIFY,
}: {
  db: Db;
  cache: AreaCache;
  icb?: string;
  simplify?: number;
}) {
  if (icb && !(await repo.icbExists(db, icb))) throw notFound(`ICB ${icb}`);
  return cache.get(
    db,
    `pcns.geojson:${icb ?? 'all'}:${simplify}`,
    async () => {
      const profiles = new Map((await englandPcns(db, cache)).map((p) => [p.code, p]));
      const shapes = await repo.pcnShapes(db, simplify, icb);
      return featureCollection(shapes, (s) => {
        const p = profiles.get(s.code);
        return {
          code: s.code,
          name: s.name,
          icbCode: s.icb_code,
          approximate: true,
          needIndex: p?.need.index ?? null,
          ...p?.indicators,
        };
      });
    },
    'application/geo+json',
  );
}

/** ICB boundaries as GeoJSON with profile properties. */
export async function icbGeoJson({
  db,
  cache,
  simplify = DEFAULT_SIMPLIFY,
}: {
  db: Db;
  cache: AreaCache;
  simplify?: number;
}) {
  return cache.get(
    db,
    `icbs.geojson:${simplify}`,
    async () => {
      const profiles = new Map(presentProfiles(await repo.listIcbs(db)).map((p) => [p.code, p]));
      return featureCollection(await repo.icbShapes(db, simplify), (s) => {
        const p = profiles.get(s.code);
        return { code: s.code, name: s.name, needIndex: p?.need.index ?? null, ...p?.indicators };
      });
    },
    'application/geo+json',
  );
}

/** LSOA polygons with need indicators for a viewport (the bbox size is capped by the request schema). */
export async function lsoaGeoJson({ db, bbox }: { db: Db; bbox: BboxValue }): Promise<string> {
  const rows = await repo.lsoaShapes(db, bbox);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return featureCollection(rows, (s) => {
    const r = byCode.get(s.code)!;
    return { code: r.code, name: r.name, pcnCode: r.pcn_code, ...r.indicators };
  });
}
