import request from 'supertest';
import { sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { query, schema } from '../../server/db';
import {
  clearDemo,
  DEMO_ACCOUNTS,
  DEMO_ICB,
  GM_DISTRICT,
  notAServiceReason,
  normalCase,
  seedDemo,
  TRAFFORD_PCNS,
} from '../../server/features/demo';
import { CAPACITY_STATUSES } from '../../shared/capacity';

const PASSWORD = 'demo password for tests';
const NOW = new Date('2026-12-07T12:00:00Z');
const DAY = 86_400_000;

// Each test loads the whole demo (about 900 services) once or twice.
jest.setTimeout(300_000);

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ RATE_LIMIT_AUTH_PER_MINUTE: '0' });
  // The reference rows the demo refers to (Greater Manchester ICB and Trafford's PCNs), as the real data has them.
  const db = t.database.db;
  await db.insert(schema.regions).values({ code: 'Y62', onsCode: 'E40000010', name: 'North West' });
  await db
    .insert(schema.icbs)
    .values({ code: DEMO_ICB.code, onsCode: 'E54000057', name: DEMO_ICB.name, regionCode: 'Y62' });
  await db
    .insert(schema.subIcbs)
    .values({ code: '02A', onsCode: 'E38000187', name: 'Trafford', icbCode: DEMO_ICB.code });
  await db
    .insert(schema.pcns)
    .values(
      Object.entries(TRAFFORD_PCNS).map(([code, name]) => ({ code, name, subIcbCode: '02A', icbCode: DEMO_ICB.code })),
    );
});
afterAll(() => t.close());

/** Everything that decides what the demo looks like, without ids or created-at clocks. */
async function snapshot() {
  const db = t.database.db;
  return {
    services: await query(
      db,
      sql`select o.name as org, o.source_ref, s.name, s.capacity_status, s.capacity_places, s.capacity_wait_days,
            s.capacity_confirmed_at, ST_AsText(l.geom) as at,
            (select count(*)::int from capacity_history h where h.service_id = s.id) as history
          from services s join organizations o on o.id = s.organization_id
          join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
          order by o.source_ref`,
    ),
    referrals: await query(
      db,
      sql`select o.source_ref, r.pcn_code, r.recorded_at from referrals r
          join services s on s.id = r.service_id join organizations o on o.id = s.organization_id
          order by r.recorded_at, o.source_ref, r.pcn_code`,
    ),
    unmet: await query(
      db,
      sql`select reason, category_codes, postcode_district, pcn_code, recorded_at from unmet_needs
          order by recorded_at, reason, postcode_district`,
    ),
    users: await query<{ email: string }>(db, sql`select email, role, pcn_code, icb_code from users order by email`),
  };
}

