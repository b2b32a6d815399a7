/**
 * Syncing a registered ORUK feed as a background job, against a loopback ORUK 3.0 API (allowed by OUTBOUND_ALLOW):
 * "sync now" imports it; a changed record updates and a vanished one is marked missing; the scheduler enqueues only
 * due feeds; a feed that cannot be read fails its job with the reason and changes nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { eq, sql } from 'drizzle-orm';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { seedGeography } from '../helpers/directory';
import { waitForJob } from '../helpers/imports';
import { query, schema } from '../../server/db';
import { enqueueDueFeeds, MODIFIED_AFTER_MARGIN_MS, ORUK_FEED_JOB } from '../../server/features/feeds';
import { createJobWorker, findJob } from '../../server/features/jobs';
import { jobHandlers } from '../../server/app';
import { createLogger } from '../../server/logger';

let t: TestApp;
let admin: AuthHeaders;
let server: http.Server;
let base: string;
let feedServices: Record<string, unknown>[] = [];
let failWith: number | null = null;
/** Every request the feed server received (path and query). */
const requests: string[] = [];

/** An ORUK 3.0 service at M13 9PL (Manchester, in the test geography). */
const service = (id: string, name: string) => ({
  id,
  name,
  description: `<p>${name} &amp; friends</p>`,
  status: 'active',
  url: 'www.example.org',
  organization: { id: 'org-feed', name: 'Feed Trust' },
  service_at_locations: [
    {
      id: `${id}-sal`,
      location: {
        id: `${id}-loc`,
        name: 'Hall',
        latitude: 53.4668,
        longitude: -2.2339,
        addresses: [{ id: `${id}-a`, address_1: '1 Oxford Road', city: 'Manchester', postal_code: 'M13 9PL' }],
      },
    },
  ],
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    res.setHeader('Content-Type', 'application/json');
    if (failWith) {
      res.statusCode = failWith;
      res.end('{}');
      return;
    }
    if (url.pathname !== '/oruk/services' && url.pathname !== '/hourly/services') {
      res.statusCode = 404;
      res.end('{}');
      return;
    }
    res.end(
      JSON.stringify({
        total_items: feedServices.length,
        total_pages: 1,
        page_number: 1,
        size: feedServices.length,
        first_page: true,
        last_page: true,
        empty: feedServices.length === 0,
        contents: feedServices,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t = await buildTestApp({ OUTBOUND_ALLOW: '127.0.0.1' });
  await seedGeography(t.database.db);
  admin = (await signedInAs(t.database.db, { role: 'admin' })).headers;
});
afterAll(async () => {
  await t.close();
  await new Promise((resolve) => server.close(resolve));
});

const services = () =>
  query<{ name: string; description: string; missing: boolean }>(
    t.database.db,
    sql`select name, description, missing_since is not null as missing from services
        where source_ref like 'feed-%' order by name`,
  );

async function syncNow(feedId: string) {
  const res = await request(t.app).post(`/api/admin/feeds/${feedId}/sync`).set(admin).send({}).expect(202);
  expect(res.headers.location).toBe(`/api/admin/jobs/${res.body.job.id}`);
  return waitForJob(t.app, admin, res.body.job.id);
}

describe('syncing a registered feed', () => {
  let feedId: string;

  it('when an admin syncs a new feed now, then its services are imported and the feed records the run', async () => {
    feedServices = [service('feed-1', 'Lunch club'), service('feed-2', 'Walking group')];
    const { body: feed } = await request(t.app)
      .post('/api/admin/feeds')
      .set(admin)
      .send({ name: 'Loopback council', url: `${base}/oruk/services` })
      .expect(201);
    feedId = feed.id;
    const job = await syncNow(feedId);
    expect(job).toMatchObject({ kind: ORUK_FEED_JOB, status: 'succeeded', error: null });
    expect(job.result).toMatchObject({ created: 2, rejected: 0, missing: 0, feed: { id: feedId } });
    expect(await services()).toEqual([
      { name: 'Lunch club', description: 'Lunch club & friends', missing: false },
      { name: 'Walking group', description: 'Walking group & friends', missing: false },
    ]);
    const { body: after } = await request(t.app).get(`/api/admin/feeds/${feedId}`).set(admin).expect(200);
    expect(after.lastJobId).toBe(job.id);
    expect(after.lastRunAt).not.toBeNull();
  });

  it('when the feed changes a record and drops another, then the next sync updates one and marks the other missing', async () => {
    feedServices = [service('feed-1', 'Lunch club (Tuesdays)')];
    const job = await syncNow(feedId);
    expect(job.result).toMatchObject({ created: 0, updated: 1, missing: 1 });
    expect(await services()).toEqual([
      { name: 'Lunch club (Tuesdays)', description: 'Lunch club (Tuesdays) & friends', missing: false },
      { name: 'Walking group', description: 'Walking group & friends', missing: true },
    ]);
  });

  it('when the feed cannot be read, then the job fails naming the reason and nothing changes', async () => {
    const before = await services();
    failWith = 503;
    try {
      const job = await syncNow(feedId);
      expect(job.status).toBe('failed');
      expect(job.error).toContain('503');
    } finally {
      failWith = null;
    }
    expect(await services()).toEqual(before);
  });

  it('when the scheduler ticks, then only enabled feeds that are due get a sync job, each once', async () => {
    const db = t.database.db;
    const now = new Date(Date.now() + 48 * 3_600_000); // the daily feed above is due again by then
    const { body: off } = await request(t.app)
      .post('/api/admin/feeds')
      .set(admin)
      .send({ name: 'Turned off', url: `${base}/oruk/off`, enabled: false })
      .expect(201);
    let kicks = 0;
    const jobs = await enqueueDueFeeds(db, { kick: () => (kicks += 1) }, now);
    expect(jobs).toHaveLength(1);
    expect(kicks).toBe(1);
    const [row] = await db.select().from(schema.jobs).where(eq(schema.jobs.id, jobs[0]!));
    expect(row).toMatchObject({ kind: ORUK_FEED_JOB, options: { feedId } });
    expect(await enqueueDueFeeds(db, { kick: () => (kicks += 1) }, now)).toEqual([]);
    const [offRow] = await db.select().from(schema.orukFeeds).where(eq(schema.orukFeeds.id, off.id));
    expect(offRow!.lastJobId).toBeNull();
  });

  it('when the feed is unknown or the caller not an admin, then 404 or 403 and no job', async () => {
    const before = (await t.database.db.select().from(schema.jobs)).length;
    await request(t.app)
      .post('/api/admin/feeds/00000000-0000-4000-8000-000000000000/sync')
      .set(admin)
      .send({})
      .expect(404);
    const editor = (await signedInAs(t.database.db, { role: 'vcse_editor' })).headers;
    await request(t.app).post(`/api/admin/feeds/${feedId}/sync`).set(editor).send({}).expect(403);
    expect((await t.database.db.select().from(schema.jobs)).length).toBe(before);
  });
});

describe('an hourly feed', () => {
  const hourly = (id: string, name: string) => ({
    ...service(id, name),
    organization: { id: 'org-hourly', name: 'Hourly Trust' },
  });
  const rows = () =>
    query<{ name: string; missing: boolean }>(
      t.database.db,
      sql`select name, missing_since is not null as missing from services where source_ref like 'hourly-%' order by name`,
    );

  it('when the scheduler runs it, then it reads only the changes since the last sync until a full sync is due, and only a full read marks vanished services', async () => {
    const db = t.database.db;
    const worker = createJobWorker({
      database: t.database,
      handlers: jobHandlers(t.config),
      logger: createLogger('silent'),
    });
    const url = `${base}/hourly/services`; // its own path: a feed's identity is its URL without the query
    const { body: feed } = await request(t.app)
      .post('/api/admin/feeds')
      .set(admin)
      .send({ name: 'Hourly council', url, schedule: 'hourly' })
      .expect(201);
    /** One scheduler tick at `at` (other feeds are not due then); runs the hourly feed's job; returns it and its request. */
    const tick = async (at: Date) => {
      const [jobId, ...others] = await enqueueDueFeeds(db, { kick: () => undefined }, at);
      expect(others).toEqual([]);
      const seen = requests.length;
      await worker.runNow(jobId!);
      const job = (await findJob(db, jobId!))!;
      expect([job.status, job.error]).toEqual(['succeeded', null]);
      const [feedRow] = await db.select().from(schema.orukFeeds).where(eq(schema.orukFeeds.id, feed.id));
      return { job, asked: requests.slice(seen), feedRow: feedRow! };
    };
    const hour = 3_600_000;
    const start = Date.now();

    // 1. The first run reads everything.
    feedServices = [hourly('hourly-1', 'Hourly lunch club'), hourly('hourly-2', 'Hourly walking group')];
    const first = await tick(new Date(start + 1000));
    expect(first.job.result).toMatchObject({ read: 'full', created: 2, missing: 0 });
    expect(first.asked.every((q) => !q.includes('modified_after'))).toBe(true);
    expect(first.feedRow.lastSyncedAt).not.toBeNull();
    expect(first.feedRow.lastFullSyncAt).toEqual(first.feedRow.lastSyncedAt);

    // 2. An hour later: only changes since the first sync (less the margin); a service absent from the answer is not marked.
    feedServices = [hourly('hourly-1', 'Hourly lunch club (Tuesdays)')];
    const second = await tick(new Date(start + 2 * hour));
    const since = new Date(first.feedRow.lastSyncedAt!.getTime() - MODIFIED_AFTER_MARGIN_MS).toISOString();
    expect(second.job.result).toMatchObject({ read: { changesSince: since }, updated: 1, missing: 0 });
    expect(second.asked).toContainEqual(expect.stringContaining(`modified_after=${encodeURIComponent(since)}`));
    expect(second.feedRow.lastFullSyncAt).toEqual(first.feedRow.lastFullSyncAt);
    expect(second.feedRow.lastSyncedAt!.getTime()).toBeGreaterThan(first.feedRow.lastSyncedAt!.getTime());
    expect(await rows()).toEqual([
      { name: 'Hourly lunch club (Tuesdays)', missing: false },
      { name: 'Hourly walking group', missing: false },
    ]);

    // 3. Once the last full sync is a day old, the run reads everything again and marks what vanished.
    await db
      .update(schema.orukFeeds)
      .set({ lastFullSyncAt: new Date(start - 24 * hour) })
      .where(eq(schema.orukFeeds.id, feed.id));
    const third = await tick(new Date(start + 4 * hour));
    expect(third.job.result).toMatchObject({ read: 'full', missing: 1 });
    expect(third.asked.every((q) => !q.includes('modified_after'))).toBe(true);
    expect(await rows()).toEqual([
      { name: 'Hourly lunch club (Tuesdays)', missing: false },
      { name: 'Hourly walking group', missing: true },
    ]);
  });
});
