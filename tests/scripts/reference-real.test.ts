/**
 * The real bundled reference data, imported in full on each engine: numbers must match the sources.
 * Slow by nature (2.7 M postcodes): one import per engine, every assertion against it.
 */
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import request from 'supertest';
import { query } from '../../server/db';
import { importReferenceData, DEFAULT_DATA_ROOT, type StepResult } from '../../server/features/areas';
import { linkWorkerSummary } from '../../server/features/gaps';
import { buildTestApp, type TestApp } from '../helpers/app';

jest.setTimeout(600_000);

let t: TestApp;
let firstRun: StepResult[];

function readCsv(relative: string): Record<string, string>[] {
  return parse(zlib.gunzipSync(fs.readFileSync(path.join(DEFAULT_DATA_ROOT, relative))), { columns: true });
}

beforeAll(async () => {
  t = await buildTestApp();
  firstRun = await importReferenceData({ db: t.database.db });
});
afterAll(() => t?.close());

const count = async (table: string) =>
  (await query<{ n: number }>(t.database.db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

describe('real reference data', () => {
  it('when imported, then every table has the source row counts', async () => {
    expect(firstRun.every((r) => r.status === 'imported')).toBe(true);
    expect(await count('practices')).toBe(6196);
    expect(await count('lsoas')).toBe(33755);
    expect(await count('icbs')).toBe(42);
    expect(await count('sub_icbs')).toBe(106);
    expect(await count('pcns')).toBe(1297);
    expect(await count('postcodes')).toBe(2690877);
    expect(await count('pcn_workforce')).toBe(1273 * 5);
  });

  it("when summed, then England's registered list size is 63.9 M", async () => {
    const [row] = await query<{ n: number }>(t.database.db, sql`select sum(list_size)::float8 as n from practices`);
    expect(row!.n / 1e6).toBeCloseTo(63.9, 1);
  });

  it('when asked for West Norwich PCN (U00000), then it has 2.5 link-worker FTE', async () => {
    const res = await request(t.app).get('/api/areas/pcns/U00000').expect(200);
    expect(res.body.indicators.splw_fte).toBe(2.5);
  });

  it('when geocoding M13 9PL, then it is within 100 m of 53.46 N, 2.23 W', async () => {
    const res = await request(t.app).get('/api/geocode?q=m13%209pl').expect(200);
    const [row] = await query<{ m: number }>(
      t.database.db,
      sql`select ST_Distance(ST_MakePoint(${res.body.lng}, ${res.body.lat})::geography, ST_MakePoint(-2.2336, 53.4669)::geography) as m`,
    );
    expect(row!.m).toBeLessThan(100);
  });

  it('when aggregated, then PCN list sizes and link workers per 10k match the published PCN summary', async () => {
    const summary = readCsv('pcn/pcn_summary_2025-12.csv.gz').filter((r) => r.pcn_code !== 'U');
    const res = await request(t.app).get('/api/areas/pcns').expect(200);
    const ours = new Map<string, { indicators: Record<string, number | null> }>(
      res.body.map((p: { code: string }) => [p.code, p]),
    );
    expect(ours.size).toBe(summary.length);
    for (const s of summary) {
      const p = ours.get(s.pcn_code!)!;
      expect(p.indicators.list_size).toBe(Number(s.list_size));
      if (s.workforce_reported === 'Y')
        expect(p.indicators.splw_fte_per_10k).toBeCloseTo(Number(s.splw_fte_per_10k), 2);
      else expect(p.indicators.splw_fte_per_10k).toBeNull(); // missing, never zero
    }
  });

  it('when catchments are derived, then every LSOA has a PCN and every PCN a catchment', async () => {
    const [row] = await query<{ lsoas: number; pcns: number }>(
      t.database.db,
      sql`select (select count(*)::int from lsoas where pcn_code is null) as lsoas,
                 (select count(*)::int from pcns where geom is null or centroid is null) as pcns`,
    );
    expect(row).toEqual({ lsoas: 0, pcns: 0 });
  });

  it('when imported again, then nothing changes', async () => {
    const before = await count('area_indicators');
    const again = await importReferenceData({ db: t.database.db });
    expect(again.map((r) => r.status)).toEqual(again.map(() => 'unchanged'));
    expect(await count('area_indicators')).toBe(before);
  });

  it('when serving the England PCN layer, then it is under 1.5 MB gzipped', async () => {
    const res = await request(t.app).get('/api/areas/pcns.geojson').set('Accept-Encoding', 'gzip').buffer(true);
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBeLessThan(1_500_000);
  });

  it('when summarised by region and IMD quintile, then SPLW FTE per 10k matches the raw workforce and practice files to 3 dp', async () => {
    const workforce = readCsv('pcn/pcn_workforce_personalised_care_2025-11.csv.gz');
    const lists = new Map<string, number>();
    for (const p of readCsv('practices/gp_practices_pcn_2025-12.csv.gz'))
      if (p.pcn_code !== 'U') lists.set(p.pcn_code!, (lists.get(p.pcn_code!) ?? 0) + Number(p.list_size));
    const fte = new Map(workforce.map((w) => [w.pcn_code!, Number(w.splw_fte) + Number(w.splw_mh_fte)]));
    const per10k = (codes: string[]) => {
      const reporting = codes.filter((c) => fte.has(c) && lists.has(c));
      const f = reporting.reduce((s, c) => s + fte.get(c)!, 0);
      const l = reporting.reduce((s, c) => s + lists.get(c)!, 0);
      return (f / l) * 10_000;
    };
    const summary = await linkWorkerSummary(t.database.db);
    expect(summary.period).toBe('2025-11');
    // Regions: straight from the workforce file's region_name.
    const regions = [...new Set(workforce.map((w) => w.region_name!))].sort();
    const byRegion = summary.rows.filter((r) => r.by === 'region');
    expect(byRegion.map((r) => r.group).sort()).toEqual(regions);
    for (const region of regions) {
      const direct = per10k(workforce.filter((w) => w.region_name === region).map((w) => w.pcn_code!));
      expect(byRegion.find((r) => r.group === region)!.splwFtePer10k!.toFixed(3)).toBe(direct.toFixed(3));
    }
    // IMD quintiles: PCNs ordered by catchment IMD 2025 score (most deprived first), split as SQL ntile(5) does.
    const pcns = (await request(t.app).get('/api/areas/pcns').expect(200)).body as {
      code: string;
      indicators: { imd2025_score: number | null };
    }[];
    const ordered = pcns
      .filter((p) => p.indicators.imd2025_score !== null)
      .sort((a, b) => b.indicators.imd2025_score! - a.indicators.imd2025_score! || a.code.localeCompare(b.code));
    const size = Math.floor(ordered.length / 5);
    const extra = ordered.length % 5;
    let start = 0;
    for (let q = 1; q <= 5; q++) {
      const n = size + (q <= extra ? 1 : 0);
      const codes = ordered.slice(start, start + n).map((p) => p.code);
      start += n;
      const row = summary.rows.find((r) => r.by === 'imd_quintile' && r.group === String(q))!;
      expect(row.pcns).toBe(n);
      expect(row.splwFtePer10k!.toFixed(3)).toBe(per10k(codes).toFixed(3));
    }
  });

  it('when the gap analysis runs on all of England, then every PCN is scored unless an input is missing', async () => {
    const res = await request(t.app).get('/api/gaps/pcns').expect(200);
    expect(res.body.rows).toHaveLength(1297);
    const missing = res.body.rows.filter((r: { gap: { score: number | null } }) => r.gap.score === null);
    for (const r of missing) expect(r.linkWorkers.splwFtePer10k === null || r.need.index === null).toBe(true);
    expect(missing.length).toBe(
      res.body.rows.filter(
        (r: { linkWorkers: { splwFtePer10k: number | null }; need: { index: number | null } }) =>
          r.linkWorkers.splwFtePer10k === null || r.need.index === null,
      ).length,
    );
  });
});
