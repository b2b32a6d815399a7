import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { countRows, createOrganization, createService, seedGeography } from '../helpers/directory';
import { query, schema, type Db } from '../../server/db';

let t: TestApp;
let db: Db;
let orgId: string;
let editor: { user: { id: string }; headers: AuthHeaders };

beforeAll(async () => {
  t = await buildTestApp();
  db = t.database.db;
  await seedGeography(db);
  orgId = (await createOrganization(db)).id;
  editor = await signedInAs(db, { role: 'vcse_editor', organizationIds: [orgId] });
});
afterAll(() => t.close());

const historyOf = (serviceId: string) =>
  db.select().from(schema.capacityHistory).where(eq(schema.capacityHistory.serviceId, serviceId));
const serviceRow = async (id: string) =>
  (await db.select().from(schema.services).where(eq(schema.services.id, id)))[0]!;

describe('setting capacity', () => {
  it('when an editor sets capacity with the current ETag, then the service, its version and the history all change', async () => {
    const s = await createService(db, orgId);
    const res = await request(t.app)
      .put(`/api/services/${s.id}/capacity`)
      .set(editor.headers)
      .set('If-Match', `"${s.version}"`)
      .send({ status: 'waitlist', waitDays: 21, waitlistBand: '11-50', sessionPlaces: 0, note: 'Busy until spring' })
      .expect(200);
    expect(res.headers.etag).toBe(`"${s.version + 1}"`);
    expect(res.body).toMatchObject({
      status: 'waitlist',
      waitDays: 21,
      waitlistBand: '11-50',
      sessionPlaces: 0,
      places: null,
      note: 'Busy until spring',
      setBy: editor.user.id,
      freshness: 'confirmed',
      freshnessLabel: null,
      version: s.version + 1,
    });
    const row = await serviceRow(s.id);
    expect(row).toMatchObject({ capacityStatus: 'waitlist', capacityWaitDays: 21, version: s.version + 1 });
    const history = await historyOf(s.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      kind: 'set',
      status: 'waitlist',
      via: 'editor',
      setBy: editor.user.id,
      version: 2,
    });
    const audit = await query<{ action: string }>(db, sql`select action from audit_log where entity_id = ${s.id}`);
    expect(audit.map((a) => a.action)).toEqual(['capacity.set']);
  });

  it('when If-Match is missing, then it answers 428 and nothing is written', async () => {
    const s = await createService(db, orgId);
    const res = await request(t.app)
      .put(`/api/services/${s.id}/capacity`)
      .set(editor.headers)
      .send({ status: 'limited' })
      .expect(428);
    expect(res.body.code).toBe('precondition_required');
    expect(await serviceRow(s.id)).toMatchObject({ capacityStatus: 'accepting', version: 1 });
    expect(await historyOf(s.id)).toHaveLength(0);
  });

  it.each([['W/"1"'], ['*'], ['"abc"']])(
    'when If-Match is %s, then it is refused and nothing is written',
    async (tag) => {
      const s = await createService(db, orgId);
      const res = await request(t.app)
        .put(`/api/services/${s.id}/capacity`)
        .set(editor.headers)
        .set('If-Match', tag)
        .send({ status: 'limited' });
      expect([412, 428]).toContain(res.status);
      expect(await serviceRow(s.id)).toMatchObject({ capacityStatus: 'accepting', version: 1 });
      expect(await historyOf(s.id)).toHaveLength(0);
    },
  );

  it.each([
    ['status', { status: 'full' }],
    ['places', { status: 'limited', places: -1 }],
    ['places', { status: 'limited', places: 2.5 }],
    ['waitDays', { status: 'waitlist', waitDays: 99999 }],
    ['waitlistBand', { status: 'waitlist', waitlistBand: 'lots' }],
    ['sessionPlaces', { status: 'limited', sessionPlaces: 'ten' }],
    ['note', { status: 'limited', note: 'x'.repeat(501) }],
  ])('when %s is invalid, then it answers 400 naming it and nothing is written', async (field, body) => {
    const s = await createService(db, orgId);
    const res = await request(t.app)
      .put(`/api/services/${s.id}/capacity`)
      .set(editor.headers)
      .set('If-Match', '"1"')
      .send(body)
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await serviceRow(s.id)).toMatchObject({ capacityStatus: 'accepting', version: 1 });
    expect(await historyOf(s.id)).toHaveLength(0);
  });
});

