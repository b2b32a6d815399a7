/**
 * npm run export -- oruk|csv|geojson FILE (runExportCommand): the file is the same bytes the API serves, written in
 * several batches; a failure (a folder that does not exist, the database lost part-way) exits 1 with a clear message
 * and leaves nothing at FILE (an existing FILE untouched) and no temporary file behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { runExportCommand } from '../../scripts/export';
import { allServiceIds, loadServices } from '../../server/features/oruk/repository';
import { buildTestApp, type TestApp } from '../helpers/app';
import { failingDb } from '../helpers/db';
import { seedGeography } from '../helpers/directory';
import { seedOrukDirectory } from '../helpers/oruk';

const PATHS = {
  oruk: '/api/exports/directory.oruk.json',
  csv: '/api/exports/directory.csv',
  geojson: '/api/exports/services.geojson',
} as const;

let t: TestApp;
let dir: string;
/** Queries the id list and the first batch of 3 take: the export fails part-way once they have run. */
let firstBatch: number;

beforeAll(async () => {
  t = await buildTestApp();
  await seedGeography(t.database.db);
  await seedOrukDirectory(t.database.db, 10);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-export-cli-'));
  const counting = failingDb(t.database.db);
  await loadServices(counting.db, (await allServiceIds(counting.db)).slice(0, 3));
  firstBatch = counting.queries;
}, 120_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], db = t.database.db) {
  let err = '';
  const code = await runExportCommand(db, argv, (s) => (err += s), { batchSize: 3 });
  return { code, err };
}

describe('export CLI', () => {
  it('writes each format, in batches of 3, byte-identical to the API export', async () => {
    for (const format of ['oruk', 'csv', 'geojson'] as const) {
      const file = path.join(dir, `directory.${format}`);
      expect(await run([format, file])).toEqual({ code: 0, err: '' });
      const api = await request(t.app).get(PATHS[format]).expect(200);
      expect([format, fs.readFileSync(file, 'utf8')]).toEqual([format, api.text]);
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 1 with a clear message and writes nothing when the folder does not exist', async () => {
    const file = path.join(dir, 'missing', 'directory.csv');
    const { code, err } = await run(['csv', file]);
    expect(code).toBe(1);
    expect(err).toMatch(new RegExp(`^Export to ${file} failed, nothing written: ENOENT`));
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('exits 1 and leaves an existing FILE untouched, with no temporary file, when the database fails part-way', async () => {
    for (const format of ['oruk', 'csv', 'geojson'] as const) {
      const file = path.join(dir, `previous.${format}`);
      fs.writeFileSync(file, 'the previous export');
      const wrapped = failingDb(t.database.db);
      wrapped.failAfter(firstBatch);
      const { code, err } = await run([format, file], wrapped.db);
      expect([format, code]).toEqual([format, 1]);
      expect(err).toMatch(
        /^Export to .* failed, nothing written: injected failure: connection to the database lost\n$/,
      );
      expect(wrapped.queries).toBeGreaterThan(firstBatch);
      expect(fs.readFileSync(file, 'utf8')).toBe('the previous export');
      const fresh = path.join(dir, `fresh.${format}`);
      wrapped.failAfter(firstBatch);
      expect((await run([format, fresh], wrapped.db)).code).toBe(1);
      expect(fs.existsSync(fresh)).toBe(false);
    }
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('exits 2 with the usage on a bad format or missing FILE', async () => {
    for (const argv of [['xml', path.join(dir, 'x')], ['csv'], ['toString', path.join(dir, 'x')]]) {
      const { code, err } = await run(argv);
      expect([argv, code]).toEqual([argv, 2]);
      expect(err).toMatch(/^Usage: npm run export -- oruk\|csv\|geojson FILE/);
    }
  });
});
