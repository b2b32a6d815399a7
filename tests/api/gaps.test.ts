/**
 * The gaps API (/api/gaps/…) on a real app and database holding the reference fixture and a hand-placed directory.
 * Every expected score is computed here by hand from the fixture's inputs and the formulas of docs/gaps.md.
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../server/db';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { buildTestApp, type TestApp } from '../helpers/app';
import { loadReferenceFixture } from '../helpers/referenceData';
import { signedInAs, type AuthHeaders, type TestUser } from '../helpers/auth';
import * as fx from '../helpers/referenceFixture';

let t: TestApp;

// ---------------------------------------------------------------------------------------------------------------
// The hand-placed directory. Catchments (fixture): U10001 = column 0 (lng −2.4…−2.3), U10002 = column 1
// (−2.3…−2.2), U20001 = columns 2–3. Default reach 3 km from each catchment's population-weighted centre.

const DAY = 86_400_000;
const isoDate = (d: Date) => d.toISOString().slice(0, 10);
const inMonths = (m: number) => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() + m);
  return isoDate(d);
};

interface Svc {
  key: string;
  at?: { lng: number; lat: number };
  status: 'accepting' | 'limited' | 'waitlist' | 'not_accepting' | null;
  confirmedDaysAgo?: number;
  category?: string;
  orgStatus?: 'approved' | 'pending';
  modes?: string[];
  areas?: { type: string; code: string }[];
  fundingEnds?: string;
}

const SERVICES: Svc[] = [
  // In U10001: accepting and confirmed yesterday (weight 1).
  {
    key: 'S1',
    at: { lng: -2.35, lat: 53.45 },
    status: 'accepting',
    confirmedDaysAgo: 1,
    category: 'physical_activity',
  },
  // In U10001: waitlist confirmed 30 days ago, stale (0.5 × 0.5).
  { key: 'S2', at: { lng: -2.38, lat: 53.47 }, status: 'waitlist', confirmedDaysAgo: 30, category: 'food' },
  // In U10002: limited, confirmed (0.75); funding ends in 2 months (at risk).
  {
    key: 'S3',
    at: { lng: -2.25, lat: 53.46 },
    status: 'limited',
    confirmedDaysAgo: 2,
    category: 'physical_activity',
    fundingEnds: inMonths(2),
  },
  // In U10002: not accepting (0); funding ends in a year (not at risk).
  {
    key: 'S4',
    at: { lng: -2.26, lat: 53.45 },
    status: 'not_accepting',
    confirmedDaysAgo: 2,
    fundingEnds: inMonths(12),
  },
  // In U20001: capacity never set (0.25).
  { key: 'S5', at: { lng: -2.15, lat: 53.45 }, status: null, category: 'food' },
  // Online only, covering ICB QAA: remote supply of U10001 and U10002, not in the gap score.
  { key: 'S6', status: 'accepting', confirmedDaysAgo: 1, modes: ['online'], areas: [{ type: 'icb', code: 'QAA' }] },
  // In U10001 but its organisation is pending: not counted anywhere.
  { key: 'S7', at: { lng: -2.36, lat: 53.455 }, status: 'accepting', confirmedDaysAgo: 1, orgStatus: 'pending' },
  // In U20001's LSOA E01900003, about 3.98 km from U10002's centre (and 5.98 km from U20001's): reachable from
  // U20001 by being inside, and from U10002 only when the reach is 5 km.
  { key: 'S8', at: { lng: -2.19, lat: 53.46 }, status: 'accepting', confirmedDaysAgo: 1, category: 'advice' },
];

async function seedDirectory(db: Db): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const s of SERVICES) {
    const [org] = await query<{ id: string }>(
      db,
      sql`insert into organizations (name, status, source) values (${`Org ${s.key}`}, ${s.orgStatus ?? 'approved'}, 'import') returning id`,
    );
    const confirmed = s.confirmedDaysAgo === undefined ? null : new Date(Date.now() - s.confirmedDaysAgo * DAY);
    const modes = s.modes ?? ['in_person'];
    const [svc] = await query<{ id: string }>(
      db,
      sql`insert into services (organization_id, name, capacity_status, capacity_set_at, capacity_confirmed_at, delivery_modes)
          values (${org!.id}, ${`Service ${s.key}`}, ${s.status}, ${confirmed}, ${confirmed},
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
    if (s.category)
      await db.execute(
        sql`insert into service_taxonomy (service_id, taxonomy_term_id) select ${svc!.id}, id from taxonomy_terms where code = ${s.category}`,
      );
    for (const a of s.areas ?? [])
      await db.execute(
        sql`insert into service_areas (service_id, area_type, area_code) values (${svc!.id}, ${a.type}, ${a.code})`,
      );
    if (s.fundingEnds)
      await db.execute(
        sql`insert into funding (service_id, source, ends_on) values (${svc!.id}, 'Lottery', ${s.fundingEnds})`,
      );
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// Expected values, by hand from docs/gaps.md

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const PCN_CODES = fx.PCNS.map((p) => p.code);

/** Population SD z-scores over the present values (null stays null; zero spread gives 0). */
function zScores(values: Record<string, number | null>): Record<string, number | null> {
  const present = Object.values(values).filter((v): v is number => v !== null);
  const m = sum(present) / present.length;
  const sd = Math.sqrt(sum(present.map((v) => (v - m) ** 2)) / present.length);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null ? null : sd > 0 ? (v - m) / sd : 0]));
}

