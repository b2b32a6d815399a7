/** Registered ORUK feeds: admin-only CRUD with named 4xx problems, audit, and the scheduler's claim of due feeds. */
import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { query, schema } from '../../server/db';
import { claimDueFeeds } from '../../server/features/feeds';

let t: TestApp;
let admin: AuthHeaders;
let editor: AuthHeaders;

beforeAll(async () => {
  t = await buildTestApp();
  admin = (await signedInAs(t.database.db, { role: 'admin' })).headers;
  editor = (await signedInAs(t.database.db, { role: 'vcse_editor' })).headers;
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.database.db.delete(schema.orukFeeds);
});

const register = (body: Record<string, unknown>, headers = admin) =>
  request(t.app).post('/api/admin/feeds').set(headers).send(body);

describe('registering feeds', () => {
  it('when an admin registers a feed, then it is stored, due at once, audited, and listed', async () => {
    const before = new Date();
    const res = await register({ name: 'North Lincolnshire', url: 'https://example.org/oruk/services' }).expect(201);
    expect(res.headers.location).toBe(`/api/admin/feeds/${res.body.id}`);
    expect(res.body).toMatchObject({
      name: 'North Lincolnshire',
      url: 'https://example.org/oruk/services',
      schedule: 'daily',
      enabled: true,
      lastRunAt: null,
      lastJobId: null,
    });
    const [row] = await t.database.db.select().from(schema.orukFeeds).where(eq(schema.orukFeeds.id, res.body.id));
    expect(row!.nextRunAt!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    const audits = await query<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity_type = 'oruk_feed' and entity_id = ${res.body.id}`,
    );
    expect(audits.map((a) => a.action)).toEqual(['feed.create']);
    const list = await request(t.app).get('/api/admin/feeds').set(admin).expect(200);
    expect(list.body.map((f: { id: string }) => f.id)).toEqual([res.body.id]);
  });

  it('when the body is bad, then 400 names each field and nothing is stored', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'https://example.org/a' }, 'name'],
      [{ name: 'A', url: 'ftp://example.org/a' }, 'url'],
      [{ name: 'A', url: 'example.org' }, 'url'],
      [{ name: 'A', url: 'https://example.org/a', schedule: 'monthly' }, 'schedule'],
      [{ name: 'A', url: 'https://example.org/a', enabled: 'yes' }, 'enabled'],
      [{ name: 'A', url: 'https://example.org/a', token: 'x' }, 'token'],
      [{ name: 'A\u0000B', url: 'https://example.org/a' }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await register(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await t.database.db.select().from(schema.orukFeeds)).toHaveLength(0);
  });

  it('when the URL is already registered, then 409 and still one feed', async () => {
    await register({ name: 'A', url: 'https://example.org/feed' }).expect(201);
    const res = await register({ name: 'B', url: 'https://example.org/feed' }).expect(409);
    expect(res.body.detail).toContain('already registered');
    expect(await t.database.db.select().from(schema.orukFeeds)).toHaveLength(1);
  });

  it('when anyone but an admin asks, then 401 or 403 and nothing is stored', async () => {
    await request(t.app).get('/api/admin/feeds').expect(401);
    await request(t.app).get('/api/admin/feeds').set(editor).expect(403);
    await register({ name: 'A', url: 'https://example.org/a' }, editor).expect(403);
    // Refused before the body is read: a bad body from an editor is still 403, not 400.
    await register({ url: 'nope' }, editor).expect(403);
    expect(await t.database.db.select().from(schema.orukFeeds)).toHaveLength(0);
  });
});

describe('changing feeds', () => {
  it('when an admin disables, re-enables, reschedules and removes a feed, then its next run follows', async () => {
    const { body: feed } = await register({ name: 'A', url: 'https://example.org/a' }).expect(201);
    const off = await request(t.app)
      .patch(`/api/admin/feeds/${feed.id}`)
      .set(admin)
      .send({ enabled: false })
      .expect(200);
    expect(off.body).toMatchObject({ enabled: false, nextRunAt: null });
    const on = await request(t.app)
      .patch(`/api/admin/feeds/${feed.id}`)
      .set(admin)
      .send({ enabled: true, schedule: 'weekly' })
      .expect(200);
    expect(on.body.schedule).toBe('weekly');
    expect(on.body.nextRunAt).not.toBeNull(); // never run: due at once
    await request(t.app).patch(`/api/admin/feeds/${feed.id}`).set(admin).send({}).expect(400);
    await request(t.app).patch(`/api/admin/feeds/${feed.id}`).set(admin).send({ url: 'nope' }).expect(400);
    await request(t.app).delete(`/api/admin/feeds/${feed.id}`).set(admin).expect(204);
    await request(t.app).get(`/api/admin/feeds/${feed.id}`).set(admin).expect(404);
    await request(t.app).delete(`/api/admin/feeds/${feed.id}`).set(admin).expect(404);
    await request(t.app).get('/api/admin/feeds/not-an-id').set(admin).expect(400);
    const audits = await query<{ action: string }>(
      t.database.db,
      sql`select action from audit_log where entity_id = ${feed.id} order by id`,
    );
    expect(audits.map((a) => a.action)).toEqual(['feed.create', 'feed.update', 'feed.update', 'feed.delete']);
  });
});

describe('the scheduler', () => {
  it('when several claimers race for due feeds, then each due feed is claimed exactly once and moves to its next run', async () => {
    const db = t.database.db;
    const now = new Date('2026-06-01T09:00:00Z');
    const due = new Date(now.getTime() - 60_000);
    const later = new Date(now.getTime() + 3_600_000);
    const rows = await db
      .insert(schema.orukFeeds)
      .values([
        ...Array.from({ length: 6 }, (_, i) => ({
          name: `Due ${i}`,
          url: `https://example.org/due/${i}`,
          schedule: i % 3 === 0 ? 'hourly' : i % 3 === 1 ? 'daily' : 'weekly',
          nextRunAt: due,
        })),
        { name: 'Later', url: 'https://example.org/later', nextRunAt: later },
        { name: 'Off', url: 'https://example.org/off', nextRunAt: due, enabled: false },
      ])
      .returning();
    const claims = await Promise.all(Array.from({ length: 5 }, () => claimDueFeeds(db, now, 2)));
    const claimed = claims.flat().map((f) => f.name);
    expect(claimed.sort()).toEqual(['Due 0', 'Due 1', 'Due 2', 'Due 3', 'Due 4', 'Due 5']);
    const hours = { hourly: 1, daily: 24, weekly: 168 } as Record<string, number>;
    for (const f of claims.flat()) {
      expect(f.nextRunAt!.getTime()).toBe(now.getTime() + hours[f.schedule]! * 3_600_000);
    }
    // Nothing is due again at the same moment; the later and disabled feeds were never touched.
    expect(await claimDueFeeds(db, now, 10)).toEqual([]);
    const untouched = await db.select().from(schema.orukFeeds).where(eq(schema.orukFeeds.name, 'Later'));
    expect(untouched[0]!.nextRunAt!.getTime()).toBe(later.getTime());
    expect(rows).toHaveLength(8);
  });
});
