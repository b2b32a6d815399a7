/**
 * The whole-directory exports are streamed a batch at a time: with a batch of 3 services the HTTP responses are
 * byte-identical to the document rendered whole from one load of every service; a failure before the first byte
 * gets the usual problem response, a failure mid-stream cuts the download short (and is logged), and the ORUK page
 * fails rather than contradict its total when a service is unpublished during the export.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { query, type Database } from '../../server/db';
import {
  CSV_COLUMNS,
  csvRows,
  geoJsonChunks,
  geoJsonFeatures,
  orukJsonChunks,
} from '../../server/features/oruk/exports';
import { presentPage, presentServiceFull } from '../../server/features/oruk/presenter';
import { allServiceIds, loadServices } from '../../server/features/oruk/repository';
import { toCsv } from '../../shared/csv';
import { createTestDatabase, failingDb, type FailingDb } from '../helpers/db';
import { seedGeography } from '../helpers/directory';
import { seedOrukDirectory, seededId } from '../helpers/oruk';

/** 11 located services and one without a location: four batches of 3, the last one short. */
const SERVICES = 12;
const BATCH = 3;

let database: Database;
let wrapped: FailingDb;
let logs: string[];
let app: ReturnType<typeof createApp>;
/** Queries one batch of services takes (with its children). */
let perBatch: number;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedGeography(database.db);
  await seedOrukDirectory(database.db, SERVICES - 1);
  await database.db.execute(
    sql`insert into services (id, organization_id, name, description)
        values (${seededId('unlocated-svc', 1)}, ${seededId('org', 1)}, 'Phone befriending', 'No venue')`,
  );
  wrapped = failingDb(database.db);
  logs = [];
  const config = loadConfig({ NODE_ENV: 'test', REFERENCE_DATA: 'skip' });
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  app = createApp({ config, logger, database: { ...database, db: wrapped.db }, exportBatchSize: BATCH });
  await loadServices(wrapped.db, (await allServiceIds(database.db)).slice(0, BATCH));
  perBatch = wrapped.queries;
}, 120_000);
afterEach(() => wrapped.failAfter(Infinity));
afterAll(async () => {
  await database.close();
});

/** Each export rendered whole, as before streaming: every service loaded at once, one JSON.stringify / toCsv. */
async function wholeDocuments() {
  const all = await loadServices(database.db, await allServiceIds(database.db));
  const contents = all.services.map((s) => presentServiceFull(s, all));
  return {
    oruk: JSON.stringify(presentPage(contents, contents.length, 1, Math.max(contents.length, 1))),
    csv: toCsv(
      CSV_COLUMNS,
      all.services.flatMap((s) => csvRows(s, all)),
    ),
    geojson: JSON.stringify({
      type: 'FeatureCollection',
      features: all.services.flatMap((s) => geoJsonFeatures(s, all)),
    }),
  };
}

const PATHS = {
  oruk: '/api/exports/directory.oruk.json',
  csv: '/api/exports/directory.csv',
  geojson: '/api/exports/services.geojson',
} as const;

/** GETs `path` over a real connection, uncompressed (so the first batch is not held back in gzip). */
function download(path: string): Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      http
        .get({ host: '127.0.0.1', port, path, headers: { 'Accept-Encoding': 'identity' } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          // A response cut short also emits an error ("aborted"); 'close' comes either way.
          res.on('error', () => {});
          res.on('close', () => {
            server.close();
            resolve({ status: res.statusCode ?? 0, body, complete: res.complete });
          });
        })
        .on('error', reject);
    });
  });
}

/** Collects a streamed export. */
async function collect(chunks: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}

