/**
 * The equity view (GET /api/gaps/equity) and the provision-at-risk layer (GET /api/gaps/at-risk) on a real app and
 * database holding the reference fixture and a hand-placed directory with languages and funding. Expected values are
 * derived here by hand from the fixture and the rules of docs/gaps.md ("Equity view", "Provision at risk").
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../server/db';
import { buildTestApp, type TestApp } from '../helpers/app';
import { loadReferenceFixture } from '../helpers/referenceData';
import * as fx from '../helpers/referenceFixture';

let t: TestApp;

const DAY = 86_400_000;
const inMonths = (m: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + m);
  return d.toISOString().slice(0, 10);
};
const yesterday = () => new Date(Date.now() - DAY).toISOString().slice(0, 10);

interface Svc {
  key: string;
  at?: { lng: number; lat: number };
  languages: [code: string, name: string][];
  orgStatus?: 'approved' | 'pending';
  modes?: string[];
  areas?: { type: string; code: string }[];
  fundingEnds?: string[];
}

// Catchments (fixture): U10001 = lng −2.4…−2.3, U10002 = −2.3…−2.2 (both ICB QAA), U20001 = −2.2…−2.0 (QBB);
// services are reachable in person from the catchment they stand in only (as in tests/api/gaps.test.ts).
const SERVICES: Svc[] = [
  // U10001: English, Urdu and Polish; funding ends in 3 months (at risk) and in 2 years (the earliest counts).
  {
    key: 'L1',
    at: { lng: -2.35, lat: 53.45 },
    languages: [
      ['en', 'English'],
      ['ur', 'Urdu'],
      ['pl', 'Polish'],
    ],
    fundingEnds: [inMonths(3), inMonths(24)],
  },
  // U10001: English only; funding ended yesterday (not at risk: already ended).
  { key: 'L2', at: { lng: -2.38, lat: 53.47 }, languages: [['en', 'English']], fundingEnds: [yesterday()] },
  // U10002: Urdu; funding ends in 8 months (not at risk).
  { key: 'L3', at: { lng: -2.25, lat: 53.46 }, languages: [['ur', 'Urdu']], fundingEnds: [inMonths(8)] },
  // Online only, covering ICB QAA, in Somali: remote for U10001 and U10002.
  { key: 'L4', languages: [['so', 'Somali']], modes: ['online'], areas: [{ type: 'icb', code: 'QAA' }] },
  // U10001 but organisation pending: counted nowhere, although it is in Urdu and at risk.
  {
    key: 'L5',
    at: { lng: -2.36, lat: 53.455 },
    languages: [['ur', 'Urdu']],
    orgStatus: 'pending',
    fundingEnds: [inMonths(1)],
  },
  // U20001: English only; funding ends in 5 months (at risk, ICB QBB).
  { key: 'L6', at: { lng: -2.15, lat: 53.45 }, languages: [['en', 'English']], fundingEnds: [inMonths(5)] },
];

async function seed(db: Db): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const s of SERVICES) {
    const [org] = await query<{ id: string }>(
      db,
      sql`insert into organizations (name, status, source) values (${`Org ${s.key}`}, ${s.orgStatus ?? 'approved'}, 'import') returning id`,
    );
    const modes = s.modes ?? ['in_person'];
    const [svc] = await query<{ id: string }>(
      db,
      sql`insert into services (organization_id, name, capacity_status, delivery_modes)
          values (${org!.id}, ${`Service ${s.key}`}, 'accepting',
                  ${sql.raw(`array[${modes.map((m) => `'${m}'`).join(',')}]::text[]`)}) returning id`,
    );
    ids[s.key] = svc!.id;
    if (s.at) {
      const [loc] = await query<{ id: string }>(
        db,
        sql`insert into locations (organization_id, geom) values (${org!.id}, ST_SetSRID(ST_MakePoint(${s.at.lng}, ${s.at.lat}), 4326)) returning id`,
      );
      await db.execute(sql`insert into service_at_locations (service_id, location_id) values (${svc!.id}, ${loc!.id})`);
    }
    for (const [code, name] of s.languages)
      await db.execute(
        sql`insert into service_languages (service_id, code, name) values (${svc!.id}, ${code}, ${name})`,
      );
    for (const a of s.areas ?? [])
      await db.execute(
        sql`insert into service_areas (service_id, area_type, area_code) values (${svc!.id}, ${a.type}, ${a.code})`,
      );
    for (const ends of s.fundingEnds ?? [])
      await db.execute(sql`insert into funding (service_id, source, ends_on) values (${svc!.id}, 'Lottery', ${ends})`);
  }
  return ids;
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const population = (pcn: string) => sum(fx.lsoasOfPcn(pcn).map((l) => l.residents));
const byRes = (pcn: string, f: (l: fx.FixtureLsoa) => number) =>
  fx.weightedMean(fx.lsoasOfPcn(pcn), f, (l) => l.residents);
const PCN_CODES = fx.PCNS.map((p) => p.code);

/** Hand-derived: in-person services, those with a non-English language, remote ones, and the languages. */
const EXPECTED: Record<string, { services: number; lang: number; remote: number; languages: string[] }> = {
  U10001: { services: 2, lang: 1, remote: 1, languages: ['pl:Polish:1', 'ur:Urdu:1'] },
  U10002: { services: 1, lang: 1, remote: 1, languages: ['ur:Urdu:1'] },
  U20001: { services: 1, lang: 0, remote: 0, languages: [] },
};

let ids: Record<string, string>;