const population = (pcn: string) => sum(fx.lsoasOfPcn(pcn).map((l) => l.residents));
const listSize = (pcn: string) => sum(fx.practicesOfPcn(pcn).map((p) => p.listSize));

/** Need index (docs/need-index.md): weighted z-scores of the six components over the fixture's PCNs. */
function expectedNeedIndex(): Record<string, number> {
  const byRes = (pcn: string, f: (l: fx.FixtureLsoa) => number) =>
    fx.weightedMean(fx.lsoasOfPcn(pcn), f, (l) => l.residents);
  const components: Record<string, Record<string, number>> = {
    imd2025_score: {},
    pct_disabled: {},
    pct_65plus: {},
    pct_households_deprived_2plus: {},
    pct_black_asian: {},
    pct_rural: {},
  };
  for (const pcn of PCN_CODES) {
    components.imd2025_score![pcn] = byRes(pcn, (l) => l.imdScore);
    components.pct_disabled![pcn] = byRes(pcn, (l) => l.pctDisabled);
    components.pct_65plus![pcn] = fx.AGE_PROFILE.find((a) => a.orgType === 'PCN' && a.orgCode === pcn)!.pct65;
    components.pct_households_deprived_2plus![pcn] = fx.weightedMean(
      fx.lsoasOfPcn(pcn),
      (l) => l.pctDeprived2plus,
      (l) => l.households,
    );
    components.pct_black_asian![pcn] = byRes(pcn, (l) => l.pctBlack) + byRes(pcn, (l) => l.pctAsian);
    components.pct_rural![pcn] = byRes(pcn, (l) => (l.urbanRural === 'Rural' ? 100 : 0));
  }
  const weights: Record<string, number> = {
    imd2025_score: 0.35,
    pct_disabled: 0.15,
    pct_65plus: 0.15,
    pct_households_deprived_2plus: 0.15,
    pct_black_asian: 0.1,
    pct_rural: 0.1,
  };
  const out: Record<string, number> = Object.fromEntries(PCN_CODES.map((c) => [c, 0]));
  for (const [k, values] of Object.entries(components)) {
    const z = zScores(values);
    for (const pcn of PCN_CODES) out[pcn] = out[pcn]! + weights[k]! * z[pcn]!;
  }
  return out;
}

/** Link-worker FTE per 10k: (SPLW + SPLW mental health) ÷ list size × 10,000; no return → null. */
function expectedLw(pcn: string): number | null {
  const w = fx.WORKFORCE.find((x) => x.pcnCode === pcn);
  return w ? ((w.splwFte + w.splwMhFte) / listSize(pcn)) * 10_000 : null;
}

/** Capacity-weighted reachable services (defaults: accepting 1, limited 0.75, waitlist 0.5, stale × 0.5, unset 0.25). */
const EXPECTED_WEIGHTED: Record<string, number> = {
  U10001: 1 + 0.5 * 0.5, // S1 + S2 (stale waitlist)
  U10002: 0.75 + 0, // S3 + S4 (not accepting)
  U20001: 0.25 + 1, // S5 (unset) + S8
};
const EXPECTED_SERVICES: Record<string, number> = { U10001: 2, U10002: 2, U20001: 2 };

function expectedScores(weighted = EXPECTED_WEIGHTED) {
  const need = expectedNeedIndex();
  const needZ = zScores(need);
  const lwZ = zScores(Object.fromEntries(PCN_CODES.map((c) => [c, expectedLw(c)])));
  const vcsePer10k = Object.fromEntries(PCN_CODES.map((c) => [c, (weighted[c]! / population(c)) * 10_000]));
  const vZ = zScores(vcsePer10k);
  const gap = Object.fromEntries(
    PCN_CODES.map((c) => [c, lwZ[c] === null ? null : needZ[c]! - (0.5 * lwZ[c]! + 0.5 * vZ[c]!)]),
  );
  return { need, needZ, lwZ, vcsePer10k, vZ, gap };
}

// ---------------------------------------------------------------------------------------------------------------

let serviceIds: Record<string, string>;

beforeAll(async () => {
  t = await buildTestApp();
  await loadReferenceFixture(t);
  serviceIds = await seedDirectory(t.database.db);
});
afterAll(() => t?.close());