describe('concurrent edits', () => {
  it('when two clients update with the same ETag, then one wins, the other gets 412 with the current version, and history has one entry', async () => {
    const s = await createService(db, orgId);
    const send = (status: string) =>
      request(t.app).put(`/api/services/${s.id}/capacity`).set(editor.headers).set('If-Match', '"1"').send({ status });
    const [a, b] = await Promise.all([send('limited'), send('not_accepting')]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const winner = a.status === 200 ? a : b;
    const loser = a.status === 200 ? b : a;
    expect(loser.body).toMatchObject({ code: 'stale_version', currentVersion: 2, etag: '"2"' });
    expect(loser.body.current).toMatchObject({ status: winner.body.status, version: 2 });
    expect(loser.headers.etag).toBe('"2"');
    expect(await historyOf(s.id)).toHaveLength(1);
    expect(await serviceRow(s.id)).toMatchObject({ capacityStatus: winner.body.status, version: 2 });
  });

  it('when 200 clients update at once, retrying on 412 with the new ETag, then no update is lost', async () => {
    const s = await createService(db, orgId);
    const statuses = ['accepting', 'limited', 'waitlist', 'not_accepting'];
    const MAX_ATTEMPTS = 3;
    let ok = 0;
    let stale = 0;
    const client = async (i: number) => {
      let etag = '"1"';
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const res = await request(t.app)
          .put(`/api/services/${s.id}/capacity`)
          .set(editor.headers)
          .set('If-Match', etag)
          .send({ status: statuses[i % 4], places: i });
        if (res.status === 200) {
          ok += 1;
          return;
        }
        expect(res.status).toBe(412);
        stale += 1;
        etag = res.headers.etag as string;
        expect(etag).toBe(`"${res.body.currentVersion}"`);
      }
    };
    await Promise.all(Array.from({ length: 200 }, (_, i) => client(i)));
    const history = await historyOf(s.id);
    const row = await serviceRow(s.id);
    expect(ok).toBeGreaterThan(0);
    expect(history).toHaveLength(ok);
    expect(row.version).toBe(1 + ok);
    // Each success produced exactly one distinct version, and the row shows the last one.
    expect(new Set(history.map((h) => h.version)).size).toBe(ok);
    const last = history.reduce((m, h) => (h.version > m.version ? h : m));
    expect(last.version).toBe(row.version);
    expect(row.capacityPlaces).toBe(last.places);
    expect(ok + stale).toBeLessThanOrEqual(200 * MAX_ATTEMPTS);
  }, 120_000);
});

describe('freshness and confirmation', () => {
  it('when capacity was confirmed 15 days ago, then it shows unconfirmed; "still accurate" makes it confirmed and appends a confirm entry', async () => {
    const s = await createService(db, orgId);
    await db.execute(
      sql`update services set capacity_confirmed_at = now() - interval '15 days', capacity_set_at = now() - interval '15 days' where id = ${s.id}`,
    );
    const before = await request(t.app).get(`/api/services/${s.id}`).expect(200);
    expect(before.body.capacity).toMatchObject({
      status: 'accepting',
      freshness: 'unconfirmed',
      freshnessLabel: 'unconfirmed — check before referring',
    });
    const mine = await request(t.app).get('/api/my/organizations').set(editor.headers).expect(200);
    const badge = mine.body.organizations[0].services.find((x: { id: string }) => x.id === s.id);
    expect(badge.capacity.freshness).toBe('unconfirmed');

    const res = await request(t.app)
      .post(`/api/services/${s.id}/capacity/confirm`)
      .set(editor.headers)
      .set('If-Match', before.headers.etag as string)
      .expect(200);
    expect(res.body).toMatchObject({ status: 'accepting', places: 5, freshness: 'confirmed', version: 2 });
    const after = await request(t.app).get(`/api/services/${s.id}`).expect(200);
    expect(after.body.capacity.freshness).toBe('confirmed');
    expect(new Date(after.body.capacity.asOf).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const history = await historyOf(s.id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: 'confirm', status: 'accepting', places: 5, version: 2 });
  });

  it('when capacity was never set, then confirm answers 409 and nothing is written', async () => {
    const s = await createService(db, orgId, { capacityStatus: null, capacityConfirmedAt: null, capacitySetAt: null });
    await request(t.app)
      .post(`/api/services/${s.id}/capacity/confirm`)
      .set(editor.headers)
      .set('If-Match', '"1"')
      .expect(409);
    expect(await historyOf(s.id)).toHaveLength(0);
    expect((await serviceRow(s.id)).version).toBe(1);
  });

  it('when anyone reads the history, then it lists every change newest first', async () => {
    const s = await createService(db, orgId);
    let etag = '"1"';
    for (const status of ['limited', 'waitlist']) {
      const res = await request(t.app)
        .put(`/api/services/${s.id}/capacity`)
        .set(editor.headers)
        .set('If-Match', etag)
        .send({ status })
        .expect(200);
      etag = res.headers.etag as string;
    }
    const res = await request(t.app).get(`/api/services/${s.id}/capacity/history`).expect(200);
    expect(res.body.history.map((h: { status: string; version: number }) => [h.status, h.version])).toEqual([
      ['waitlist', 3],
      ['limited', 2],
    ]);
    expect(await countRows(db, 'capacity_history')).toBeGreaterThanOrEqual(2);
  });
});

describe('configured freshness window', () => {
  it('when CAPACITY_STALE_DAYS=30, then capacity confirmed 15 days ago is still confirmed', async () => {
    const other = await buildTestApp({ CAPACITY_STALE_DAYS: '30' });
    try {
      const org = await createOrganization(other.database.db);
      const s = await createService(other.database.db, org.id, {
        capacityConfirmedAt: new Date(Date.now() - 15 * 86_400_000),
      });
      const res = await request(other.app).get(`/api/services/${s.id}`).expect(200);
      expect(res.body.capacity.freshness).toBe('confirmed');
    } finally {
      await other.close();
    }
  });
});
