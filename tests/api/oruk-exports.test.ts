/**
 * Exports of the whole directory (ORUK JSON, CSV, GeoJSON) and the round trip: export as ORUK JSON, import into an
 * empty Signpost with `npm run import -- oruk FILE`, and both directories' ORUK records are equal apart from ids (the
 * importing Signpost gives records ids of its own and keeps the exporter's as source_ref), provenance metadata and
 * last_modified (which the standard lets differ: it is when the record changed in that directory).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { runOrukCommand } from '../../scripts/import';
import { buildTestApp, type TestApp } from '../helpers/app';
import { seedGeography } from '../helpers/directory';
import { orukValidator, seedOrukDirectory, seededId } from '../helpers/oruk';

const SERVICES = 120;
let source: TestApp;
let target: TestApp;
let dir: string;

beforeAll(async () => {
  source = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
  await seedGeography(source.database.db);
  await seedOrukDirectory(source.database.db, SERVICES);
  await source.database.db.execute(
    sql`update services set name = '=HYPERLINK("http://evil.example")' where id = ${seededId('svc', 3)}`,
  );
  // An empty directory with the same reference data (postcodes are reference data, not directory data).
  target = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
  await seedGeography(target.database.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-export-'));
}, 120_000);
afterAll(async () => {
  await source.close();
  await target.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Drops last_modified everywhere (the one field the standard lets differ between two copies). */
function withoutTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'last_modified')
        .map(([k, v]) => [k, withoutTimestamps(v)]),
    );
  return value;
}

/** A response without ids (`id`, `*_id`), provenance `metadata` and `last_modified`, lists in a stable order. */
function withoutIds(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(withoutIds).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'id' && !k.endsWith('_id') && k !== 'metadata' && k !== 'last_modified')
        .map(([k, v]) => [k, withoutIds(v)]),
    );
  return value;
}

describe('exports', () => {
  it('ORUK JSON: one list page of every public service, fully nested, valid against service_list.json', async () => {
    const res = await request(source.app).get('/api/exports/directory.oruk.json');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(orukValidator().validate('service_list', res.body)).toEqual([]);
    expect(res.body).toMatchObject({ total_items: SERVICES, total_pages: 1, size: SERVICES, last_page: true });
    expect(
      res.body.contents.every((s: { service_at_locations?: unknown[] }) => s.service_at_locations?.length === 1),
    ).toBe(true);
    expect(res.body.contents.map((s: { id: string }) => s.id)).not.toContain(seededId('pending-svc', 1));
  });

  it('CSV: one row per service-at-location with capacity, formula cells neutralised', async () => {
    const res = await request(source.app).get('/api/exports/directory.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const rows = parse(res.text, { columns: true }) as Record<string, string>[];
    const sals = await query<{ n: number }>(
      source.database.db,
      sql`select count(*)::int as n from service_at_locations sal join services s on s.id = sal.service_id
          join organizations o on o.id = s.organization_id where o.status = 'approved'`,
    );
    expect(rows).toHaveLength(sals[0]!.n);
    const evil = rows.find((r) => r.service_id === seededId('svc', 3))!;
    expect(evil.service_name).toBe(`'=HYPERLINK("http://evil.example")`);
    const waitlisted = await query<{ id: string; capacity_wait_days: number }>(
      source.database.db,
      sql`select id, capacity_wait_days from services where capacity_status = 'waitlist' limit 1`,
    );
    const w = rows.find((r) => r.service_id === waitlisted[0]!.id)!;
    expect(w).toMatchObject({ capacity_status: 'waitlist', capacity_label: 'Waiting list', capacity_available: '0' });
    expect(Number(w.capacity_wait_days)).toBe(waitlisted[0]!.capacity_wait_days);
    expect(Number(w.longitude)).toBeLessThan(0);
  });

  it('GeoJSON: one point per located service-at-location with name and capacity', async () => {
    const res = await request(source.app).get('/api/exports/services.geojson');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features).toHaveLength(SERVICES);
    const f = res.body.features.find(
      (x: { properties: { service_id: string } }) => x.properties.service_id === seededId('svc', 1),
    );
    expect(f.geometry).toEqual({ type: 'Point', coordinates: [expect.closeTo(-2.2987, 4), 53.46] });
    expect(f.properties).toMatchObject({
      capacity_status: 'limited',
      capacity_label: 'Limited places',
      postcode: 'M13 9PL',
    });
  });
});