type Row = {
  code: string;
  population: number | null;
  need: { index: number | null; z: number | null };
  linkWorkers: { splwFtePer10k: number | null; z: number | null };
  vcse: {
    services: number;
    weighted: number;
    per10k: number | null;
    z: number | null;
    byCategory: Record<string, { weighted: number }>;
    remote: { services: number; weighted: number };
  };
  demand: { referralsPer10k: number | null; unmetNeedPer10k: number | null; available: boolean };
  gap: {
    score: number | null;
    rank: number | null;
    icbRank: number | null;
    drivers: { component: string; contribution: number | null }[];
    summary: string;
  };
};
const byCode = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.code, r]));

describe('GET /api/gaps/pcns — the hand-computed fixture', () => {
  it('when asked anonymously, then every PCN has exactly the documented need, resource and gap scores', async () => {
    const res = await request(t.app).get('/api/gaps/pcns').expect(200);
    const rows = byCode(res.body.rows);
    const e = expectedScores();
    expect(Object.keys(rows).sort()).toEqual([...PCN_CODES].sort());
    for (const c of PCN_CODES) {
      const r = rows[c]!;
      expect(r.population).toBe(population(c));
      expect(r.need.index).toBeCloseTo(e.need[c]!, 9);
      expect(r.need.z).toBeCloseTo(e.needZ[c]!, 9);
      expect(r.vcse.services).toBe(EXPECTED_SERVICES[c]);
      expect(r.vcse.weighted).toBeCloseTo(EXPECTED_WEIGHTED[c]!, 12);
      expect(r.vcse.per10k).toBeCloseTo(e.vcsePer10k[c]!, 9);
      expect(r.vcse.z).toBeCloseTo(e.vZ[c]!, 9);
      if (e.gap[c] === null) expect(r.gap.score).toBeNull();
      else expect(r.gap.score).toBeCloseTo(e.gap[c]!, 9);
    }
    expect(rows.U10001!.linkWorkers.splwFtePer10k).toBeCloseTo(expectedLw('U10001')!, 6);
    expect(rows.U10002!.linkWorkers.splwFtePer10k).toBeCloseTo(expectedLw('U10002')!, 6);
    // Ranks: widest gap first; the PCN without a gap has no rank and comes last.
    const ranked = PCN_CODES.filter((c) => e.gap[c] !== null).sort((a, b) => e.gap[b]! - e.gap[a]!);
    expect(res.body.rows.map((r: Row) => r.code)).toEqual([...ranked, 'U20001']);
    expect(rows[ranked[0]!]!.gap.rank).toBe(1);
    expect(rows[ranked[0]!]!.gap.icbRank).toBe(1);
    expect(res.body.meta.periods.workforce).toBe('2025-11');
  });

  it('when a PCN made no workforce return, then its link workers and gap stay missing, never zero', async () => {
    const res = await request(t.app).get('/api/gaps/pcns?icb=QBB').expect(200);
    expect(res.body.rows).toHaveLength(1);
    const r: Row = res.body.rows[0];
    expect(r.linkWorkers.splwFtePer10k).toBeNull();
    expect(r.linkWorkers.z).toBeNull();
    expect(r.gap.score).toBeNull();
    expect(r.gap.rank).toBeNull();
    expect(r.gap.summary).toMatch(/no workforce return/);
    // Demand signals come from recorded referrals; none here, so zero per 10,000 where the population is known.
    expect(r.demand).toMatchObject({ available: true, period: 'last 90 days' });
    expect(r.demand.referralsPer10k).toBe(r.population === null ? null : 0);
  });

  it('when explained, then the drivers add up to the gap score, largest first', async () => {
    const res = await request(t.app).get('/api/gaps/pcns?icb=QAA').expect(200);
    for (const r of res.body.rows as Row[]) {
      const contributions = r.gap.drivers.map((d) => d.contribution!);
      expect(sum(contributions)).toBeCloseTo(r.gap.score!, 9);
      const sizes = contributions.map(Math.abs);
      expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    }
  });

  it('when online services cover the ICB, then they count as remote supply only', async () => {
    const rows = byCode((await request(t.app).get('/api/gaps/pcns').expect(200)).body.rows);
    expect(rows.U10001!.vcse.remote).toMatchObject({ services: 1, weighted: 1 });
    expect(rows.U10002!.vcse.remote).toMatchObject({ services: 1, weighted: 1 });
    expect(rows.U20001!.vcse.remote).toMatchObject({ services: 0, weighted: 0 });
  });

  it('when filtered by category, then supply and scores use only that category', async () => {
    const res = await request(t.app).get('/api/gaps/pcns?category=physical_activity').expect(200);
    const rows = byCode(res.body.rows);
    const weighted = { U10001: 1, U10002: 0.75, U20001: 0 };
    const e = expectedScores(weighted);
    for (const c of PCN_CODES) {
      expect(rows[c]!.vcse.weighted).toBeCloseTo(weighted[c as keyof typeof weighted], 12);
      if (e.gap[c] !== null) expect(rows[c]!.gap.score).toBeCloseTo(e.gap[c]!, 9);
    }
    // byCategory is always there, for every category present.
    const all = byCode((await request(t.app).get('/api/gaps/pcns').expect(200)).body.rows);
    expect(all.U10001!.vcse.byCategory.food!.weighted).toBeCloseTo(0.25, 12);
    expect(all.U20001!.vcse.byCategory.advice!.weighted).toBeCloseTo(1, 12);
  });

  it('when weights and reach are given, then the supply follows them', async () => {
    const res = await request(t.app)
      .get('/api/gaps/pcns?w_waitlist=1&unconfirmed=1&reachKm=5&lwWeight=1&vcseWeight=0')
      .expect(200);
    const rows = byCode(res.body.rows);
    expect(rows.U10001!.vcse.weighted).toBeCloseTo(2, 12); // S1 1 + S2 1 × 1
    expect(rows.U10002!.vcse.weighted).toBeCloseTo(0.75 + 1, 12); // S8 is within 5 km of its centre
    expect(rows.U20001!.vcse.weighted).toBeCloseTo(0.25 + 1, 12); // S8 is inside; nothing else within 5 km
    expect(res.body.meta.resourceWeights).toEqual({ linkWorkers: 1, vcse: 0 });
    const need = zScores(expectedNeedIndex());
    const lw = zScores(Object.fromEntries(PCN_CODES.map((c) => [c, expectedLw(c)])));
    expect(rows.U10001!.gap.score).toBeCloseTo(need.U10001! - lw.U10001!, 9);
  });

  it('when the query is bad, then 400 names the field', async () => {
    for (const [q, field] of [
      ['reachKm=100', 'reachKm'],
      ['w_accepting=2', 'w_accepting'],
      ['icb=nope', 'icb'],
      ['category=No%20Such', 'category'],
    ] as const) {
      const res = await request(t.app).get(`/api/gaps/pcns?${q}`).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors[0].field).toBe(field);
    }
    const unknown = await request(t.app).get('/api/gaps/pcns?category=no_such_category').expect(400);
    expect(unknown.body.errors[0].field).toBe('category');
    await request(t.app).get('/api/gaps/pcns?icb=QZZ').expect(404);
  });
});

