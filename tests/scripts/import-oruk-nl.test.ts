/**
 * A real council feed (North Lincolnshire, December 2024: 738 services, ORUK 1.0 / vendor shaped, GUIDs that are not
 * RFC 4122, HTML descriptions, URLs without scheme, over-long text, vendor `pc_*` fields) imported once for the file:
 * nearly everything is created and answers on the API, every repair and unmapped field is reported with counts,
 * Signpost's ORUK output of the result validates against the ORUK 3.0 schemas, re-running changes nothing, and
 * Signpost's own ORUK export re-imports into an empty directory with no rejections and equal records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { query, type Database, type Db } from '../../server/db';
import { importOrukFeed, importOrukServices, type OrukImportReport } from '../../server/features/oruk';
import { runOrukCommand } from '../../scripts/import';
import { buildTestApp, type TestApp } from '../helpers/app';
import { createTestDatabase } from '../helpers/db';
import { seedGeography, snapshotDirectory } from '../helpers/directory';
import { orukValidator } from '../helpers/oruk';

const FILE = '/work/shared/data/vcse/oruk_feed_north_lincolnshire_2024-12.json';
const FEED = JSON.parse(fs.readFileSync(FILE, 'utf8')) as Record<string, unknown>[];
const RFC_4122 = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

let t: TestApp;
let report: OrukImportReport;
let dir: string;
beforeAll(async () => {
  t = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
  await seedGeography(t.database.db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-oruk-nl-'));
  report = await importOrukFeed({ db: t.database.db, source: FILE, skipInvalid: true });
}, 300_000);
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rows = <T>(db: Db, statement: ReturnType<typeof sql>) => query<T>(db, statement);

describe('the North Lincolnshire feed', () => {
  it('when imported, then at least 95% of its services are created and the counts add up to the file', async () => {
    expect(report.records).toBe(FEED.length);
    expect(report.created).toBeGreaterThanOrEqual(Math.ceil(FEED.length * 0.95));
    expect(report.created + report.updated + report.unchanged + report.rejected + report.skipped).toBe(FEED.length);
    expect(report.written).toBe(true);
    const [db] = await rows<{ n: number; own: number }>(
      t.database.db,
      sql`select count(*)::int as n, count(*) filter (where id::text <> source_ref)::int as own
          from services where source = 'oruk:oruk_feed_north_lincolnshire_2024-12.json'`,
    );
    expect(db).toEqual({ n: report.created, own: report.created });
  });

  it('when imported, then every created service answers 200 on GET /api/services/:id, and so does a row whose id is a GUID but not RFC 4122', async () => {
    const ids = await rows<{ id: string }>(
      t.database.db,
      sql`select id from services where source = 'oruk:oruk_feed_north_lincolnshire_2024-12.json'`,
    );
    const failures: string[] = [];
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < ids.length; i += 4)
        await Promise.all(
          ids.slice(i, i + 4).map(async ({ id }) => {
            const res = await fetch(`http://127.0.0.1:${port}/api/services/${id}`);
            if (res.status !== 200) failures.push(`${id}: ${res.status}`);
            await res.arrayBuffer();
          }),
        );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect([ids.length, failures]).toEqual([report.created, []]);
    // A row as older databases hold them: the feed's own non-RFC GUID as the primary key.
    const nonRfc = FEED.map((s) => s.id as string).find((id) => !RFC_4122.test(id))!;
    const [org] = await rows<{ id: string }>(t.database.db, sql`select id from organizations limit 1`);
    await t.database.db.execute(
      sql`insert into services (id, organization_id, name) values (${nonRfc}, ${org!.id}, 'Legacy id service')`,
    );
    const res = await request(t.app).get(`/api/services/${nonRfc}`);
    expect([res.status, res.body.id, res.body.name]).toEqual([200, nonRfc, 'Legacy id service']);
    expect((await request(t.app).get(`/api/oruk/services/${nonRfc}`)).status).toBe(200);
    await t.database.db.execute(sql`delete from services where id = ${nonRfc}`);
  }, 300_000);

  it('when imported, then the report lists each repair with before/after and each unmapped field with its count', () => {
    expect(report.unmappedFields).toMatchObject({
      'pc_metadata.assured_by': 738,
      assured_date: 738,
      pc_attendingAccess_additionalInfo: 42,
      attending_access: 61,
    });
    expect(report.repairs['url: URL scheme added']).toBeGreaterThan(0);
    expect(report.repairs['description: HTML converted to plain text']).toBeGreaterThan(600);
    expect(Object.keys(report.repairs).some((k) => k.startsWith('description: longer than 5000'))).toBe(true);
    const scheme = report.warnings.find((w) => w.field === 'url' && w.reason === 'URL scheme added')!;
    expect(scheme.before).not.toMatch(/^https?:/);
    expect(scheme.after).toBe(`https://${scheme.before}`);
    expect(report.warnings.find((w) => w.reason === 'HTML converted to plain text')).toMatchObject({
      record: expect.stringMatching(/^services\[\d+\] \(/),
      before: expect.stringContaining('<p>'),
    });
    // Counted repairs are exactly the warnings listed.
    expect(Object.values(report.repairs).reduce((a, b) => a + b, 0)).toBe(report.warnings.length);
    expect(Object.keys(report.unmappedTerms).length).toBeGreaterThan(0);
  });

  it('when imported, then descriptions are plain text within the limits, and URLs carry a scheme', async () => {
    const [r] = await rows<Record<string, number>>(
      t.database.db,
      sql`select count(*) filter (where description ~ '<[a-z/][^>]*>' or description ~ '&(amp|nbsp|lt|gt);')::int as html,
                 count(*) filter (where length(description) > 5000)::int as long,
                 count(*) filter (where url is not null and url !~ '^https?://')::int as schemeless,
                 count(*) filter (where description ~ '[\u200b\u200c\u200d\ufeff]')::int as zero_width
          from services where source like 'oruk:%'`,
    );
    expect(r).toEqual({ html: 0, long: 0, schemeless: 0, zero_width: 0 });
    const page = await request(t.app).get(
      `/api/services/${(await rows<{ id: string }>(t.database.db, sql`select id from services where source like 'oruk:%' limit 1`))[0]!.id}`,
    );
    expect(page.body.provenance).toEqual({
      source: 'oruk_feed_north_lincolnshire_2024-12.json',
      sourceRef: expect.any(String),
      firstImportedAt: expect.any(String),
      lastSeenAt: expect.any(String),
      missingSince: null,
    });
  });

  it('when imported, then Signpost’s ORUK API validates against the ORUK 3.0 schemas with no errors, provenance in metadata', async () => {
    const validator = orukValidator();
    const errors: string[] = [];
    let first: Record<string, unknown> | undefined;
    for (let page = 1; ; page += 1) {
      const res = await request(t.app).get('/api/oruk/services').query({ full: true, per_page: 200, page });
      expect(res.status).toBe(200);
      errors.push(...validator.validate('service_list', res.body).map((e) => `services page ${page}: ${e}`));
      first ??= res.body.contents[0];
      if (res.body.last_page) break;
    }
    const orgs = await request(t.app).get('/api/oruk/organizations').query({ per_page: 1000 });
    errors.push(...validator.validate('organization_list', orgs.body));
    const one = await request(t.app).get(`/api/oruk/services/${first!.id as string}`);
    errors.push(...validator.validate('service', one.body));
    expect(errors).toEqual([]);
    expect(one.body.metadata).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          resource_id: first!.id,
          resource_type: 'service',
          last_action_type: 'imported',
          updated_by: 'oruk_feed_north_lincolnshire_2024-12.json',
        }),
      ]),
    );
  });

  it('when imported again, then nothing changes: every service is unchanged and the directory is the same', async () => {
    /** The directory without the audit log and the services' last-seen times (a re-read is recorded there). */
    const state = async () => {
      const snap = await snapshotDirectory(t.database.db);
      delete snap.audit_log;
      snap.services = snap.services!.map((r) => {
        const { last_seen_at: _seen, ...row } = (r as { row: Record<string, unknown> }).row;
        return row;
      });
      return snap;
    };
    const seenBefore = await rows<{ at: string }>(
      t.database.db,
      sql`select max(last_seen_at)::text as at from services`,
    );
    const before = await state();
    let out = '';
    const code = await runOrukCommand({
      db: t.database.db,
      argv: [FILE, '--skip-invalid'],
      out: (s) => (out += s),
      err: (s) => (out += s),
    });
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`738 services: 0 created, 0 updated, ${report.created} unchanged`));
    expect(out).toContain('Fields not imported (records carrying them):\n');
    expect(out).toContain('  pc_attendingAccess_additionalInfo: 42');
    expect(await state()).toEqual(before);
    const [seen] = await rows<{ later: boolean }>(
      t.database.db,
      sql`select bool_and(last_seen_at > ${seenBefore[0]!.at}::timestamptz) as later from services where source like 'oruk:%'`,
    );
    expect(seen).toEqual({ later: true });
  }, 300_000);

  it('when Signpost’s own ORUK export is imported into an empty directory, then nothing is rejected and the records are equal', async () => {
    const exported: unknown[] = [];
    for (let page = 1; ; page += 1) {
      const res = await request(t.app).get('/api/oruk/services').query({ full: true, per_page: 1000, page });
      exported.push(...(res.body.contents as unknown[]));
      if (res.body.last_page) break;
    }
    const file = path.join(dir, 'signpost-export.json');
    fs.writeFileSync(file, JSON.stringify(exported));
    const empty: Database = await createTestDatabase();
    try {
      await seedGeography(empty.db);
      const r = await importOrukServices({ db: empty.db, services: exported, source: file });
      expect([r.rejected, r.skipped, r.created]).toEqual([0, 0, exported.length]);
      const shape = sql`s.name, s.description, s.url, s.email, s.status, o.name as org, o.website, o.description as org_description,
        (select string_agg(t.code, ',' order by t.code) from service_taxonomy st join taxonomy_terms t on t.id = st.taxonomy_term_id
           where st.service_id = s.id and t.taxonomy = 'signpost-social-prescribing') as categories`;
      const original = await rows<Record<string, unknown>>(
        t.database.db,
        sql`select s.id::text as k, ${shape} from services s join organizations o on o.id = s.organization_id order by 1`,
      );
      const copy = await rows<Record<string, unknown>>(
        empty.db,
        sql`select s.source_ref as k, ${shape} from services s join organizations o on o.id = s.organization_id order by 1`,
      );
      expect(copy).toEqual(original);
    } finally {
      await empty.close();
    }
  }, 300_000);
});