describe('streamed exports', () => {
  it('are byte-identical to the whole document over several batches, and parse with the right counts', async () => {
    const expected = await wholeDocuments();
    for (const format of ['oruk', 'csv', 'geojson'] as const) {
      const res = await request(app).get(PATHS[format]).expect(200);
      expect([format, res.text]).toEqual([format, expected[format]]);
    }

    const oruk = JSON.parse(expected.oruk) as { total_items: number; size: number; contents: { id: string }[] };
    expect(oruk).toMatchObject({ total_items: SERVICES, size: SERVICES, total_pages: 1, last_page: true });
    expect(new Set(oruk.contents.map((s) => s.id)).size).toBe(SERVICES);
    const [sals] = await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from service_at_locations sal join services s on s.id = sal.service_id
          join organizations o on o.id = s.organization_id where o.status = 'approved'`,
    );
    // Header, one line per service-at-location, one for the service without a location.
    expect(expected.csv.split('\r\n').filter(Boolean)).toHaveLength(1 + sals!.n + 1);
    expect(expected.csv).toContain(`${seededId('unlocated-svc', 1)},Phone befriending,`);
    expect(JSON.parse(expected.geojson).features).toHaveLength(sals!.n);
  });

  it('come one chunk per batch (the envelope with the first, the closing with its own)', async () => {
    const batches = Math.ceil(SERVICES / BATCH);
    const oruk = await collect(orukJsonChunks(database.db, { batchSize: BATCH }));
    expect(oruk).toHaveLength(batches + 1);
    expect(oruk[0]).toMatch(/^\{"total_items":12,.*"contents":\[\{"id":/);
    expect(oruk.at(-1)).toBe(']}');
    expect(await collect(geoJsonChunks(database.db, { batchSize: BATCH }))).toHaveLength(batches + 1);
  });

  it('answers a failure before the first byte with the usual problem response, no internals, no attachment', async () => {
    for (const p of Object.values(PATHS)) {
      wrapped.failAfter(0);
      const res = await request(app).get(p);
      expect([p, res.status]).toEqual([p, 500]);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.body).toMatchObject({ code: 'internal_error', status: 500 });
      expect(JSON.stringify(res.body)).not.toMatch(/injected|database/);
    }
  });

  it('cuts the download short on a failure mid-stream, after the first batch has gone out, and logs it', async () => {
    const expected = await wholeDocuments();
    for (const format of ['oruk', 'csv', 'geojson'] as const) {
      logs.length = 0;
      // The id list and the first batch load; the second batch fails.
      wrapped.failAfter(1 + perBatch);
      const res = await download(PATHS[format]);
      expect([format, res.status, res.complete]).toEqual([format, 200, false]);
      // What arrived is the start of the document, and only the start.
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.body.length).toBeLessThan(expected[format].length);
      expect(expected[format].startsWith(res.body)).toBe(true);
      const logged = logs.map((l) => JSON.parse(l) as { msg: string; err?: { message: string } });
      expect(logged).toContainEqual(
        expect.objectContaining({
          msg: 'export failed mid-stream',
          err: expect.objectContaining({ message: expect.stringMatching(/injected failure/) }),
        }),
      );
    }
  });

  it('HEAD answers the headers without running the whole export', async () => {
    const before = wrapped.queries;
    const res = await request(app).head(PATHS.csv).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="directory.csv"');
    expect(wrapped.queries - before).toBe(1 + perBatch);
  });

  it('ORUK: fails rather than contradict total_items when a listed service is unpublished during the export', async () => {
    const last = (await allServiceIds(database.db)).at(-1)!;
    const [{ organization_id: org }] = (await query<{ organization_id: string }>(
      database.db,
      sql`select organization_id from services where id = ${last}`,
    )) as [{ organization_id: string }];
    const chunks = orukJsonChunks(database.db, { batchSize: BATCH });
    expect((await chunks.next()).value).toMatch(/^\{"total_items":12,/);
    await database.db.execute(
      sql`update services set organization_id = ${seededId('pending-org', 1)} where id = ${last}`,
    );
    try {
      await expect(collect(chunks)).rejects.toThrow(
        'The directory changed during the export (12 services listed, 11 written)',
      );
    } finally {
      await database.db.execute(sql`update services set organization_id = ${org} where id = ${last}`);
    }
  });
});