describe('round trip', () => {
  it('export → import into an empty Signpost → equal ORUK records on every endpoint, ids of its own', async () => {
    const exported = await request(source.app).get('/api/exports/directory.oruk.json');
    const file = path.join(dir, 'directory.oruk.json');
    fs.writeFileSync(file, JSON.stringify(exported.body));
    let out = '';
    const code = await runOrukCommand({
      db: target.database.db,
      argv: [file],
      out: (s) => (out += s),
      err: (s) => (out += s),
    });
    expect(out).toMatch(
      new RegExp(`${SERVICES} services: ${SERVICES} created, 0 updated, 0 unchanged, 0 skipped, 0 rejected`),
    );
    expect(code).toBe(0);

    // The target's own ids of the exporter's service 7 and organisation 7 (kept as source_ref).
    const [own] = await query<{ svc: string; org: string }>(
      target.database.db,
      sql`select (select id::text from services where source_ref = ${seededId('svc', 7)}) as svc,
                 (select id::text from organizations where source_ref = ${seededId('org', 7)}) as org`,
    );
    expect(own!.svc).not.toBe(seededId('svc', 7));
    const paths: [string, string][] = [
      ['/api/oruk/services?per_page=1000', '/api/oruk/services?per_page=1000'],
      ['/api/oruk/services?per_page=1000&full=true', '/api/oruk/services?per_page=1000&full=true'],
      [
        '/api/oruk/organizations?per_page=1000&full_service=true',
        '/api/oruk/organizations?per_page=1000&full_service=true',
      ],
      [
        '/api/oruk/service_at_locations?per_page=1000&full=true',
        '/api/oruk/service_at_locations?per_page=1000&full=true',
      ],
      [
        '/api/oruk/service_at_locations?postcode=M13%209PL&proximity=2000&per_page=1000',
        '/api/oruk/service_at_locations?postcode=M13%209PL&proximity=2000&per_page=1000',
      ],
      ['/api/oruk/taxonomies', '/api/oruk/taxonomies'],
      ['/api/oruk/taxonomy_terms?per_page=1000', '/api/oruk/taxonomy_terms?per_page=1000'],
      [`/api/oruk/services/${seededId('svc', 7)}`, `/api/oruk/services/${own!.svc}`],
      [
        `/api/oruk/organizations/${seededId('org', 7)}?full_service=true`,
        `/api/oruk/organizations/${own!.org}?full_service=true`,
      ],
    ];
    for (const [p, q] of paths) {
      const [a, b] = await Promise.all([request(source.app).get(p), request(target.app).get(q)]);
      expect([p, a.status, b.status]).toEqual([p, 200, 200]);
      expect([p, withoutIds(b.body)]).toEqual([p, withoutIds(a.body)]);
    }
    const taxonomies = await request(source.app).get('/api/oruk/taxonomies');
    for (const t of taxonomies.body.contents) {
      const p = `/api/oruk/taxonomies/${t.id}`;
      const [a, b] = await Promise.all([request(source.app).get(p), request(target.app).get(p)]);
      expect(b.body).toEqual(a.body);
    }

    // Importing the same export again changes nothing: every service unchanged, the same responses.
    const before = await request(target.app).get('/api/oruk/services?per_page=1000&full=true');
    let again = '';
    expect(
      await runOrukCommand({
        db: target.database.db,
        argv: [file],
        out: (s) => (again += s),
        err: (s) => (again += s),
      }),
    ).toBe(0);
    expect(again).toMatch(new RegExp(`0 created, 0 updated, ${SERVICES} unchanged`));
    const after = await request(target.app).get('/api/oruk/services?per_page=1000&full=true');
    expect(withoutTimestamps(after.body)).toEqual(withoutTimestamps(before.body));
  });
});