describe('seed:demo', () => {
  it('when run twice with the same seed and day, then the demo is the same and not duplicated, and every account can sign in', async () => {
    const first = await seedDemo({ db: t.database.db, password: PASSWORD, now: NOW });
    const before = await snapshot();
    const second = await seedDemo({ db: t.database.db, password: PASSWORD, now: NOW });
    const after = await snapshot();

    expect(second).toEqual(first);
    expect(after).toEqual(before);
    expect(after.users.map((u) => u.email)).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
    const [{ n } = { n: 0 }] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from organizations`,
    );
    expect(n).toBe(first.organizations);
    for (const account of DEMO_ACCOUNTS) {
      const res = await request(t.app).post('/api/auth/sign-in').send({ email: account.email, password: PASSWORD });
      expect([account.email, res.status, res.body.user?.role]).toEqual([account.email, 200, account.role]);
    }
  });

  it('when seeded, then every place and account is in Greater Manchester, every capacity status is present, and 90 days of referrals and unmet need shape the panels', async () => {
    const s = await seedDemo({ db: t.database.db, password: PASSWORD, now: NOW });
    const db = t.database.db;

    // Places: every demo location in a Greater Manchester postcode district and inside GM's bounding box.
    const places = await query<{ postcode: string; lat: number; lng: number }>(
      db,
      sql`select postcode, ST_Y(geom) as lat, ST_X(geom) as lng from locations`,
    );
    expect(places.length).toBe(s.services);
    expect(places.filter((p) => !GM_DISTRICT.test(p.postcode.split(' ')[0]!))).toEqual([]);
    expect(places.filter((p) => p.lat < 53.3 || p.lat > 53.7 || p.lng < -2.75 || p.lng > -1.9)).toEqual([]);
    // Accounts: the link worker in a Trafford PCN, the commissioner in the Greater Manchester ICB.
    const users = await db.select().from(schema.users);
    expect(users.find((u) => u.role === 'link_worker' && u.email === 'linkworker@signpost.example')?.pcnCode).toBe(
      'U66368',
    );
    expect(users.find((u) => u.role === 'icb_commissioner')?.icbCode).toBe('QOP');
    expect(users.every((u) => u.demo)).toBe(true);
    // The editor manages a real Trafford organisation.
    const [membership] = await query<{ name: string; postcode: string }>(
      db,
      sql`select o.name, l.postcode from memberships m join organizations o on o.id = m.organization_id
          join locations l on l.organization_id = o.id join users u on u.id = m.user_id where u.role = 'vcse_editor'`,
    );
    expect(membership?.name).toBe('Trafford Carers Centre');
    // Register entries that are not services are gone; names are in normal case.
    const names = (await db.select({ name: schema.organizations.name }).from(schema.organizations)).map((o) => o.name);
    expect(names.filter((n) => /\bPTA\b|parent teacher|surveyors|textiles? research/i.test(n))).toEqual([]);
    expect(names.filter((n) => n.length > 6 && n === n.toUpperCase() && /[A-Z]{4}/.test(n))).toEqual([]);
    // Capacity: every status, some never set, some not re-confirmed for over 14 days; 8+ weeks of history.
    const capacity = await query<{ status: string | null; stale: boolean; oldest: string }>(
      db,
      sql`select s.capacity_status as status, s.capacity_confirmed_at < ${new Date(NOW.getTime() - 14 * DAY).toISOString()}::timestamptz as stale,
            (select min(recorded_at) from capacity_history h where h.service_id = s.id)::text as oldest from services s`,
    );
    for (const status of CAPACITY_STATUSES)
      expect(capacity.filter((c) => c.status === status).length).toBeGreaterThan(20);
    expect(capacity.filter((c) => c.stale).length).toBeGreaterThan(20);
    expect(capacity.filter((c) => c.status && new Date(c.oldest) <= new Date(NOW.getTime() - 56 * DAY)).length).toBe(
      capacity.filter((c) => c.status).length,
    );
    const waits = await query<{ w: number }>(
      db,
      sql`select capacity_wait_days as w from services where capacity_status = 'waitlist'`,
    );
    expect(waits.every((w) => w.w >= 14 && w.w <= 84)).toBe(true);
    // Referrals and unmet need over 90 days, more in the last month than the first; high demand on some services.
    const [r] = await query<{ first: string; last: string; early: number; late: number }>(
      db,
      sql`select min(recorded_at)::text as first, max(recorded_at)::text as last,
            count(*) filter (where recorded_at < ${new Date(NOW.getTime() - 60 * DAY).toISOString()}::timestamptz)::int as early,
            count(*) filter (where recorded_at > ${new Date(NOW.getTime() - 30 * DAY).toISOString()}::timestamptz)::int as late
          from referrals`,
    );
    expect((NOW.getTime() - new Date(r!.first).getTime()) / DAY).toBeGreaterThan(85);
    expect((NOW.getTime() - new Date(r!.first).getTime()) / DAY).toBeLessThanOrEqual(91);
    expect(new Date(r!.last).getTime()).toBeLessThanOrEqual(NOW.getTime());
    expect(r!.late).toBeGreaterThan(r!.early);
    const pcns = await query<{ pcn_code: string }>(
      db,
      sql`select distinct pcn_code from referrals union select distinct pcn_code from unmet_needs`,
    );
    expect(pcns.every((p) => p.pcn_code in TRAFFORD_PCNS)).toBe(true);
    const [pressure] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from services s where
            (select count(*) from referrals r where r.service_id = s.id and r.recorded_at > ${new Date(NOW.getTime() - 28 * DAY).toISOString()}::timestamptz)
            > coalesce(s.capacity_places, 1000)`,
    );
    expect(pressure!.n).toBeGreaterThan(3);
    expect(s.unmetNeeds).toBeGreaterThan(60);
    // Concerns, funding ending within 90 days, and gap flags in the commissioner's ICB.
    expect(s.concerns).toBeGreaterThanOrEqual(3);
    const [funding] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from funding where ends_on between ${NOW.toISOString().slice(0, 10)}::date and ${new Date(NOW.getTime() + 90 * DAY).toISOString().slice(0, 10)}::date`,
    );
    expect(funding!.n).toBeGreaterThan(5);
    const flags = await db.select().from(schema.gapFlags);
    expect(flags.map((f) => f.icbCode)).toEqual(['QOP', 'QOP']);
  });

  it('when the demo is cleared, then exactly the demo goes: reference data and what a person added stay', async () => {
    const db = t.database.db;
    await seedDemo({ db, password: PASSWORD, now: NOW });
    // A person's own account, organisation, service, referral (to a demo service and to theirs) and gap flag.
    const [person] = await db
      .insert(schema.users)
      .values({ email: 'real@trafford.example', name: 'Real Person', role: 'link_worker', pcnCode: 'U66368' })
      .returning();
    const [org] = await db.insert(schema.organizations).values({ name: 'Real Group', status: 'approved' }).returning();
    const [service] = await db
      .insert(schema.services)
      .values({ organizationId: org!.id, name: 'Real Walk' })
      .returning();
    await db.insert(schema.referrals).values({ serviceId: service!.id, pcnCode: 'U66368', recordedBy: person!.id });
    await db.insert(schema.unmetNeeds).values({ reason: 'other', pcnCode: 'U66368', recordedBy: person!.id });
    await db
      .insert(schema.gapFlags)
      .values({ pcnCode: 'U66368', icbCode: 'QOP', reason: 'Real flag', createdBy: person!.id });

    const cleared = await clearDemo(db);

    expect(cleared.accounts).toBe(DEMO_ACCOUNTS.length);
    expect(cleared.organizations).toBeGreaterThan(500);
    expect((await db.select().from(schema.users)).map((u) => u.email)).toEqual(['real@trafford.example']);
    expect((await db.select().from(schema.organizations)).map((o) => o.name)).toEqual(['Real Group']);
    expect((await db.select().from(schema.services)).map((s) => s.name)).toEqual(['Real Walk']);
    expect(await db.select().from(schema.referrals)).toEqual([expect.objectContaining({ serviceId: service!.id })]);
    expect(await db.select().from(schema.unmetNeeds)).toEqual([expect.objectContaining({ recordedBy: person!.id })]);
    expect((await db.select().from(schema.gapFlags)).map((f) => f.reason)).toEqual(['Real flag']);
    expect(await db.select().from(schema.concerns)).toEqual([]);
    expect(await db.select().from(schema.capacityHistory)).toEqual([]);
    expect(await db.select().from(schema.funding)).toEqual([]);
    expect((await db.select().from(schema.pcns)).length).toBe(Object.keys(TRAFFORD_PCNS).length);
    const runs = await db.select().from(schema.demoRuns);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((r) => r.clearedAt !== null)).toBe(true);
  });
});

describe('demo naming and classification rules', () => {
  it.each([
    ['TRAFFORD CARERS CENTRE', 'Trafford Carers Centre'],
    ['AGE UK TRAFFORD', 'Age UK Trafford'],
    ['THE FRIENDS OF THE NHS AT WYTHENSHAWE', 'The Friends of the NHS at Wythenshawe'],
    ['SALE COMMUNITY CIC', 'Sale Community CIC'],
    ["ST. MARY'S OLDER PEOPLE'S CLUB", "St. Mary's Older People's Club"],
    ['1ST URMSTON SCOUT GROUP', '1st Urmston Scout Group'],
    ['MCDONALD HOUSE', 'McDonald House'],
    ['STRETFORD-END YOUTH (SEY)', 'Stretford-End Youth (Sey)'],
    ['Mood Swings Network', 'Mood Swings Network'],
  ])('when %p is put in normal case, then it reads %p', (register, expected) => {
    expect(normalCase(register)).toBe(expected);
  });

  it.each([
    ['HEYES LANE PRIMARY SCHOOL PTA', '', 'school parent-teacher association or school fund'],
    ['CHARTERED INSTITUTION OF CIVIL ENGINEERING SURVEYORS', '', 'professional, learned or trade body'],
    ['COTTON TEXTILES RESEARCH TRUST', '', 'research or medical fund'],
    ['THE ZOCHONIS CHARITABLE TRUST', '', 'grant-maker or fund that only holds money'],
    ['SMITH FAMILY TRUST', 'The charity makes grants to local causes.', 'grant-maker or fund that only holds money'],
    ['TRAFFORD CARERS CENTRE', 'Support, advice and breaks for unpaid carers.', undefined],
  ])('when %p with activities %p is classified, then the reason is %p', (name, activities, why) => {
    expect(notAServiceReason(name, activities)).toBe(why);
  });
});
