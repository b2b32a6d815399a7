/**
 * ORUK 3.0 conformance: every endpoint's responses validate against the vendored JSON Schemas, pagination is exact on
 * the first, a middle and the last page, every single record is fetched by an id taken from its list, filters
 * behave as the standard describes, bad query values are 400 problem+json naming the field, and anyone may read
 * cross-origin without cookies. The directory holds 1,000 services (seeded once for the file).
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { buildTestApp, type TestApp } from '../helpers/app';
import { seedGeography } from '../helpers/directory';
import { orukValidator, seedOrukDirectory, seededId, type OrukSchema } from '../helpers/oruk';

const SERVICES = 1000;
let t: TestApp;
const validator = orukValidator();

beforeAll(async () => {
  t = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
  await seedGeography(t.database.db);
  await seedOrukDirectory(t.database.db, SERVICES);
}, 120_000);
afterAll(() => t.close());

const get = (path: string, q: Record<string, string | number | boolean> = {}) =>
  request(t.app).get(`/api/oruk${path}`).query(q);

async function getValid(path: string, schema: OrukSchema, q: Record<string, string | number | boolean> = {}) {
  const res = await get(path, q);
  expect([path, res.status]).toEqual([path, 200]);
  expect([path, validator.validate(schema, res.body)]).toEqual([path, []]);
  return res.body as Record<string, unknown> & { contents: Record<string, unknown>[] };
}

const count = async (statement: ReturnType<typeof sql>) => (await query<{ n: number }>(t.database.db, statement))[0]!.n;

interface ListCase {
  path: string;
  list: OrukSchema;
  single: OrukSchema;
  q?: Record<string, string | number | boolean>;
  total: () => Promise<number>;
}

const LISTS: ListCase[] = [
  {
    path: '/services',
    list: 'service_list',
    single: 'service',
    total: () =>
      count(
        sql`select count(*)::int as n from services s join organizations o on o.id = s.organization_id where o.status = 'approved'`,
      ),
  },
  {
    path: '/services',
    list: 'service_list',
    single: 'service',
    q: { full: true },
    total: () =>
      count(
        sql`select count(*)::int as n from services s join organizations o on o.id = s.organization_id where o.status = 'approved'`,
      ),
  },
  {
    path: '/organizations',
    list: 'organization_list',
    single: 'organization',
    total: () => count(sql`select count(*)::int as n from organizations where status = 'approved'`),
  },
  {
    path: '/organizations',
    list: 'organization_list',
    single: 'organization',
    q: { full_service: true },
    total: () => count(sql`select count(*)::int as n from organizations where status = 'approved'`),
  },
  {
    path: '/service_at_locations',
    list: 'service_at_location_list',
    single: 'service_at_location',
    total: () =>
      count(sql`select count(*)::int as n from service_at_locations sal join services s on s.id = sal.service_id
                join organizations o on o.id = s.organization_id where o.status = 'approved'`),
  },
  {
    path: '/taxonomies',
    list: 'taxonomy_list',
    single: 'taxonomy',
    total: () => count(sql`select count(distinct taxonomy)::int as n from taxonomy_terms`),
  },
  {
    path: '/taxonomy_terms',
    list: 'taxonomy_term_list',
    single: 'taxonomy_term',
    total: () => count(sql`select count(*)::int as n from taxonomy_terms`),
  },
];

describe('GET /api/oruk/ (API details)', () => {
  it('validates against api_details.json and points at the OpenAPI document, which is served', async () => {
    const body = await getValid('/', 'api_details');
    expect(body.version).toBe('3.0');
    const openapi = await request(t.app).get(new URL(String(body.openapi_url)).pathname);
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/', '/services', '/services/{id}', '/service_at_locations', '/taxonomy_terms/{id}']),
    );
  });
});

describe.each(LISTS)('GET /api/oruk$path $q', ({ path, list, single, q = {}, total }) => {
  const PER_PAGE = path === '/taxonomies' ? 1 : path === '/taxonomy_terms' ? 7 : 40;

  it('pages exactly: first, a middle and the last page validate, with consistent totals and no overlap', async () => {
    const expected = await total();
    expect(expected).toBeGreaterThan(0);
    const pages = Math.ceil(expected / PER_PAGE);
    const wanted = [...new Set([1, Math.ceil(pages / 2), pages])];
    const seen = new Set<unknown>();
    for (const page of wanted) {
      const body = await getValid(path, list, { ...q, page, per_page: PER_PAGE });
      const size = page < pages ? PER_PAGE : expected - (pages - 1) * PER_PAGE;
      expect(body).toMatchObject({
        total_items: expected,
        total_pages: pages,
        page_number: page,
        size,
        first_page: page === 1,
        last_page: page === pages,
        empty: false,
      });
      expect(body.contents).toHaveLength(size);
      for (const item of body.contents) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
    }
    const beyond = await getValid(path, list, { ...q, page: pages + 1, per_page: PER_PAGE });
    expect(beyond).toMatchObject({ total_items: expected, size: 0, empty: true, last_page: true, contents: [] });
  });

  it('every record on the first page is fetched by its id and validates', async () => {
    const body = await getValid(path, list, { ...q, per_page: PER_PAGE });
    for (const item of body.contents) {
      const one = await getValid(`${path}/${String(item.id)}`, single);
      expect(one.id).toBe(item.id);
    }
  });
});

describe('records', () => {
  it('services carry HSDS 3.1 capacity (valid service_capacity) mapped from the capacity status', async () => {
    const body = await getValid('/services', 'service_list', { per_page: 200 });
    const rows = await query<{ id: string; capacity_status: string | null; capacity_places: number | null }>(
      t.database.db,
      sql`select id, capacity_status, capacity_places from services`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    let withCapacity = 0;
    for (const s of body.contents) {
      const row = byId.get(String(s.id))!;
      const capacities = s.capacities as Record<string, unknown>[] | undefined;
      if (!row.capacity_status) {
        expect(capacities).toBeUndefined();
        continue;
      }
      withCapacity += 1;
      expect(capacities).toHaveLength(1);
      expect(validator.validate('service_capacity', capacities![0])).toEqual([]);
      const closed = row.capacity_status === 'waitlist' || row.capacity_status === 'not_accepting';
      expect(capacities![0]).toMatchObject({
        service_id: s.id,
        unit: { name: 'place' },
        available: closed ? 0 : (row.capacity_places ?? 0),
      });
    }
    expect(withCapacity).toBeGreaterThan(100);
  });

  it('a full service nests locations, schedules, contacts, languages and taxonomy attributes from the database', async () => {
    const id = seededId('svc', 42);
    const s = await getValid(`/services/${id}`, 'service');
    expect(s.organization_id).toBe(seededId('org', 21));
    const sals = s.service_at_locations as { location: { addresses: { postal_code: string }[]; latitude: number } }[];
    expect(sals).toHaveLength(1);
    expect(sals[0]!.location.addresses[0]!.postal_code).toBe('M13 9PL');
    expect(s.schedules).toEqual([
      expect.objectContaining({ freq: 'WEEKLY', opens_at: '09:30:00', closes_at: '12:00:00' }),
    ]);
    expect((s.languages as { code: string }[]).map((l) => l.code).sort()).toEqual(['en', 'ur']);
    const terms = await count(sql`select count(*)::int as n from service_taxonomy where service_id = ${id}`);
    expect(s.attributes).toHaveLength(terms);
  });

  it('pending organisations and their services are never public', async () => {
    expect((await get(`/services/${seededId('pending-svc', 1)}`)).status).toBe(404);
    expect((await get(`/organizations/${seededId('pending-org', 1)}`)).status).toBe(404);
    const res = await get('/services/not-a-uuid');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('filters', () => {
  it('search matches service or organisation names', async () => {
    const body = await getValid('/services', 'service_list', { search: 'lunch club', per_page: 1000 });
    expect(body.total_items).toBe(SERVICES / 5);
    expect(body.contents.every((s) => String(s.name).startsWith('Lunch club'))).toBe(true);
  });

  it('taxonomy_term_id and taxonomy_id select services linked to that term or taxonomy', async () => {
    const terms = await getValid('/taxonomy_terms', 'taxonomy_term_list', { per_page: 1 });
    const term = terms.contents[0]!;
    const expected =
      await count(sql`select count(*)::int as n from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
      where md5(t.taxonomy || ':' || t.code)::uuid = ${String(term.id)}::uuid`);
    const body = await getValid('/services', 'service_list', {
      taxonomy_term_id: String(term.id),
      full: true,
      per_page: 1000,
    });
    expect(body.total_items).toBe(expected);
    for (const s of body.contents)
      expect((s.attributes as { taxonomy_term_id: string }[]).map((a) => a.taxonomy_term_id)).toContain(term.id);
    const all = await getValid('/services', 'service_list', { taxonomy_id: String(term.taxonomy_id), per_page: 1 });
    expect(all.total_items).toBe(SERVICES);
    const children = await getValid('/taxonomy_terms', 'taxonomy_term_list', { parent_id: String(term.id) });
    for (const c of children.contents) expect(c.parent_id).toBe(term.id);
    const top = await getValid('/taxonomy_terms', 'taxonomy_term_list', { top_only: true, per_page: 1000 });
    expect(top.contents.every((c) => c.parent_id === undefined)).toBe(true);
  });

  it('organization_id and modified_after filter services', async () => {
    const org = await getValid('/services', 'service_list', { organization_id: seededId('org', 10) });
    expect(org.contents.map((s) => s.id).sort()).toEqual([seededId('svc', 19), seededId('svc', 20)].sort());
    // Service i was modified at 2026-02-01 + i hours: after +900 h leaves services 900..1000.
    const after = new Date(Date.UTC(2026, 1, 1) + 900 * 3_600_000).toISOString();
    const recent = await getValid('/services', 'service_list', { modified_after: after, per_page: 1 });
    expect(recent.total_items).toBe(SERVICES - 900 + 1);
    const minimal = await get('/services', { minimal: true, modified_after: after, per_page: 1000 });
    expect(minimal.body.contents[0]).toEqual({ id: expect.any(String), last_modified: expect.any(String) });
    expect(minimal.body.size).toBe(101);
  });

  it('postcode orders service-at-locations by distance; with proximity only those within that many metres', async () => {
    const near = await getValid('/service_at_locations', 'service_at_location_list', {
      postcode: 'm139pl',
      proximity: 1000,
      per_page: 1000,
    });
    // Locations sit at -2.3 + k × 0.0013° (k = i mod 100) on 53.46: within 1 km are k ≤ 11 (about 86 m per step).
    const expected = await count(sql`select count(*)::int as n from locations
      where ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(-2.3, 53.46), 4326)::geography, 1000)`);
    expect(near.total_items).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(SERVICES);
    const ordered = await getValid('/service_at_locations', 'service_at_location_list', {
      postcode: 'M20 2LL',
      per_page: 50,
    });
    const lngs = ordered.contents.map((c) => (c.location as { longitude: number }).longitude);
    expect(lngs).toEqual([...lngs].sort((a, b) => b - a));
  });

  it.each([
    ['/services', { page: '0' }, 'page'],
    ['/services', { per_page: '5000' }, 'per_page'],
    ['/services', { per_page: 'ten' }, 'per_page'],
    ['/services', { taxonomy_term_id: 'food' }, 'taxonomy_term_id'],
    ['/services', { modified_after: 'yesterday' }, 'modified_after'],
    ['/services', { full: 'yes' }, 'full'],
    ['/services', { format: 'xml' }, 'format'],
    ['/service_at_locations', { postcode: 'ZZ1 1ZZ' }, 'postcode'],
    ['/service_at_locations', { proximity: '500' }, 'proximity'],
    ['/taxonomy_terms', { top_only: '1' }, 'top_only'],
  ])('%s with bad %j → 400 naming %s', async (path, q, field) => {
    const res = await get(path, q);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('open access', () => {
  it('any origin may read without a key or cookies; preflights are answered', async () => {
    const res = await get('/services', { per_page: 1 }).set('Origin', 'https://elsewhere.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['set-cookie']).toBeUndefined();
    const pre = await request(t.app)
      .options('/api/oruk/services')
      .set('Origin', 'https://elsewhere.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toContain('GET');
  });

  it('list pages cost the same number of queries whatever their size (children are batched, never per row)', async () => {
    const db = t.database.db as unknown as { execute: (...a: unknown[]) => Promise<unknown> };
    const original = db.execute;
    let n = 0;
    db.execute = function (this: unknown, ...a: unknown[]) {
      n += 1;
      return original.apply(this, a);
    };
    try {
      const costs: number[] = [];
      for (const per_page of [5, 200]) {
        n = 0;
        await getValid('/services', 'service_list', { full: true, per_page });
        costs.push(n);
      }
      expect(costs[1]).toBe(costs[0]);
    } finally {
      db.execute = original;
    }
  });
});