beforeAll(async () => {
  t = await buildTestApp();
  await loadReferenceFixture(t);
  ids = await seed(t.database.db);
});
afterAll(() => t?.close());

type EquityRow = {
  code: string;
  icbCode: string;
  population: number | null;
  pctBlack: number | null;
  pctAsian: number | null;
  highBlack: boolean;
  highAsian: boolean;
  services: number;
  languageServices: number;
  languageServicesPer10k: number | null;
  remoteLanguageServices: number;
  languages: { code: string; name: string; services: number }[];
};

describe('GET /api/gaps/equity', () => {
  it('when asked for England, then every PCN has its ethnicity figures and reachable non-English-language services', async () => {
    const res = await request(t.app).get('/api/gaps/equity').expect(200);
    const rows = res.body.rows as EquityRow[];
    expect(rows.map((r) => r.code).sort()).toEqual([...PCN_CODES].sort());
    // The top fifth of 3 PCNs is ceil(0.6) = 1 PCN: the highest value of each figure.
    const maxBlack = Math.max(...PCN_CODES.map((c) => byRes(c, (l) => l.pctBlack)));
    const maxAsian = Math.max(...PCN_CODES.map((c) => byRes(c, (l) => l.pctAsian)));
    expect(res.body.meta.thresholds.pctBlack).toBeCloseTo(maxBlack, 6);
    expect(res.body.meta.thresholds.pctAsian).toBeCloseTo(maxAsian, 6);
    expect(res.body.meta.reachKm).toBe(3);
    for (const r of rows) {
      const e = EXPECTED[r.code]!;
      const black = byRes(r.code, (l) => l.pctBlack);
      const asian = byRes(r.code, (l) => l.pctAsian);
      expect(r.population).toBe(population(r.code));
      expect(r.pctBlack).toBeCloseTo(black, 6);
      expect(r.pctAsian).toBeCloseTo(asian, 6);
      expect(r.highBlack).toBe(Math.abs(black - maxBlack) < 1e-9);
      expect(r.highAsian).toBe(Math.abs(asian - maxAsian) < 1e-9);
      expect(r.services).toBe(e.services);
      expect(r.languageServices).toBe(e.lang);
      expect(r.languageServicesPer10k).toBeCloseTo((e.lang / population(r.code)) * 10_000, 9);
      expect(r.remoteLanguageServices).toBe(e.remote);
      expect(r.languages.map((l) => `${l.code}:${l.name}:${l.services}`)).toEqual(e.languages);
    }
    // Sorted by % Black + % Asian, highest first.
    const combined = rows.map((r) => r.pctBlack! + r.pctAsian!);
    expect(combined).toEqual([...combined].sort((a, b) => b - a));
  });

  it('when filtered by ICB (ODS or ONS code), then only its PCNs are listed, with the national thresholds', async () => {
    const all = await request(t.app).get('/api/gaps/equity').expect(200);
    for (const icb of ['QAA', 'E54000901']) {
      const res = await request(t.app).get('/api/gaps/equity').query({ icb }).expect(200);
      expect((res.body.rows as EquityRow[]).map((r) => r.code).sort()).toEqual(['U10001', 'U10002']);
      expect(res.body.meta.thresholds).toEqual(all.body.meta.thresholds);
    }
  });

  it('when the reach is 0 km, then only services inside each catchment count (the same placement here)', async () => {
    const res = await request(t.app).get('/api/gaps/equity').query({ reachKm: 0 }).expect(200);
    const rows = Object.fromEntries((res.body.rows as EquityRow[]).map((r) => [r.code, r]));
    for (const c of PCN_CODES) expect(rows[c]!.languageServices).toBe(EXPECTED[c]!.lang);
    expect(res.body.meta.reachKm).toBe(0);
  });

  it('when the ICB is unknown or the reach is not a number, then 404 / 400 problem+json naming the field', async () => {
    const missing = await request(t.app).get('/api/gaps/equity').query({ icb: 'QZZ' }).expect(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    const bad = await request(t.app).get('/api/gaps/equity').query({ reachKm: 'far' }).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(bad.body)).toContain('reachKm');
  });
});

describe('GET /api/gaps/at-risk', () => {
  it('when asked for England, then the locations of services whose funding ends within six months are listed', async () => {
    const res = await request(t.app).get('/api/gaps/at-risk').expect(200);
    expect(res.body.meta).toEqual({ months: 6, until: inMonths(6), reachKm: 3 });
    expect(res.body.points).toEqual([
      {
        serviceId: ids.L1,
        name: 'Service L1',
        organizationName: 'Org L1',
        fundingEndsOn: inMonths(3),
        lng: -2.35,
        lat: 53.45,
        pcnCodes: ['U10001'],
      },
      {
        serviceId: ids.L6,
        name: 'Service L6',
        organizationName: 'Org L6',
        fundingEndsOn: inMonths(5),
        lng: -2.15,
        lat: 53.45,
        pcnCodes: ['U20001'],
      },
    ]);
  });

  it('when filtered by ICB, then only services reachable from its PCNs are listed', async () => {
    const qaa = await request(t.app).get('/api/gaps/at-risk').query({ icb: 'QAA' }).expect(200);
    expect(qaa.body.points.map((p: { serviceId: string }) => p.serviceId)).toEqual([ids.L1]);
    const qbb = await request(t.app).get('/api/gaps/at-risk').query({ icb: 'QBB' }).expect(200);
    expect(qbb.body.points.map((p: { serviceId: string }) => p.serviceId)).toEqual([ids.L6]);
    await request(t.app).get('/api/gaps/at-risk').query({ icb: 'QZZ' }).expect(404);
  });
});