describe('GET /api/gaps/pcns/:code — profile', () => {
  it('when asked for U10002, then it lists practices, services by category and capacity, and provision at risk', async () => {
    const res = await request(t.app).get('/api/gaps/pcns/U10002').expect(200);
    expect(res.body.practices.map((p: { code: string }) => p.code).sort()).toEqual(
      fx
        .practicesOfPcn('U10002')
        .map((p) => p.code)
        .sort(),
    );
    const names = res.body.services.map((s: { name: string; mode: string }) => `${s.mode}:${s.name}`).sort();
    expect(names).toEqual(['in_person:Service S3', 'in_person:Service S4', 'remote:Service S6']);
    expect(res.body.servicesByCategory.physical_activity).toEqual({ limited: 1 });
    expect(res.body.servicesByCategory.uncategorised).toEqual({ not_accepting: 1 });
    expect(res.body.atRisk).toEqual([
      { id: serviceIds.S3, name: 'Service S3', organizationName: 'Org S3', fundingEndsOn: inMonths(2) },
    ]);
    const e = expectedScores();
    const lw = [expectedLw('U10001')!, expectedLw('U10002')!];
    expect(res.body.comparison.england.splwFtePer10k).toBeCloseTo(sum(lw) / 2, 6);
    expect(res.body.comparison.icb.gapScore).toBeCloseTo((e.gap.U10001! + e.gap.U10002!) / 2, 9);
    expect(res.body.comparison.england.vcsePer10k).toBeCloseTo(sum(Object.values(e.vcsePer10k)) / 3, 9);
  });

  it('when the PCN does not exist or the code is malformed, then 404 or 400', async () => {
    await request(t.app).get('/api/gaps/pcns/U99999').expect(404);
    const bad = await request(t.app).get('/api/gaps/pcns/nope').expect(400);
    expect(bad.body.errors[0].field).toBe('code');
  });
});

describe('GET /api/gaps/areas — roll-ups', () => {
  it('when rolled up to ICBs, then link workers and supply are ratios of sums and gap a population-weighted mean', async () => {
    const res = await request(t.app).get('/api/gaps/areas?level=icb').expect(200);
    const rows = Object.fromEntries(res.body.rows.map((r: { code: string }) => [r.code, r]));
    const e = expectedScores();
    const a = ['U10001', 'U10002'];
    const lwFte = sum(fx.WORKFORCE.map((w) => w.splwFte + w.splwMhFte));
    expect(rows.QAA.splwFtePer10k).toBeCloseTo((lwFte / sum(a.map(listSize))) * 10_000, 6);
    expect(rows.QAA.vcsePer10k).toBeCloseTo(
      ((EXPECTED_WEIGHTED.U10001! + EXPECTED_WEIGHTED.U10002!) / sum(a.map(population))) * 10_000,
      9,
    );
    expect(rows.QAA.gapScore).toBeCloseTo(sum(a.map((c) => e.gap[c]! * population(c))) / sum(a.map(population)), 9);
    expect(rows.QBB.splwFtePer10k).toBeNull();
    expect(rows.QBB.gapScore).toBeNull();
  });
});

