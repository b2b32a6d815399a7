import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { ICB_A, ICB_B, createOrganization, createService, seedGeography } from '../helpers/directory';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../helpers/smtp';
import { query, schema, type Db } from '../../server/db';
import { signCapacityLink } from '../../server/features/directory';
import { referralPressure, PRESSURE_FULL_THRESHOLD } from '../../server/features/demand';

const BASE = 'https://signpost.test';
const DAY = 86_400_000;
const PCN_A = 'U10001';
const PCN_B = 'U20001';

let t: TestApp;
let db: Db;
let smtp: SmtpCapture;
let orgId: string;
let editor: { headers: AuthHeaders };
let workerA: { user: { id: string; email: string }; headers: AuthHeaders };
let workerB: { user: { id: string; email: string }; headers: AuthHeaders };
let admin: { headers: AuthHeaders };
let commissionerA: { headers: AuthHeaders };

beforeAll(async () => {
  smtp = await startSmtpCapture();
  t = await buildTestApp({ SMTP_URL: smtp.url, PUBLIC_BASE_URL: BASE });
  db = t.database.db;
  await seedGeography(db);
  orgId = (await createOrganization(db)).id;
  editor = await signedInAs(db, { role: 'vcse_editor', organizationIds: [orgId] });
  workerA = await signedInAs(db, { role: 'link_worker', pcnCode: PCN_A });
  workerB = await signedInAs(db, { role: 'link_worker', pcnCode: PCN_B });
  admin = await signedInAs(db, { role: 'admin' });
  commissionerA = await signedInAs(db, { role: 'icb_commissioner', icbCode: ICB_A });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

let counter = 0;
/** A service of the test organisation with the given taxonomy codes. */
async function service(overrides: Partial<typeof schema.services.$inferInsert> = {}, codes = ['physical_activity']) {
  counter += 1;
  const s = await createService(db, orgId, { name: `Demand service ${counter}`, ...overrides });
  for (const code of codes) {
    await db.execute(
      sql`insert into service_taxonomy (service_id, taxonomy_term_id) select ${s.id}, id from taxonomy_terms where code = ${code}`,
    );
  }
  return s;
}

const count = async (table: 'referrals' | 'unmet_needs' | 'reopen_subscriptions') =>
  (await query<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
const referralsOf = (serviceId: string) =>
  db.select().from(schema.referrals).where(eq(schema.referrals.serviceId, serviceId));
const subscriptionsOf = (serviceId: string) =>
  db.select().from(schema.reopenSubscriptions).where(eq(schema.reopenSubscriptions.serviceId, serviceId));
/** Inserts a referral directly (arrange step), `daysAgo` days ago. */
const pastReferral = (serviceId: string, daysAgo: number, pcnCode = PCN_A) =>
  db.insert(schema.referrals).values({ serviceId, pcnCode, recordedAt: new Date(Date.now() - daysAgo * DAY) });
const fieldsOf = (res: request.Response) => (res.body.errors as { field: string }[]).map((e) => e.field);

describe('referrals', () => {
  it('when a link worker records a referral, then the service, their PCN, its categories and the time are stored and nothing else', async () => {
    const s = await service({}, ['physical_activity', 'nature_and_green_space']);
    const before = Date.now();
    const res = await request(t.app).post(`/api/services/${s.id}/referrals`).set(workerA.headers).send({}).expect(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      serviceId: s.id,
      pcnCode: PCN_A,
      categoryCodes: ['nature_and_green_space', 'physical_activity'],
      recordedAt: expect.any(String),
      duplicate: false,
    });
    const rows = await query<Record<string, unknown>>(db, sql`select * from referrals where service_id = ${s.id}`);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['category_codes', 'id', 'pcn_code', 'recorded_at', 'recorded_by', 'service_id'].sort(),
    );
    expect(new Date(rows[0]!.recorded_at as string).getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('when the same link worker clicks twice within a minute, then the first record is returned and only one is stored', async () => {
    const s = await service();
    const first = await request(t.app).post(`/api/services/${s.id}/referrals`).set(workerA.headers).expect(201);
    const second = await request(t.app).post(`/api/services/${s.id}/referrals`).set(workerA.headers).expect(200);
    expect(second.body).toMatchObject({ id: first.body.id, duplicate: true });
    // Another link worker's referral is a new one.
    await request(t.app).post(`/api/services/${s.id}/referrals`).set(workerB.headers).expect(201);
    const rows = await referralsOf(s.id);
    expect(rows.map((r) => r.pcnCode).sort()).toEqual([PCN_A, PCN_B]);
  });

  it('when anyone but a link worker with a PCN records a referral, then 401/403 and nothing is written', async () => {
    const s = await service();
    const noPcn = await signedInAs(db, { role: 'link_worker' });
    const before = await count('referrals');
    await request(t.app).post(`/api/services/${s.id}/referrals`).expect(401);
    for (const who of [editor, admin, commissionerA, noPcn]) {
      const res = await request(t.app).post(`/api/services/${s.id}/referrals`).set(who.headers).expect(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await count('referrals')).toBe(before);
  });

  it('when the body carries anything about the person, then 400 naming the field and nothing is written', async () => {
    const s = await service();
    const before = await count('referrals');
    const res = await request(t.app)
      .post(`/api/services/${s.id}/referrals`)
      .set(workerA.headers)
      .send({ patientName: 'Jane Doe', nhsNumber: '9434765919' })
      .expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(fieldsOf(res).sort()).toEqual(['nhsNumber', 'patientName']);
    expect(await count('referrals')).toBe(before);
  });

  it('when the service is unknown, removed, of an unapproved organisation or the id is not a UUID, then 404/400', async () => {
    const pending = await createOrganization(db, { status: 'pending' });
    const hidden = await createService(db, pending.id);
    const removed = await service({ status: 'defunct' });
    await request(t.app)
      .post(`/api/services/00000000-0000-4000-8000-000000000000/referrals`)
      .set(workerA.headers)
      .expect(404);
    await request(t.app).post(`/api/services/${hidden.id}/referrals`).set(workerA.headers).expect(404);
    await request(t.app).post(`/api/services/${removed.id}/referrals`).set(workerA.headers).expect(404);
    const bad = await request(t.app).post(`/api/services/nope/referrals`).set(workerA.headers).expect(400);
    expect(fieldsOf(bad)).toEqual(['id']);
  });
});

describe('unmet need', () => {
  it('when a link worker records unmet need with a full postcode, then only its district is stored with their PCN', async () => {
    const res = await request(t.app)
      .post('/api/unmet-needs')
      .set(workerA.headers)
      .send({ reason: 'all_full', category: ['mental_wellbeing', 'advice'], postcodeDistrict: 'm16 0ra' })
      .expect(201);
    expect(res.body).toMatchObject({
      reason: 'all_full',
      categoryCodes: ['advice', 'mental_wellbeing'],
      postcodeDistrict: 'M16',
      pcnCode: PCN_A,
      duplicate: false,
    });
    const [row] = await db.select().from(schema.unmetNeeds).where(eq(schema.unmetNeeds.id, res.body.id));
    expect(row).toMatchObject({ postcodeDistrict: 'M16', pcnCode: PCN_A, reason: 'all_full' });
    expect(JSON.stringify(row)).not.toMatch(/0RA/i);
    // The same record again within a minute returns the first.
    const again = await request(t.app)
      .post('/api/unmet-needs')
      .set(workerA.headers)
      .send({ reason: 'all_full', category: ['advice', 'mental_wellbeing'], postcodeDistrict: 'M16' })
      .expect(200);
    expect(again.body).toMatchObject({ id: res.body.id, duplicate: true });
  });

  it('when there is no category or district, then it is still recorded', async () => {
    const res = await request(t.app)
      .post('/api/unmet-needs')
      .set(workerB.headers)
      .send({ reason: 'language' })
      .expect(201);
    expect(res.body).toMatchObject({ categoryCodes: [], postcodeDistrict: null, pcnCode: PCN_B });
  });

  it.each([
    [{ reason: 'bored' }, 'reason'],
    [{}, 'reason'],
    [{ reason: 'cost', category: ['no_such_thing'] }, 'category.0'],
    [{ reason: 'cost', category: ['advice', 'Not A Code!'] }, 'category.1'],
    [{ reason: 'cost', category: 'advice' }, 'category'],
    [{ reason: 'cost', postcodeDistrict: 'London' }, 'postcodeDistrict'],
    [{ reason: 'cost', postcodeDistrict: 12 }, 'postcodeDistrict'],
    [{ reason: 'other', detail: 'Mrs Smith at 4 Acacia Avenue' }, 'detail'],
    [{ reason: 'other', nhsNumber: '9434765919' }, 'nhsNumber'],
    [{ reason: 'other', dateOfBirth: '1950-01-01' }, 'dateOfBirth'],
  ])('when the body is %j, then 400 naming %s and nothing is written', async (body, field) => {
    const before = await count('unmet_needs');
    const res = await request(t.app).post('/api/unmet-needs').set(workerA.headers).send(body).expect(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fieldsOf(res)).toContain(field);
    expect(await count('unmet_needs')).toBe(before);
  });

  it('when any write path tries to store a full postcode or an unknown reason, then the database refuses it', async () => {
    const insert = (postcodeDistrict: string, reason = 'cost') =>
      db.insert(schema.unmetNeeds).values({ reason, postcodeDistrict, pcnCode: PCN_A });
    await expect(insert('M16 0RA')).rejects.toThrow();
    await expect(insert('M160RA')).rejects.toThrow();
    await expect(insert('M16', 'Jane Doe is lonely')).rejects.toThrow();
    await insert('M16');
    const columns = await query<{ column_name: string }>(
      db,
      sql`select column_name from information_schema.columns where table_name = 'unmet_needs' order by 1`,
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      'category_codes',
      'id',
      'pcn_code',
      'postcode_district',
      'reason',
      'recorded_at',
      'recorded_by',
    ]);
  });

  it('when anyone but a link worker records unmet need, then 401/403 and nothing is written', async () => {
    const before = await count('unmet_needs');
    await request(t.app).post('/api/unmet-needs').send({ reason: 'cost' }).expect(401);
    for (const who of [editor, admin, commissionerA]) {
      await request(t.app).post('/api/unmet-needs').set(who.headers).send({ reason: 'cost' }).expect(403);
    }
    expect(await count('unmet_needs')).toBe(before);
  });
});

describe('referral pressure', () => {
  it('when referrals in the last 28 days exceed the declared places, then the service shows high demand to everyone and on its organisation page', async () => {
    const s = await service({ capacityStatus: 'limited', capacityPlaces: 2 });
    await pastReferral(s.id, 40); // outside the window: never counts
    await pastReferral(s.id, 40);
    await pastReferral(s.id, 3);
    await request(t.app).post(`/api/services/${s.id}/referrals`).set(workerA.headers).expect(201);
    expect((await request(t.app).get(`/api/services/${s.id}`).expect(200)).body.pressure).toBeNull();
    expect((await referralPressure(db, [s.id])).has(s.id)).toBe(false);

    await request(t.app).post(`/api/services/${s.id}/referrals`).set(workerB.headers).expect(201);
    expect((await request(t.app).get(`/api/services/${s.id}`).expect(200)).body.pressure).toBe('high');
    expect((await referralPressure(db, [s.id])).get(s.id)).toBe('high');

    const mine = await request(t.app).get('/api/my/organizations').set(editor.headers).expect(200);
    const summary = mine.body.organizations[0].services.find((x: { id: string }) => x.id === s.id);
    expect(summary.pressure).toBe('high');
    const org = await request(t.app).get(`/api/organizations/${orgId}`).expect(200);
    expect(org.body.services.find((x: { id: string }) => x.id === s.id).pressure).toBe('high');
  });

  it('when session places are the only declared capacity, then they are the limit', async () => {
    const s = await service({ capacityPlaces: null, capacitySessionPlaces: 1 });
    await pastReferral(s.id, 1);
    expect((await referralPressure(db, [s.id])).size).toBe(0);
    await pastReferral(s.id, 2);
    expect((await referralPressure(db, [s.id])).get(s.id)).toBe('high');
  });

  it('when a waitlist service with no places gets the threshold of referrals, then it is high; an accepting one without places never is', async () => {
    const waitlist = await service({ capacityStatus: 'waitlist', capacityPlaces: null });
    const open = await service({ capacityStatus: 'accepting', capacityPlaces: null });
    for (let i = 0; i < PRESSURE_FULL_THRESHOLD - 1; i += 1) {
      await pastReferral(waitlist.id, 1);
      await pastReferral(open.id, 1);
    }
    expect((await referralPressure(db, [waitlist.id, open.id])).size).toBe(0);
    for (let i = 0; i < 10; i += 1) await pastReferral(open.id, 1);
    await pastReferral(waitlist.id, 1);
    const pressure = await referralPressure(db, [waitlist.id, open.id]);
    expect([...pressure.entries()]).toEqual([[waitlist.id, 'high']]);
    expect((await referralPressure(db, [])).size).toBe(0);
  });
});

describe('demand summary', () => {
  let from: string;
  beforeAll(async () => {
    // A clean slate for exact counts: the summary covers only rows from this block (a later date range).
    await db.execute(sql`delete from referrals`);
    await db.execute(sql`delete from unmet_needs`);
    from = new Date().toISOString().slice(0, 10);
    const walk = await service({}, ['physical_activity']);
    const debt = await service({}, ['advice', 'mental_wellbeing']);
    const workerA2 = await signedInAs(db, { role: 'link_worker', pcnCode: PCN_A });
    await request(t.app).post(`/api/services/${walk.id}/referrals`).set(workerA.headers).expect(201);
    await request(t.app).post(`/api/services/${walk.id}/referrals`).set(workerA2.headers).expect(201);
    await request(t.app).post(`/api/services/${debt.id}/referrals`).set(workerB.headers).expect(201);
    await request(t.app)
      .post('/api/unmet-needs')
      .set(workerA.headers)
      .send({ reason: 'all_full', category: ['advice'], postcodeDistrict: 'M13' })
      .expect(201);
    await request(t.app)
      .post('/api/unmet-needs')
      .set(workerB.headers)
      .send({ reason: 'cost', category: ['advice'] })
      .expect(201);
    await request(t.app).post('/api/unmet-needs').set(workerB.headers).send({ reason: 'all_full' }).expect(201);
    // Last year: outside any range that starts today.
    await pastReferral(walk.id, 400);
  });

  it('when an admin groups by PCN, then referrals and unmet needs are counted per PCN', async () => {
    const res = await request(t.app).get(`/api/demand/summary?groupBy=pcn&from=${from}`).set(admin.headers).expect(200);
    expect(res.body).toMatchObject({ groupBy: 'pcn', icb: null, from, totals: { referrals: 3, unmetNeeds: 3 } });
    expect(res.body.rows).toEqual([
      { key: PCN_A, label: `PCN ${PCN_A}`, referrals: 2, unmetNeeds: 1 },
      { key: PCN_B, label: `PCN ${PCN_B}`, referrals: 1, unmetNeeds: 2 },
    ]);
  });

  it('when an admin groups by category and by reason, then each category and reason is counted', async () => {
    const byCategory = await request(t.app)
      .get(`/api/demand/summary?groupBy=category&from=${from}`)
      .set(admin.headers)
      .expect(200);
    expect(byCategory.body.rows).toEqual([
      { key: 'advice', label: expect.any(String), referrals: 1, unmetNeeds: 2 },
      { key: 'mental_wellbeing', label: expect.any(String), referrals: 1, unmetNeeds: 0 },
      { key: 'physical_activity', label: 'Physical activity', referrals: 2, unmetNeeds: 0 },
    ]);
    const byReason = await request(t.app)
      .get(`/api/demand/summary?groupBy=reason&from=${from}`)
      .set(admin.headers)
      .expect(200);
    expect(byReason.body.rows).toEqual([
      { key: 'all_full', label: 'Suitable services are all full', referrals: 0, unmetNeeds: 2 },
      { key: 'cost', label: 'Cost is a barrier', referrals: 0, unmetNeeds: 1 },
    ]);
    const withLastYear = await request(t.app).get('/api/demand/summary?from=2000-01-01').set(admin.headers).expect(200);
    expect(withLastYear.body.totals).toEqual({ referrals: 4, unmetNeeds: 3 });
  });

  it('when a commissioner asks, then they see only their own ICB', async () => {
    const res = await request(t.app)
      .get(`/api/demand/summary?groupBy=reason&from=${from}`)
      .set(commissionerA.headers)
      .expect(200);
    expect(res.body).toMatchObject({ icb: ICB_A, totals: { referrals: 2, unmetNeeds: 1 } });
    expect(res.body.rows).toEqual([{ key: 'all_full', label: expect.any(String), referrals: 0, unmetNeeds: 1 }]);
    const byPcn = await request(t.app)
      .get(`/api/demand/summary?icb=${ICB_A.toLowerCase()}&from=${from}`)
      .set(commissionerA.headers)
      .expect(200);
    expect(byPcn.body.rows.map((r: { key: string }) => r.key)).toEqual([PCN_A]);
    await request(t.app).get(`/api/demand/summary?icb=${ICB_B}`).set(commissionerA.headers).expect(403);
    await request(t.app).get(`/api/demand/summary?pcn=${PCN_B}`).set(commissionerA.headers).expect(403);
    const adminB = await request(t.app)
      .get(`/api/demand/summary?icb=${ICB_B}&from=${from}`)
      .set(admin.headers)
      .expect(200);
    expect(adminB.body.totals).toEqual({ referrals: 1, unmetNeeds: 2 });
    const byOns = await request(t.app)
      .get(`/api/demand/summary?icb=E54000902&from=${from}`)
      .set(admin.headers)
      .expect(200);
    expect(byOns.body).toMatchObject({ icb: ICB_B, totals: { referrals: 1, unmetNeeds: 2 } });
    const onePcn = await request(t.app)
      .get(`/api/demand/summary?pcn=${PCN_B}&from=${from}`)
      .set(admin.headers)
      .expect(200);
    expect(onePcn.body.totals).toEqual({ referrals: 1, unmetNeeds: 2 });
  });

  it('when anyone else asks, then 401/403', async () => {
    await request(t.app).get('/api/demand/summary').expect(401);
    for (const who of [editor, workerA]) await request(t.app).get('/api/demand/summary').set(who.headers).expect(403);
    const noIcb = await signedInAs(db, { role: 'icb_commissioner' });
    await request(t.app).get('/api/demand/summary').set(noIcb.headers).expect(403);
  });

  it.each([
    ['groupBy=place', 'groupBy'],
    ['from=2026-13-01', 'from'],
    ['from=yesterday', 'from'],
    ['to=2026-02-30', 'to'],
    ['from=2026-05-01&to=2026-04-01', 'to'],
    ['icb=nowhere', 'icb'],
    ['icb=QZZ', 'icb'],
    ['pcn=X1', 'pcn'],
    ['pcn=U99999', 'pcn'],
  ])('when the query is %s, then 400 naming %s', async (qs, field) => {
    const res = await request(t.app).get(`/api/demand/summary?${qs}`).set(admin.headers).expect(400);
    expect(fieldsOf(res)).toContain(field);
  });
});

describe('tell me when it reopens', () => {
  const mailTo = (email: string, serviceName: string) => (m: CapturedMail) =>
    m.to.includes(email) && m.subject.includes(serviceName);
  const putCapacity = async (id: string, status: string) => {
    const current = await request(t.app).get(`/api/services/${id}`).expect(200);
    return request(t.app)
      .put(`/api/services/${id}/capacity`)
      .set(editor.headers)
      .set('If-Match', current.headers.etag!)
      .send({ status })
      .expect(200);
  };

  it('when a subscribed service returns to accepting through the editor, then each subscriber gets exactly one email', async () => {
    const s = await service({ capacityStatus: 'not_accepting', capacityPlaces: null });
    const other = await service({ capacityStatus: 'waitlist', capacityPlaces: null });
    const created = await request(t.app)
      .post(`/api/services/${s.id}/reopen-subscription`)
      .set(workerA.headers)
      .expect(201);
    expect(created.body).toMatchObject({ serviceId: s.id, subscribed: true });
    await request(t.app).post(`/api/services/${s.id}/reopen-subscription`).set(workerA.headers).expect(200);
    await request(t.app).post(`/api/services/${s.id}/reopen-subscription`).set(workerB.headers).expect(201);
    await request(t.app).post(`/api/services/${other.id}/reopen-subscription`).set(workerA.headers).expect(201);
    expect((await subscriptionsOf(s.id)).length).toBe(2);
    const got = await request(t.app).get(`/api/services/${s.id}/reopen-subscription`).set(workerA.headers).expect(200);
    expect(got.body.subscribed).toBe(true);

    // Waitlist is still closed: nothing is sent.
    await putCapacity(s.id, 'waitlist');
    expect(smtp.messages.filter((m) => m.subject.includes(s.name))).toHaveLength(0);

    await putCapacity(s.id, 'limited');
    const mailA = await smtp.waitFor(mailTo(workerA.user.email, s.name));
    await smtp.waitFor(mailTo(workerB.user.email, s.name));
    expect(mailA.subject).toBe(`${s.name} is taking referrals again`);
    expect(mailA.text).toContain(`${BASE}/services/${s.id}`);
    const subs = await subscriptionsOf(s.id);
    expect(subs.every((x) => x.notifiedAt !== null && x.reopenedAt !== null)).toBe(true);
    const recorded = await db.select().from(schema.outboundEmails).where(eq(schema.outboundEmails.to, mailA.to[0]!));
    expect(recorded.filter((r) => r.subject.includes(s.name) && r.status === 'sent')).toHaveLength(1);

    // Closing and reopening again sends nothing more; the other service's subscriber heard nothing.
    await putCapacity(s.id, 'not_accepting');
    await putCapacity(s.id, 'accepting');
    await request(t.app)
      .get(`/api/services/${s.id}/reopen-subscription`)
      .set(workerA.headers)
      .expect(200)
      .expect((r) => expect(r.body.subscribed).toBe(false));
    expect(smtp.messages.filter((m) => m.subject.includes(s.name))).toHaveLength(2);
    expect(smtp.messages.filter((m) => m.subject.includes(other.name))).toHaveLength(0);
    expect((await subscriptionsOf(other.id))[0]).toMatchObject({ reopenedAt: null, notifiedAt: null });
  });

  it('when a subscribed service reopens through the one-tap capacity link, then the subscriber gets one email', async () => {
    const s = await service({ capacityStatus: 'waitlist', capacityPlaces: null });
    await request(t.app).post(`/api/services/${s.id}/reopen-subscription`).set(workerB.headers).expect(201);
    const token = signCapacityLink({ secret: t.config.sessionSecret, serviceId: s.id, action: 'accepting' });
    await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(200);
    const mail = await smtp.waitFor(mailTo(workerB.user.email, s.name));
    expect(mail.text).toContain('is accepting referrals again');
    // Applying the same link again (a confirm) sends nothing more.
    await request(t.app).post(`/api/capacity-links/${token}/apply`).expect(200);
    expect(smtp.messages.filter((m) => m.subject.includes(s.name))).toHaveLength(1);
    expect((await subscriptionsOf(s.id))[0]!.notifiedAt).not.toBeNull();
  });

  it('when a link worker unsubscribes, then no email is sent when it reopens', async () => {
    const s = await service({ capacityStatus: 'not_accepting', capacityPlaces: null });
    await request(t.app).post(`/api/services/${s.id}/reopen-subscription`).set(workerA.headers).expect(201);
    await request(t.app).delete(`/api/services/${s.id}/reopen-subscription`).set(workerA.headers).expect(204);
    await request(t.app).delete(`/api/services/${s.id}/reopen-subscription`).set(workerA.headers).expect(204);
    expect(await subscriptionsOf(s.id)).toHaveLength(0);
    await putCapacity(s.id, 'accepting');
    expect(smtp.messages.filter((m) => m.subject.includes(s.name))).toHaveLength(0);
  });

  it('when the service is accepting, or the caller is not a link worker, then 409/401/403 and nothing is written', async () => {
    const open = await service({ capacityStatus: 'accepting' });
    const closed = await service({ capacityStatus: 'not_accepting' });
    const before = await count('reopen_subscriptions');
    const res = await request(t.app)
      .post(`/api/services/${open.id}/reopen-subscription`)
      .set(workerA.headers)
      .expect(409);
    expect(res.body.code).toBe('service_accepting');
    await request(t.app).post(`/api/services/${closed.id}/reopen-subscription`).expect(401);
    for (const who of [editor, admin, commissionerA]) {
      await request(t.app).post(`/api/services/${closed.id}/reopen-subscription`).set(who.headers).expect(403);
      await request(t.app).delete(`/api/services/${closed.id}/reopen-subscription`).set(who.headers).expect(403);
    }
    const extra = await request(t.app)
      .post(`/api/services/${closed.id}/reopen-subscription`)
      .set(workerA.headers)
      .send({ email: 'someone@example.org' })
      .expect(400);
    expect(extra.body.code).toBe('validation_failed');
    expect(await count('reopen_subscriptions')).toBe(before);
  });
});
