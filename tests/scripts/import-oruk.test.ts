/**
 * `npm run import -- oruk URL_OR_FILE` (runOrukCommand) on a real database of the current engine: the standard's
 * example files, and a paged feed served over real HTTP by a local node:http server (several pages, one broken
 * record): all or nothing by default, the good ones with --skip-invalid, a report either way; re-runs update rather
 * than duplicate; same organisation name and postcode is skipped; dry runs write nothing.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import { runOrukCommand } from '../../scripts/import';
import { loadConfig } from '../../server/config';
import { createOrganization, seedGeography, snapshotDirectory } from '../helpers/directory';
import { createTestDatabase } from '../helpers/db';
import { movedToEngland, seededId } from '../helpers/oruk';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'data', 'standards', 'oruk-3.0', 'examples');
/** The example service's and organisation's ids in the feed (Signpost gives them ids of its own). */
const EXAMPLE_SERVICE = 'ac148810-d857-441c-9679-408f346de14b';
const EXAMPLE_ORG = 'd9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610';
const EXAMPLE_SERVICE_ID = sql`(select id from services where source_ref = ${EXAMPLE_SERVICE})`;

let database: Database;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedGeography(database.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-oruk-'));
});
afterAll(async () => {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** OUTBOUND_ALLOW letting the importer reach the loopback feed servers below (refused by default). */
const ALLOW_LOOPBACK = loadConfig({ OUTBOUND_ALLOW: '127.0.0.1/32' }).outboundAllow;

/** Runs the command; feeds served over HTTP are named `test-feed` (their port, part of the URL, changes per server). */
async function run(argv: string[], outboundAllow: string[] = []) {
  let out = '';
  let err = '';
  const code = await runOrukCommand({
    db: database.db,
    argv: argv[0]?.startsWith('http://127.0.0.1') ? [...argv, '--source-name', 'test-feed'] : argv,
    outboundAllow,
    out: (s) => (out += s),
    err: (s) => (err += s),
  });
  return { code, out, err };
}

const one = async <T>(statement: ReturnType<typeof sql>) => (await query<T>(database.db, statement))[0];

/** A feed service as another ORUK directory would publish it. */
function feedService(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: seededId('feed-svc', i),
    name: `Feed service ${i}`,
    description: `Imported service ${i}`,
    status: 'active',
    url: `https://feed${i}.example.org`,
    organization: {
      id: seededId('feed-org', Math.ceil(i / 2)),
      name: `Feed organisation ${Math.ceil(i / 2)}`,
      description: 'From a feed',
    },
    service_at_locations: [
      {
        id: seededId('feed-sal', i),
        location: {
          id: seededId('feed-loc', i),
          location_type: 'physical',
          addresses: [
            {
              id: seededId('feed-addr', i),
              address_1: `${i} Feed Street`,
              city: 'Manchester',
              state_province: '',
              postal_code: 'M13 9PL',
              country: 'GB',
              address_type: 'physical',
            },
          ],
        },
      },
    ],
    schedules: [{ id: seededId('feed-sch', i), freq: 'WEEKLY', byday: 'MO', opens_at: '10:00', closes_at: '12:00' }],
    attributes: [
      {
        id: seededId('feed-attr', i),
        taxonomy_term: {
          id: seededId('feed-term', 1),
          name: 'Gardening',
          description: 'Green',
          taxonomy: 'feedtax',
          term: 'gardening',
        },
      },
    ],
    capacities: [
      {
        id: seededId('feed-cap', i),
        unit: { id: seededId('unit', 1), name: 'place' },
        available: 3,
        description: 'Accepting referrals',
        updated: '2026-01-05T10:00:00.000Z',
      },
    ],
    ...overrides,
  };
}

/** Serves `services` as an ORUK API (root, /services paged by per_page, /services/{id}) on a free local port. */
async function serveFeed(services: Record<string, unknown>[], perPage: number, opts: { basicLists?: boolean } = {}) {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname === '/oruk' || url.pathname === '/oruk/') {
      res.end(
        JSON.stringify({
          version: '3.0',
          profile: 'https://openreferraluk.org/specifications/3.0',
          openapi_url: 'http://x/openapi.json',
        }),
      );
      return;
    }
    if (url.pathname === '/oruk/services') {
      const page = Number(url.searchParams.get('page') ?? '1');
      const contents = services
        .slice((page - 1) * perPage, page * perPage)
        .map((s) => (opts.basicLists ? { id: s.id, name: s.name, status: s.status, organization: s.organization } : s));
      const totalPages = Math.ceil(services.length / perPage);
      res.end(
        JSON.stringify({
          total_items: services.length,
          total_pages: totalPages,
          page_number: page,
          size: contents.length,
          first_page: page === 1,
          last_page: page >= totalPages,
          empty: contents.length === 0,
          contents,
        }),
      );
      return;
    }
    const detail = /^\/oruk\/services\/([^/]+)$/.exec(url.pathname);
    const service = detail && services.find((s) => s.id === decodeURIComponent(detail[1]!));
    if (service) {
      res.end(JSON.stringify(service));
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oruk`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A copy of a standard example file with its US address moved to Manchester (only places in England import). */
function inEngland(file: string): string {
  const copy = path.join(dir, path.basename(file));
  fs.writeFileSync(copy, JSON.stringify(movedToEngland(JSON.parse(fs.readFileSync(file, 'utf8')))));
  return copy;
}

describe('the standard’s example files', () => {
  it('as published (an address in the US), service_full.json is rejected naming where the place is', async () => {
    const r = await run([path.join(EXAMPLES, 'service_full.json'), '--source-name', 'oruk-examples']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('locations.0: is outside England: outside the UK (country US) (postcode ABC 1234');
    expect(await one(sql`select count(*)::int as n from services where source_ref = ${EXAMPLE_SERVICE}`)).toEqual({
      n: 0,
    });
  });

  it('service_full.json imports the service, its organisation, location, schedule, contact, costs and taxonomy', async () => {
    const r = await run([inEngland(path.join(EXAMPLES, 'service_full.json')), '--source-name', 'oruk-examples']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/1 services: 1 created, 0 updated, 0 unchanged, 0 skipped, 0 rejected/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('service_at_locations.0.location.latitude: 100 is not a coordinate; ignored (warning)');
    const svc = await one<Record<string, unknown>>(
      sql`select s.id <> ${EXAMPLE_SERVICE} as own_id, s.name, o.source_ref as org_ref, s.fees_description, s.minimum_age,
            s.source, s.first_imported_at is not null as first_imported, s.last_seen_at is not null as last_seen
          from services s join organizations o on o.id = s.organization_id where s.source_ref = ${EXAMPLE_SERVICE}`,
    );
    expect(svc).toEqual({
      own_id: true,
      name: 'Community Counselling',
      org_ref: EXAMPLE_ORG,
      fees_description: 'fees_description',
      minimum_age: 12,
      source: 'oruk:oruk-examples',
      first_imported: true,
      last_seen: true,
    });
    expect(await one(sql`select source, status from organizations where source_ref = ${EXAMPLE_ORG}`)).toEqual({
      source: 'oruk:oruk-examples',
      status: 'approved',
    });
    const counts = await one<Record<string, number>>(sql`select
      (select count(*)::int from service_at_locations where service_id = ${EXAMPLE_SERVICE_ID}) as sals,
      (select count(*)::int from schedules where service_id = ${EXAMPLE_SERVICE_ID}) as schedules,
      (select count(*)::int from contacts where service_id = ${EXAMPLE_SERVICE_ID}) as contacts,
      (select count(*)::int from service_taxonomy where service_id = ${EXAMPLE_SERVICE_ID}) as terms`);
    expect(counts).toEqual({ sals: 1, schedules: 1, contacts: 1, terms: 1 });
  });

  it('service_list.json, organization_full.json and service_at_location_full.json update the same service, never duplicate it', async () => {
    for (const file of ['service_list.json', 'organization_full.json', 'service_at_location_full.json']) {
      const r = await run([inEngland(path.join(EXAMPLES, file)), '--source-name', 'oruk-examples']);
      expect([file, r.code, r.err]).toEqual([file, 0, '']);
      expect(r.out).toMatch(
        /1 services: 0 created, (1 updated, 0 unchanged|0 updated, 1 unchanged), 0 skipped, 0 rejected/,
      );
    }
    expect(await one(sql`select count(*)::int as n from services where source_ref = ${EXAMPLE_SERVICE}`)).toEqual({
      n: 1,
    });
    expect(await one(sql`select count(*)::int as n from organizations where source = 'oruk:oruk-examples'`)).toEqual({
      n: 1,
    });
  });
});

describe('a paged feed over HTTP', () => {
  const GOOD = Array.from({ length: 11 }, (_, k) => feedService(k + 1));
  const BROKEN = feedService(12, { name: '', organization: { id: 'not-a-uuid', name: 'Broken org' } });
  const FEED = [...GOOD.slice(0, 6), BROKEN, ...GOOD.slice(6)];

  it('with a broken record and no --skip-invalid: nothing is written, the report names the record, field and reason', async () => {
    const feed = await serveFeed(FEED, 5);
    try {
      const before = await snapshotDirectory(database.db);
      const r = await run([feed.url], ALLOW_LOOPBACK);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/12 services from 3 pages: 11 created, 0 updated, 0 unchanged, 0 skipped, 1 rejected/);
      expect(r.out).toContain(`services[6] (${seededId('feed-svc', 12)}) name: is required`);
      expect(r.out).toContain('Rejected: nothing was written.');
      expect(await snapshotDirectory(database.db)).toEqual(before);
      expect(feed.requests.filter((u) => u.startsWith('/oruk/services'))).toHaveLength(3);
    } finally {
      await feed.close();
    }
  });

  it('a dry run writes nothing and reports what would happen', async () => {
    const feed = await serveFeed(GOOD, 4);
    try {
      const before = await snapshotDirectory(database.db);
      const r = await run([`${feed.url}/services`, '--dry-run'], ALLOW_LOOPBACK);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/11 services from 3 pages: 11 created/);
      expect(r.out).toContain('Dry run: nothing was written.');
      expect(await snapshotDirectory(database.db)).toEqual(before);
    } finally {
      await feed.close();
    }
  });

  it('with --skip-invalid: the good records are written (organisations, locations placed, schedules, taxonomy, capacity)', async () => {
    const feed = await serveFeed(FEED, 5);
    try {
      const r = await run([feed.url, '--skip-invalid'], ALLOW_LOOPBACK);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(
        /12 services from 3 pages: 11 created, 0 updated, 0 unchanged, 0 skipped, 1 rejected \(organisations: 6 created/,
      );
      expect(r.out).toContain('name: is required');
      const ids = GOOD.map((s) => s.id as string);
      expect(
        await one(sql`select count(*)::int as n from services where source_ref = any(${sql.param(ids)}::text[])`),
      ).toEqual({ n: 11 });
      expect(
        await one(sql`select count(*)::int as n from services where source_ref = ${seededId('feed-svc', 12)}`),
      ).toEqual({
        n: 0,
      });
      const s1 = await one(sql`select s.capacity_status, s.capacity_places, o.source, o.source_ref, ST_Y(l.geom) as lat,
          (select count(*)::int from schedules where service_id = s.id) as schedules,
          (select t.code from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
            where st.service_id = s.id and t.taxonomy = 'feedtax') as term,
          (select t.code from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
            where st.service_id = s.id and t.taxonomy = 'signpost-social-prescribing') as category
        from services s join organizations o on o.id = s.organization_id
        join service_at_locations sal on sal.service_id = s.id join locations l on l.id = sal.location_id
        where s.source_ref = ${seededId('feed-svc', 1)}`);
      expect(s1).toEqual({
        capacity_status: 'accepting',
        capacity_places: 3,
        source: 'oruk:test-feed',
        source_ref: seededId('feed-org', 1),
        lat: 53.46,
        schedules: 1,
        term: 'gardening',
        category: 'nature_and_green_space',
      });
    } finally {
      await feed.close();
    }
  });

  it('re-importing updates instead of duplicating, and replaces children', async () => {
    const changed = GOOD.map((s, k) => (k === 0 ? { ...s, name: 'Renamed service', schedules: [] } : s));
    const feed = await serveFeed(changed, 5);
    try {
      const before = await one<{ n: number }>(sql`select count(*)::int as n from services`);
      const r = await run([feed.url], ALLOW_LOOPBACK);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/11 services from 3 pages: 0 created, 1 updated, 10 unchanged, 0 skipped, 0 rejected/);
      expect(await one(sql`select count(*)::int as n from services`)).toEqual(before);
      expect(
        await one(sql`select name, (select count(*)::int from schedules where service_id = s.id) as schedules
                           from services s where source_ref = ${seededId('feed-svc', 1)}`),
      ).toEqual({ name: 'Renamed service', schedules: 0 });
      expect(await one(sql`select count(*)::int as n from taxonomy_terms where taxonomy = 'feedtax'`)).toEqual({
        n: 1,
      });
    } finally {
      await feed.close();
    }
  });
});

describe('a feed whose lists carry only one-to-one fields', () => {
  it('fetches each service from /services/{id} and imports it in full', async () => {
    const services = [feedService(50), feedService(51)];
    const feed = await serveFeed(services, 1, { basicLists: true });
    try {
      const r = await run([feed.url], ALLOW_LOOPBACK);
      expect(r.out).toMatch(/2 services from 2 pages: 2 created/);
      expect(r.code).toBe(0);
      expect(feed.requests).toEqual(
        expect.arrayContaining([
          `/oruk/services/${seededId('feed-svc', 50)}`,
          `/oruk/services/${seededId('feed-svc', 51)}`,
        ]),
      );
      expect(
        await one(
          sql`select count(*)::int as n from service_at_locations where service_id = (select id from services where source_ref = ${seededId('feed-svc', 50)})`,
        ),
      ).toEqual({ n: 1 });
    } finally {
      await feed.close();
    }
  });
});

describe('de-duplication and bad sources', () => {
  it('an organisation already in the directory with the same name and postcode is skipped and listed', async () => {
    const org = await createOrganization(database.db, { name: 'Local Food Bank', source: 'import', sourceRef: 'x:1' });
    await database.db.execute(sql`insert into locations (organization_id, postcode) values (${org.id}, 'M20 2LL')`);
    const svc = feedService(40, {
      organization: { id: seededId('feed-org', 40), name: '  local   food bank ', description: '' },
    });
    (
      svc.service_at_locations as { location: { addresses: { postal_code: string }[] } }[]
    )[0]!.location.addresses[0]!.postal_code = 'm202ll';
    const file = path.join(dir, 'dup.json');
    fs.writeFileSync(file, JSON.stringify([svc]));
    const r = await run([file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 services: 0 created, 0 updated, 0 unchanged, 1 skipped, 0 rejected/);
    expect(r.out).toContain(
      `organization.name: an organisation with the same name and postcode is already in the directory (${org.id}) (skipped)`,
    );
    expect(
      await one(sql`select count(*)::int as n from services where source_ref = ${seededId('feed-svc', 40)}`),
    ).toEqual({
      n: 0,
    });
  });

  it('an unreadable source or an unreachable URL is exit 2 with a message, and bad usage is exit 2', async () => {
    expect((await run([path.join(dir, 'missing.json')])).code).toBe(2);
    const notJson = path.join(dir, 'bad.json');
    fs.writeFileSync(notJson, '{oops');
    const r = await run([notJson]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not readable as JSON/);
    expect(r.err).toContain(notJson);
    const closed = await serveFeed([], 5);
    await closed.close();
    expect((await run([closed.url], ALLOW_LOOPBACK)).code).toBe(2);
    expect((await run([])).code).toBe(2);
    expect((await run(['a.json', '--bogus'])).code).toBe(2);
  });
});

describe('feed URLs on non-public addresses (SSRF)', () => {
  const FEED = [feedService(60), feedService(61)];

  it('a feed on 127.0.0.1 without OUTBOUND_ALLOW is refused naming url, nothing is fetched or written', async () => {
    const feed = await serveFeed(FEED, 5);
    try {
      const before = await snapshotDirectory(database.db);
      const r = await run([feed.url]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^url: points to a private or loopback address \(127\.0\.0\.1\)/);
      expect(r.err).toContain('Nothing was written.');
      expect(feed.requests).toEqual([]);
      expect(await snapshotDirectory(database.db)).toEqual(before);
      expect(
        await one(sql`select count(*)::int as n from services where source_ref = ${seededId('feed-svc', 60)}`),
      ).toEqual({
        n: 0,
      });
    } finally {
      await feed.close();
    }
  });

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/', /^url: points to a private or loopback/],
    ['localhost', 'http://localhost:9/oruk', /^url: points to a private or loopback/],
    ['a file: URL', 'file:///etc/passwd', /^Cannot read file:\/\/\/etc\/passwd/],
  ])('%s is refused with exit 2 and nothing written', async (_name, url, message) => {
    const before = await snapshotDirectory(database.db);
    const r = await run([url]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(await snapshotDirectory(database.db)).toEqual(before);
  });

  it('a ".." segment in the feed URL is refused even when the host is allowed', async () => {
    const feed = await serveFeed(FEED, 5);
    try {
      const r = await run([`${feed.url}/x/%2E%2E/services`], ALLOW_LOOPBACK);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^url: must not contain "\.\." path segments/);
      expect(feed.requests).toEqual([]);
    } finally {
      await feed.close();
    }
  });

  it('with OUTBOUND_ALLOW naming the loopback server, the same feed imports', async () => {
    const feed = await serveFeed(FEED, 5);
    try {
      const r = await run([feed.url], ALLOW_LOOPBACK);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/2 services from 1 pages: 2 created/);
      expect(
        await one(sql`select count(*)::int as n from services where source_ref = ${seededId('feed-svc', 60)}`),
      ).toEqual({
        n: 1,
      });
    } finally {
      await feed.close();
    }
  });
});