describe('GET /api/gaps/pcns.geojson', () => {
  it('when asked for an ICB, then each catchment carries its gap figures; missing stays null', async () => {
    const res = await request(t.app).get('/api/gaps/pcns.geojson?icb=QAA').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    const body = JSON.parse(res.text);
    expect(body.features.map((f: { id: string }) => f.id).sort()).toEqual(['U10001', 'U10002']);
    const e = expectedScores();
    for (const f of body.features) {
      expect(f.geometry.type).toMatch(/Polygon/);
      expect(f.properties.approximate).toBe(true);
      expect(f.properties.gapScore).toBeCloseTo(e.gap[f.id]!, 6);
    }
    const beta = JSON.parse((await request(t.app).get('/api/gaps/pcns.geojson?icb=QBB').expect(200)).text);
    expect(beta.features[0].properties).toMatchObject({ code: 'U20001', gapScore: null, splwFtePer10k: null });
  });
});

describe('GET /api/gaps/pcns.csv', () => {
  it('when a cell starts with a formula character, then it is neutralised; missing figures are empty', async () => {
    await t.database.db.execute(sql`update pcns set name = '=HYPERLINK("http://x","y")' where code = 'U20001'`);
    // A fresh app: the analysis cache of the shared one would still hold the old name.
    const fresh = createApp({ config: t.config, logger: createLogger(t.config.logLevel), database: t.database });
    try {
      const res = await request(fresh).get('/api/gaps/pcns.csv?icb=QBB').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/attachment; filename="pcn-gaps-QBB.csv"/);
      const [header, line] = res.text.trim().split('\r\n');
      const columns = header!.split(',');
      expect(line).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
      const cells = line!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
      expect(cells[columns.indexOf('splw_fte_per_10k')]).toBe('');
      expect(cells[columns.indexOf('gap_score')]).toBe('');
    } finally {
      await t.database.db.execute(sql`update pcns set name = 'BETA PCN' where code = 'U20001'`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Flags

async function gapState(db: Db) {
  const tables = ['gap_flags', 'gap_flag_events', 'gap_suggestion_dismissals', 'audit_log'];
  const out: Record<string, unknown[]> = {};
  for (const table of tables)
    out[table] = await query(db, sql.raw(`select to_jsonb(t) as row from ${table} t order by to_jsonb(t)::text`));
  return out;
}

describe('flags', () => {
  let commA: { user: TestUser; headers: AuthHeaders };
  let commA2: { user: TestUser; headers: AuthHeaders };
  let commB: { user: TestUser; headers: AuthHeaders };
  let admin: { user: TestUser; headers: AuthHeaders };
  let flagId: string;

  beforeAll(async () => {
    const db = t.database.db;
    commA = await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QAA' });
    commA2 = await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QAA' });
    commB = await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QBB' });
    admin = await signedInAs(db, { role: 'admin' });
  });

  it('when a commissioner flags a PCN of their ICB, then the flag, its history and an audit row are written', async () => {
    const res = await request(t.app)
      .post('/api/gaps/flags')
      .set(commA.headers)
      .send({ pcnCode: 'U10001', category: 'food', reason: 'No food bank nearby', evidence: 'Link worker reports' })
      .expect(201);
    flagId = res.body.id;
    expect(res.body).toMatchObject({ pcnCode: 'U10001', icbCode: 'QAA', status: 'open', category: 'food' });
    expect(res.body.history).toEqual([expect.objectContaining({ kind: 'created', to: 'open' })]);
    const [flag] = await query<{ status: string; created_by: string }>(
      t.database.db,
      sql`select status, created_by from gap_flags where id = ${flagId}`,
    );
    expect(flag).toEqual({ status: 'open', created_by: commA.user.id });
    const audit = await query<{ action: string; actor_user_id: string }>(
      t.database.db,
      sql`select action, actor_user_id from audit_log where entity_type = 'gap_flag' and entity_id = ${flagId}`,
    );
    expect(audit).toEqual([{ action: 'gap_flag.create', actor_user_id: commA.user.id }]);
  });

  it("when another ICB's commissioner tries to see or change it, then 404/403 and nothing changes", async () => {
    const before = await gapState(t.database.db);
    await request(t.app).get(`/api/gaps/flags/${flagId}`).set(commB.headers).expect(404);
    await request(t.app)
      .patch(`/api/gaps/flags/${flagId}`)
      .set(commB.headers)
      .send({ status: 'dismissed' })
      .expect(404);
    await request(t.app)
      .post(`/api/gaps/flags/${flagId}/comments`)
      .set(commB.headers)
      .send({ body: 'mine now' })
      .expect(404);
    await request(t.app).get('/api/gaps/flags?icb=QAA').set(commB.headers).expect(403);
    const own = await request(t.app).get('/api/gaps/flags').set(commB.headers).expect(200);
    expect(own.body.flags).toEqual([]);
    await request(t.app)
      .post('/api/gaps/flags')
      .set(commB.headers)
      .send({ pcnCode: 'U10001', reason: 'Not my ICB' })
      .expect(403);
    expect(await gapState(t.database.db)).toEqual(before);
  });

  it('when other roles or nobody ask, then they are refused and nothing changes', async () => {
    const before = await gapState(t.database.db);
    for (const role of ['link_worker', 'vcse_editor'] as const) {
      const { headers } = await signedInAs(t.database.db, {
        role,
        pcnCode: role === 'link_worker' ? 'U10001' : undefined,
      });
      await request(t.app).get('/api/gaps/flags').set(headers).expect(403);
      await request(t.app).post('/api/gaps/flags').set(headers).send({ pcnCode: 'U10001', reason: 'x' }).expect(403);
      await request(t.app).patch(`/api/gaps/flags/${flagId}`).set(headers).send({ status: 'resolved' }).expect(403);
      await request(t.app).get('/api/gaps/suggestions').set(headers).expect(403);
    }
    await request(t.app).get('/api/gaps/flags').expect(401);
    await request(t.app).get(`/api/gaps/flags/${flagId}`).expect(401);
    // A commissioner account not linked to an ICB can do nothing either.
    const unlinked = await signedInAs(t.database.db, { role: 'icb_commissioner' });
    await request(t.app).get('/api/gaps/flags').set(unlinked.headers).expect(403);
    await request(t.app)
      .post('/api/gaps/flags')
      .set(unlinked.headers)
      .send({ pcnCode: 'U10001', reason: 'x' })
      .expect(403);
    const after = await gapState(t.database.db);
    expect(after.gap_flags).toEqual(before.gap_flags);
    expect(after.gap_flag_events).toEqual(before.gap_flag_events);
  });

  it('when the body is bad, then 400 names the field and nothing is written', async () => {
    const before = await gapState(t.database.db);
    const cases: [Record<string, unknown>, string][] = [
      [{ pcnCode: 'U10001' }, 'reason'],
      [{ pcnCode: 'U10001', reason: '  ' }, 'reason'],
      [{ pcnCode: 'nope', reason: 'x' }, 'pcnCode'],
      [{ pcnCode: 'U99999', reason: 'x' }, 'pcnCode'],
      [{ pcnCode: 'U10001', reason: 'x', category: 'no_such' }, 'category'],
      [{ pcnCode: 'U10001', reason: 'x'.repeat(501) }, 'reason'],
    ];
    for (const [body, field] of cases) {
      const res = await request(t.app).post('/api/gaps/flags').set(commA.headers).send(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await gapState(t.database.db)).toEqual(before);
  });

  it('when the status moves open → in progress → resolved, then each step is in the history and audited', async () => {
    await request(t.app)
      .patch(`/api/gaps/flags/${flagId}`)
      .set(commA.headers)
      .send({ status: 'in_progress', ownerId: commA2.user.id })
      .expect(200);
    await request(t.app)
      .post(`/api/gaps/flags/${flagId}/comments`)
      .set(commA2.headers)
      .send({ body: 'Talking to the food bank network' })
      .expect(201);
    const res = await request(t.app)
      .patch(`/api/gaps/flags/${flagId}`)
      .set(commA2.headers)
      .send({ status: 'resolved' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'resolved', owner: { id: commA2.user.id } });
    expect(
      res.body.history.map((h: { kind: string; from: string | null; to: string | null }) => [h.kind, h.from, h.to]),
    ).toEqual([
      ['created', null, 'open'],
      ['status', 'open', 'in_progress'],
      ['owner', null, commA2.user.id],
      ['comment', null, null],
      ['status', 'in_progress', 'resolved'],
    ]);
    const audit = await query<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity_type = 'gap_flag' and entity_id = ${flagId} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'gap_flag.create',
      'gap_flag.update',
      'gap_flag.comment',
      'gap_flag.update',
    ]);
  });

  it('when a transition is not allowed or the owner is out of scope, then 400 names the field and nothing changes', async () => {
    const before = await gapState(t.database.db);
    const bad = await request(t.app)
      .patch(`/api/gaps/flags/${flagId}`)
      .set(commA.headers)
      .send({ status: 'in_progress' })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'status' });
    expect(bad.body.errors[0].message).toMatch(/resolved to in_progress/);
    const owner = await request(t.app)
      .patch(`/api/gaps/flags/${flagId}`)
      .set(commA.headers)
      .send({ status: 'open', ownerId: commB.user.id })
      .expect(400);
    expect(owner.body.errors[0].field).toBe('ownerId');
    const unknown = await request(t.app)
      .patch(`/api/gaps/flags/${flagId}`)
      .set(commA.headers)
      .send({ status: 'closed' })
      .expect(400);
    expect(unknown.body.errors[0].field).toBe('status');
    await request(t.app).patch(`/api/gaps/flags/${flagId}`).set(commA.headers).send({}).expect(400);
    const badId = await request(t.app).patch('/api/gaps/flags/not-a-uuid').set(commA.headers).send({}).expect(400);
    expect(badId.body.errors[0].field).toBe('id');
    expect(await gapState(t.database.db)).toEqual(before);
  });

  it('when an admin lists flags, then they see every ICB; filters apply', async () => {
    const res = await request(t.app).get('/api/gaps/flags?status=resolved').set(admin.headers).expect(200);
    expect(res.body.flags.map((f: { id: string }) => f.id)).toEqual([flagId]);
    const none = await request(t.app).get('/api/gaps/flags?icb=QBB').set(admin.headers).expect(200);
    expect(none.body.flags).toEqual([]);
  });
});

describe('suggested flags', () => {
  it('when listed, accepted, reopened and dismissed, then each step is recorded and the list follows', async () => {
    const db = t.database.db;
    const { headers, user } = await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QAA' });
    const e = expectedScores();
    // QAA has two scored PCNs: the top decile is ceil(2 / 10) = 1 PCN, the wider gap. QBB has none scored.
    const top = e.gap.U10001! > e.gap.U10002! ? 'U10001' : 'U10002';
    const list = await request(t.app).get('/api/gaps/suggestions').set(headers).expect(200);
    expect(list.body.suggestions.map((s: { pcnCode: string }) => s.pcnCode)).toEqual([top]);
    expect(list.body.suggestions[0].gapScore).toBeCloseTo(e.gap[top]!, 9);
    const accepted = await request(t.app).post(`/api/gaps/suggestions/${top}/accept`).set(headers).send({}).expect(201);
    expect(accepted.body).toMatchObject({ pcnCode: top, origin: 'suggestion', status: 'open' });
    expect((await request(t.app).get('/api/gaps/suggestions').set(headers).expect(200)).body.suggestions).toEqual([]);
    // Resolved: no open flag, so it is suggested again; dismissing needs a reason and is recorded.
    await request(t.app)
      .patch(`/api/gaps/flags/${accepted.body.id}`)
      .set(headers)
      .send({ status: 'resolved' })
      .expect(200);
    const noReason = await request(t.app)
      .post(`/api/gaps/suggestions/${top}/dismiss`)
      .set(headers)
      .send({})
      .expect(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    await request(t.app)
      .post(`/api/gaps/suggestions/${top}/dismiss`)
      .set(headers)
      .send({ reason: 'New social prescribing hub opened in March' })
      .expect(201);
    const [dismissal] = await query<{ reason: string; dismissed_by: string }>(
      db,
      sql`select reason, dismissed_by from gap_suggestion_dismissals where pcn_code = ${top}`,
    );
    expect(dismissal).toEqual({ reason: 'New social prescribing hub opened in March', dismissed_by: user.id });
    const audit = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from audit_log where action = 'gap_suggestion.dismiss' and actor_user_id = ${user.id}`,
    );
    expect(audit[0]!.n).toBe(1);
    expect((await request(t.app).get('/api/gaps/suggestions').set(headers).expect(200)).body.suggestions).toEqual([]);
    await request(t.app).post(`/api/gaps/suggestions/${top}/accept`).set(headers).send({}).expect(409);
  });

  it("when another ICB's commissioner acts on a suggestion, then 404 and nothing changes", async () => {
    const { headers } = await signedInAs(t.database.db, { role: 'icb_commissioner', icbCode: 'QBB' });
    const before = await gapState(t.database.db);
    await request(t.app).post('/api/gaps/suggestions/U10002/dismiss').set(headers).send({ reason: 'x' }).expect(404);
    await request(t.app).post('/api/gaps/suggestions/U10002/accept').set(headers).send({}).expect(404);
    await request(t.app).get('/api/gaps/suggestions?icb=QAA').set(headers).expect(403);
    expect(await gapState(t.database.db)).toEqual(before);
  });
});

describe('demand signals', () => {
  it('when link workers record referrals and unmet need, then each PCN shows its recent ones per 10,000', async () => {
    const db = t.database.db;
    const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();
    for (const at of [daysAgo(1), daysAgo(10), daysAgo(80), daysAgo(100)]) {
      await db.execute(
        sql`insert into referrals (service_id, pcn_code, recorded_at) values (${serviceIds.S1}, 'U10001', ${at}::timestamptz)`,
      );
    }
    for (const reason of ['all_full', 'language']) {
      await db.execute(sql`insert into unmet_needs (reason, pcn_code) values (${reason}, 'U10002')`);
    }
    const rows = byCode((await request(t.app).get('/api/gaps/pcns?icb=QAA').expect(200)).body.rows);
    const u1 = rows.U10001!;
    const u2 = rows.U10002!;
    expect(u1.population).toBeGreaterThan(0);
    // Three within the last 90 days; the one 100 days ago is outside the window.
    expect(u1.demand.referralsPer10k).toBeCloseTo((3 / u1.population!) * 10_000, 9);
    expect(u1.demand.unmetNeedPer10k).toBe(0);
    expect(u2.demand.referralsPer10k).toBe(0);
    expect(u2.demand.unmetNeedPer10k).toBeCloseTo((2 / u2.population!) * 10_000, 9);
  });
});

describe('GET /api/gaps/pcns/:code — unmet-need reasons', () => {
  it("when the PCN's link workers record nothing suitable, then the profile counts the last 90 days by reason with labels", async () => {
    const db = t.database.db;
    const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();
    const { headers } = await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QAA' });
    const profile = (h: Record<string, string> = {}) => request(t.app).get('/api/gaps/pcns/U10001').set(h).expect(200);
    const before = (await profile(headers)).body.unmetNeedReasons;
    expect(before).toEqual({ period: 'last 90 days', reasons: [] });
    const records: [string, string, number][] = [
      ['U10001', 'all_full', 1],
      ['U10001', 'all_full', 30],
      ['U10001', 'language', 5],
      ['U10001', 'cost', 89],
      ['U10001', 'cost', 120], // outside the window
      ['U10003', 'other', 2], // another PCN
    ];
    for (const [pcn, reason, days] of records) {
      await db.execute(
        sql`insert into unmet_needs (reason, pcn_code, recorded_at) values (${reason}, ${pcn}, ${daysAgo(days)}::timestamptz)`,
      );
    }
    const res = await profile(headers);
    // Hand count: all_full 2; cost 1 (the 120-day one is out); language 1; ties in label order.
    expect(res.body.unmetNeedReasons).toEqual({
      period: 'last 90 days',
      reasons: [
        { reason: 'all_full', label: 'Suitable services are all full', count: 2 },
        { reason: 'cost', label: 'Cost is a barrier', count: 1 },
        { reason: 'language', label: 'Not available in a language the person speaks', count: 1 },
      ],
    });
    // Like the demand summary: only the PCN's ICB commissioners and admins see the reasons.
    expect((await profile()).body.unmetNeedReasons).toBeNull();
    const other = await signedInAs(db, { role: 'icb_commissioner', icbCode: 'QBB' });
    expect((await profile(other.headers)).body.unmetNeedReasons).toBeNull();
    const worker = await signedInAs(db, { role: 'link_worker', pcnCode: 'U10001' });
    expect((await profile(worker.headers)).body.unmetNeedReasons).toBeNull();
    const admin = await signedInAs(db, { role: 'admin' });
    expect((await profile(admin.headers)).body.unmetNeedReasons?.reasons).toHaveLength(3);
  });
});

describe('GET /api/gaps/pcns/:code — capacity trend', () => {
  it('when reachable services changed status, then each of the last 8 week ends counts their latest status', async () => {
    const db = t.database.db;
    const daysAgo = (d: number) => new Date(Date.now() - d * DAY).toISOString();
    const history: [string, string, number][] = [
      ['S3', 'waitlist', 20],
      ['S3', 'limited', 3],
      ['S4', 'not_accepting', 10],
      ['S1', 'accepting', 30], // U10001's service: not reachable from U10002
    ];
    for (const [key, status, days] of history) {
      await db.execute(
        sql`insert into capacity_history (service_id, kind, status, via, version, recorded_at)
            values (${serviceIds[key]}, 'set', ${status}, 'editor', 1, ${daysAgo(days)}::timestamptz)`,
      );
    }
    const res = await request(t.app).get('/api/gaps/pcns/U10002').expect(200);
    const zero = { accepting: 0, limited: 0, waitlist: 0, not_accepting: 0, unknown: 0 };
    // Hand count over U10002's in-person services S3 and S4; week ends are now, 7, 14, … 49 days ago (oldest first).
    const expected = [
      ...[49, 42, 35, 28, 21].map((d) => ({ weekEnding: daysAgo(d).slice(0, 10), ...zero, unknown: 2 })),
      { weekEnding: daysAgo(14).slice(0, 10), ...zero, waitlist: 1, unknown: 1 },
      { weekEnding: daysAgo(7).slice(0, 10), ...zero, waitlist: 1, not_accepting: 1 },
      { weekEnding: daysAgo(0).slice(0, 10), ...zero, limited: 1, not_accepting: 1 },
    ];
    expect(res.body.capacityTrend).toEqual({ weeks: expected });
  });
});
