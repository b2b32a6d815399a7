import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildAppOn, buildTestApp, type TestApp } from '../helpers/app';
import { sql } from 'drizzle-orm';
import { TEST_ENGINE } from '../helpers/db';
import { STEPS, importReferenceData } from '../../server/features/areas';
import { writeReferenceFixture } from '../helpers/referenceFixture';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('health endpoints', () => {
  it('when the process is up, then /healthz answers ok', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when the database is migrated and REFERENCE_DATA=skip, then /readyz answers ready and lists the datasets as missing', async () => {
    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body).toMatchObject({ status: 'ready', engine: TEST_ENGINE });
    expect(res.body.datasets.map((d: { dataset: string }) => d.dataset)).toEqual([...STEPS]);
    expect(new Set(res.body.datasets.map((d: { state: string }) => d.state))).toEqual(new Set(['missing']));
  });

  it('when a migration is missing, then /readyz answers 503', async () => {
    await t.database.db.execute(
      // Simulate an unmigrated database by hiding the newest migration record.
      (await import('drizzle-orm'))
        .sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`,
    );
    const res = await request(t.app).get('/readyz').expect(503);
    expect(res.body.status).toBe('not_ready');
  });
});

describe("during a first start's reference-data load", () => {
  it('when the load holds the database in a transaction, then /healthz and /readyz answer from memory with its step and percent', async () => {
    const startupStatus = { state: 'loading_reference_data' as const, step: 'postcodes', percent: 42, stepPercent: 10 };
    const loading = buildAppOn(t.database, {}, { startupStatus });
    // As the load does: a transaction that holds the tables /readyz would read (on PGlite, the only connection).
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table dataset_imports in access exclusive mode`);
      // A bound on a hang, not a measure of speed: a /readyz that queried the database would wait for this transaction.
      const ready = await request(loading).get('/readyz').timeout(30_000).expect(503);
      expect(ready.body).toMatchObject({ status: 'not_ready', startup: startupStatus });
      expect(ready.headers['retry-after']).toBeDefined();
      const health = await request(loading).get('/healthz').timeout(30_000).expect(200);
      expect(health.body).toMatchObject({ status: 'ok', startup: startupStatus });
    });
    // Once ready, /healthz no longer mentions the start-up.
    const ready = buildAppOn(t.database, {}, { startupStatus: { state: 'ready' } });
    expect((await request(ready).get('/healthz').expect(200)).body.startup).toBeUndefined();
  });
});

describe('/readyz and the reference datasets (REFERENCE_DATA=auto)', () => {
  let auto: TestApp;
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-readyz-'));
  beforeAll(async () => {
    writeReferenceFixture(dataRoot);
    auto = await buildTestApp({ REFERENCE_DATA: 'auto', REFERENCE_DATA_DIR: dataRoot });
  }, 180_000); // a second database: generous on a loaded machine
  afterAll(async () => {
    await auto.close();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  });
  const states = (body: { datasets: { dataset: string; state: string }[] }) =>
    Object.fromEntries(body.datasets.map((d) => [d.dataset, d.state]));

  it('when no dataset is loaded, then it is not ready and says which are missing', async () => {
    const res = await request(auto.app).get('/readyz').expect(503);
    expect(res.body.status).toBe('not_ready');
    expect(states(res.body)).toEqual(Object.fromEntries(STEPS.map((s) => [s, 'missing'])));
  });

  it('when only some datasets committed (a load killed part-way), then it is not ready and names the rest', async () => {
    await importReferenceData({ db: auto.database.db, dataRoot, only: ['practices', 'boundaries'] });
    const res = await request(auto.app).get('/readyz').expect(503);
    expect(states(res.body)).toMatchObject({ practices: 'loaded', boundaries: 'loaded', postcodes: 'missing' });
  });

  it('when every dataset is loaded from the bundled files, then it is ready with rows and commit times', async () => {
    await importReferenceData({ db: auto.database.db, dataRoot });
    const res = await request(auto.app).get('/readyz').expect(200);
    expect(states(res.body)).toEqual(Object.fromEntries(STEPS.map((s) => [s, 'loaded'])));
    for (const d of res.body.datasets) {
      expect(d.rows).toBeGreaterThan(0);
      expect(Date.parse(d.completedAt)).not.toBeNaN();
    }
  });

  it('when a dataset was recorded from other files, then it is outdated and not ready', async () => {
    await auto.database.db.execute(
      (await import('drizzle-orm')).sql`update dataset_imports set checksum = 'older-file' where dataset = 'workforce'`,
    );
    const res = await request(auto.app).get('/readyz').expect(503);
    expect(states(res.body)).toMatchObject({ workforce: 'outdated', practices: 'loaded' });
  });
});

describe('errors and headers', () => {
  it('when a route does not exist, then it answers a problem+json 404 with a stable code and request id', async () => {
    const res = await request(t.app).get('/api/nothing-here').set('X-Request-Id', 'test-req-1').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, code: 'not_found', requestId: 'test-req-1' });
    expect(res.headers['x-request-id']).toBe('test-req-1');
  });

  it('when the JSON body is malformed, then it answers 400 malformed_json', async () => {
    const res = await request(t.app)
      .post('/api/anything')
      .set('Content-Type', 'application/json')
      .send('{"a":')
      .expect(400);
    expect(res.body.code).toBe('malformed_json');
  });

  it('when the body is over the limit, then it answers 413', async () => {
    const res = await request(t.app)
      .post('/api/anything')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(200_000) }))
      .expect(413);
    expect(res.body.code).toBe('payload_too_large');
  });

  it('when any page is served, then a CSP allowing the tile host is set', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.headers['content-security-policy']).toContain("img-src 'self' data: https://tile.openstreetmap.org");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('when the client asks for configuration, then it gets the tile URL and attribution', async () => {
    const res = await request(t.app).get('/api/config').expect(200);
    expect(res.body.tileUrl).toMatch(/\{z\}/);
    expect(res.body.tileAttribution).toContain('OpenStreetMap');
  });
});
