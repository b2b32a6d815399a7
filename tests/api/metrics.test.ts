/**
 * GET /metrics: who may read it (METRICS_TOKEN bearer or an admin session; 401/403 otherwise), and that what it
 * serves parses as Prometheus text with HTTP latency by route pattern, 429 refusals, database query time, pool use,
 * imports counted from the database and the event-loop lag.
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import type { Express } from 'express';
import parsePrometheusTextFormat, { type Family, type Sample } from 'parse-prometheus-text-format';
import { createApp } from '../../server/app';
import { ConfigError, loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { query } from '../../server/db';
import { recordAudit } from '../../server/features/accounts';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { createOrganization, createService } from '../helpers/directory';
import { TEST_ENGINE } from '../helpers/db';

const TOKEN = 'metrics-token-0123456789abcdef0123456789abcdef';
let t: TestApp;
let admin: AuthHeaders;
let editor: AuthHeaders;

beforeAll(async () => {
  t = await buildTestApp({ METRICS_TOKEN: TOKEN });
  admin = (await signedInAs(t.database.db, { role: 'admin' })).headers;
  editor = (await signedInAs(t.database.db, { role: 'vcse_editor' })).headers;
});
afterAll(() => t.close());

/** A scrape: each family's type, and every series as plain samples (a histogram's `_bucket`, `_sum`, `_count`). */
interface Scrape {
  types: Map<string, Family['type']>;
  series: Map<string, Sample[]>;
}

/**
 * Scrapes an app with the token. The body must parse as Prometheus text; the parser folds labelled histograms into
 * one sample, so a second pass reads histograms as untyped, which lists their series one by one.
 */
async function scrape(app: Express = t.app): Promise<Scrape> {
  const res = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const types = new Map(parsePrometheusTextFormat(res.text).map((f) => [f.name, f.type]));
  const flat = parsePrometheusTextFormat(res.text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));
  // Each label set's `_bucket`, `_sum` and `_count` lines come out as families of their own: gather them by name.
  const series = new Map<string, Sample[]>();
  for (const f of flat) series.set(f.name, [...(series.get(f.name) ?? []), ...(f.metrics as Sample[])]);
  return { types, series };
}

/** The samples of a series whose labels include `labels`; throws when the series is not there at all. */
function samples(scraped: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  const all = scraped.series.get(name);
  if (!all) throw new Error(`no metric ${name}`);
  return all.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

/** Sum of the samples of a series whose labels include `labels`. */
const total = (scraped: Scrape, name: string, labels: Record<string, string> = {}) =>
  samples(scraped, name, labels).reduce((n, m) => n + Number(m.value), 0);

const HTTP = 'signpost_http_request_duration_seconds';
const DB = 'signpost_db_query_duration_seconds';

describe('GET /metrics access', () => {
  it('when no credentials are sent, then 401 problem+json with a Bearer challenge', async () => {
    const res = await request(t.app).get('/metrics').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="signpost-metrics"');
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(res.text).not.toContain('signpost_http_request_duration_seconds');
  });

  it('when signed in without the admin role, then 403', async () => {
    const res = await request(t.app).get('/metrics').set(editor).expect(403);
    expect(res.body).toMatchObject({ status: 403, code: 'forbidden' });
  });

  it('when the bearer token is wrong (or another scheme is used), then 403, even with an admin session', async () => {
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer x', `Basic ${TOKEN}`]) {
      const res = await request(t.app).get('/metrics').set('Authorization', authorization);
      expect([authorization, res.status, res.body.code]).toEqual([authorization, 403, 'forbidden']);
    }
    await request(t.app).get('/metrics').set(admin).set('Authorization', 'Bearer wrong').expect(403);
  });

  it('when no METRICS_TOKEN is configured, then no bearer token is accepted', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REFERENCE_DATA: 'skip' });
    const app = createApp({ config, logger: createLogger('silent'), database: t.database });
    await request(app).get('/metrics').set('Authorization', 'Bearer ').expect(403);
    await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(403);
    await request(app).get('/metrics').set(admin).expect(200);
  });

  it('when the token is right, or an admin is signed in, then 200 in the Prometheus text format, never cached', async () => {
    const byToken = await request(t.app).get('/metrics').set('Authorization', `bearer ${TOKEN}`).expect(200);
    expect(byToken.headers['cache-control']).toBe('no-store');
    expect(parsePrometheusTextFormat(byToken.text).length).toBeGreaterThan(10);
    const bySession = await request(t.app).get('/metrics').set(admin).expect(200);
    expect(parsePrometheusTextFormat(bySession.text).map((f) => f.name)).toContain(
      'signpost_http_request_duration_seconds',
    );
  });

  it('refuses a METRICS_TOKEN shorter than 32 characters at start-up, naming the variable', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'too-short' })).toThrow(ConfigError);
    expect(() => loadConfig({ METRICS_TOKEN: 'too-short' })).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
    expect(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
  });
});

