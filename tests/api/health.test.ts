import request from 'supertest';
import { buildTestApp, type TestApp } from '../helpers/app';
import { TEST_ENGINE } from '../helpers/db';

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

  it('when the database is migrated, then /readyz answers ready with the engine', async () => {
    const res = await request(t.app).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ready', engine: TEST_ENGINE });
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