describe('GET /metrics content', () => {
  it('times requests by method, route pattern (never the raw URL) and status', async () => {
    const org = await createOrganization(t.database.db);
    const service = await createService(t.database.db, org.id);
    const missing = '00000000-0000-4000-8000-00000000abcd';
    const count = `${HTTP}_count`;
    const route = { method: 'GET', route: '/api/services/:id' };
    const before = await scrape();
    const found0 = total(before, count, { ...route, status: '200' });
    const missing0 = total(before, count, { ...route, status: '404' });
    const unmatched0 = total(before, count, { method: 'GET', route: '(unmatched)', status: '404' });

    await request(t.app).get(`/api/services/${service.id}`).expect(200);
    await request(t.app).get(`/api/services/${service.id}`).expect(200);
    await request(t.app).get(`/api/services/${missing}`).expect(404);
    await request(t.app).get('/api/no-such-thing/42').expect(404);

    const after = await scrape();
    expect(after.types.get(HTTP)).toBe('HISTOGRAM');
    expect(total(after, count, { ...route, status: '200' })).toBe(found0 + 2);
    expect(total(after, count, { ...route, status: '404' })).toBe(missing0 + 1);
    expect(total(after, count, { method: 'GET', route: '(unmatched)', status: '404' })).toBe(unmatched0 + 1);
    expect(total(after, `${HTTP}_bucket`, { ...route, status: '200', le: '+Inf' })).toBe(found0 + 2);
    expect(total(after, `${HTTP}_sum`, { ...route, status: '200' })).toBeGreaterThan(0);
    const routes = samples(after, count).map((m) => m.labels?.route ?? '');
    expect(routes).toContain('/metrics');
    expect(routes.filter((r) => r.includes(service.id) || r.includes(missing) || r.includes('42'))).toEqual([]);
  });

  it('counts 429 refusals of the API rate limit', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      REFERENCE_DATA: 'skip',
      METRICS_TOKEN: TOKEN,
      RATE_LIMIT_API_PER_MINUTE: '2',
    });
    const limited = createApp({ config, logger: createLogger('silent'), database: t.database });
    expect(samples(await scrape(limited), 'signpost_rate_limit_refusals_total')).toEqual([]);

    await request(limited).get('/api/config').expect(200);
    await request(limited).get('/api/config').expect(200);
    await request(limited).get('/api/config').expect(429);
    await request(limited).get('/api/config').expect(429);

    const after = await scrape(limited);
    expect(after.types.get('signpost_rate_limit_refusals_total')).toBe('COUNTER');
    // The API-wide limit refuses before routing, so these carry the fixed unmatched label.
    expect(samples(after, 'signpost_rate_limit_refusals_total')).toEqual([
      { labels: { route: '(unmatched)' }, value: '2' },
    ]);
    expect(total(after, `${HTTP}_count`, { status: '429' })).toBe(2);
    expect(total(after, `${HTTP}_count`, { route: '/api/config', status: '200' })).toBe(2);
    // /metrics itself is outside /api: scraping is never refused by the API limit.
    await scrape(limited);
  });

  it('times database queries (ok and failed) and, on a server, reports pool connections', async () => {
    const count = `${DB}_count`;
    const before = await scrape();
    expect(before.types.get(DB)).toBe('HISTOGRAM');
    const ok0 = total(before, count, { outcome: 'ok' });
    const error0 = total(before, count, { outcome: 'error' });
    expect(ok0).toBeGreaterThan(0);
    await expect(t.database.db.execute(sql`select 1 / 0`)).rejects.toThrow(/select 1 \/ 0/);

    const after = await scrape();
    expect(total(after, count, { outcome: 'error' })).toBe(error0 + 1);
    expect(total(after, count, { outcome: 'ok' })).toBeGreaterThan(ok0);
    expect(total(after, `${DB}_sum`, { outcome: 'error' })).toBeGreaterThan(0);

    const pool = [
      'signpost_db_pool_connections',
      'signpost_db_pool_idle_connections',
      'signpost_db_pool_waiting_clients',
    ];
    if (TEST_ENGINE === 'postgres') {
      const [open, idle, waiting] = pool.map((name) => total(after, name));
      expect(pool.map((name) => after.types.get(name))).toEqual(['GAUGE', 'GAUGE', 'GAUGE']);
      expect(open).toBeGreaterThanOrEqual(1);
      expect(idle).toBeLessThanOrEqual(open!);
      expect(waiting).toBeGreaterThanOrEqual(0);
    } else {
      // The embedded engine has one in-process connection and no pool.
      expect(pool.filter((name) => after.series.has(name))).toEqual([]);
    }
  });

  it('counts imports recorded in the database, by kind', async () => {
    const imports = async () =>
      Object.fromEntries(
        samples(await scrape(), 'signpost_imports_completed').map((m) => [m.labels!.kind, Number(m.value)]),
      );
    const auditImports = async () =>
      query<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from audit_log where entity_type = 'import' and action = 'import.services'`,
      );
    expect(await imports()).toEqual({ services: 0, oruk: 0, reference_data: 0 });
    for (const action of ['import.services', 'import.services', 'import.oruk']) {
      await recordAudit(t.database.db, { actorUserId: null, action, entityType: 'import', entityId: action });
    }
    await t.database.db.execute(
      sql`insert into dataset_imports (dataset, period, checksum, rows) values ('test', '2026', 'x', 1)`,
    );
    // Other audit entries are not imports.
    await recordAudit(t.database.db, { actorUserId: null, action: 'user.invite', entityType: 'user', entityId: 'x' });
    expect(await imports()).toEqual({ services: 2, oruk: 1, reference_data: 1 });
    expect(await auditImports()).toEqual([{ n: 2 }]);
  });

  it('includes the Node.js event-loop lag and process metrics', async () => {
    const scraped = await scrape();
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds']) {
      expect([name, scraped.types.get(name)]).toEqual([name, 'GAUGE']);
      expect(samples(scraped, name)).toHaveLength(1);
      expect(total(scraped, name)).toBeGreaterThanOrEqual(0);
    }
    expect(scraped.types.get('process_cpu_user_seconds_total')).toBe('COUNTER');
    expect(scraped.types.get('nodejs_heap_size_used_bytes')).toBe('GAUGE');
  });
});
