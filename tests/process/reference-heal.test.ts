/**
 * The first reference-data load as a real process, killed (SIGKILL) at random points: the next start finds what is
 * missing, loads only that, and ends with the same row counts as an uninterrupted load. Uses the small reference
 * fixture (REFERENCE_DATA_DIR) so each start takes seconds; the seed is printed so a failure can be replayed with
 * SIGNPOST_TEST_SEED.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, query, type Db } from '../../server/db';
import { importReferenceData, STEPS } from '../../server/features/areas';
import { createTestDatabase } from '../helpers/db';
import { writeReferenceFixture } from '../helpers/referenceFixture';
import { startServer, waitFor } from '../helpers/serverProcess';
import { seeded } from '../api/support/fuzz';

const TABLES = [
  'regions',
  'icbs',
  'sub_icbs',
  'pcns',
  'practices',
  'lsoas',
  'area_indicators',
  'pcn_workforce',
  'postcodes',
  'postcode_areas',
  'dataset_imports',
];

/** The datasets a start said it would load ("reference datasets to load" log record), or [] when none. */
function datasetsToLoad(out: string): string[] {
  for (const line of out.split('\n')) {
    if (!line.includes('reference datasets to load')) continue;
    return (JSON.parse(line) as { datasets: { dataset: string }[] }).datasets.map((d) => d.dataset);
  }
  return [];
}

async function counts(db: Db): Promise<Record<string, number>> {
  const rows = await query<{ t: string; n: number }>(
    db,
    sql.raw(TABLES.map((t) => `select '${t}' as t, count(*)::int as n from ${t}`).join(' union all ')),
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

describe('first reference-data load killed part-way', () => {
  jest.setTimeout(600_000);
  const dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-heal-ref-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-heal-data-'));
  afterAll(() => {
    fs.rmSync(dataRoot, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the server is killed at random points of the load, then the next start reloads what is missing and the counts match a clean load', async () => {
    writeReferenceFixture(dataRoot);
    const expected = await (async () => {
      const database = await createTestDatabase();
      try {
        await importReferenceData({ db: database.db, dataRoot });
        return await counts(database.db);
      } finally {
        await database.close();
      }
    })();

    const seed = Number(process.env.SIGNPOST_TEST_SEED ?? Date.now() % 1_000_000);
    process.stdout.write(`reference-heal seed ${seed} (replay with SIGNPOST_TEST_SEED=${seed})\n`);
    const rand = seeded(seed);
    const env = { PORT: '0', DATA_DIR: dataDir, REFERENCE_DATA: 'auto', REFERENCE_DATA_DIR: dataRoot };

    // Two kills: each at the start of a random step still to load, plus a random 0–100 ms into it.
    let remaining: string[] = [...STEPS];
    const killedDuring: string[] = [];
    for (let kill = 0; kill < 2; kill++) {
      const step = remaining[Math.floor(rand() * remaining.length)]!;
      const delay = Math.floor(rand() * 100);
      const p = startServer(env);
      await waitFor(
        () =>
          new RegExp(`loading reference data: ${step} `).test(p.output()) || /reference data loaded/.test(p.output()),
        300_000,
        p.output,
        20, // poll often: the kill point should land close to the step's start
      );
      if (delay) await new Promise((r) => setTimeout(r, delay));
      p.child.kill('SIGKILL');
      await p.exited;
      killedDuring.push(`${step}+${delay}ms`);
      expect(datasetsToLoad(p.output())).toEqual(remaining);

      // What the next start will find: exactly the datasets without a committed record.
      const probe = await openDatabase({ dataDir });
      try {
        const committed = await query<{ dataset: string }>(probe.db, sql`select dataset from dataset_imports`);
        remaining = STEPS.filter((s) => !committed.some((c) => c.dataset === s));
      } finally {
        await probe.close();
      }
      if (remaining.length === 0) break;
    }
    process.stdout.write(`reference-heal killed during ${killedDuring.join(', ')}; left ${remaining.join(', ')}\n`);

    const last = startServer(env);
    await waitFor(() => /Signpost is ready|Signpost ready on/.test(last.output()), 300_000, last.output);
    expect(datasetsToLoad(last.output())).toEqual(remaining);
    const port = Number(/http:\/\/localhost:(\d+)/.exec(last.output())?.[1]);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    const body = (await ready.json()) as { status: string; datasets: { dataset: string; state: string }[] };
    expect(ready.status).toBe(200);
    expect(body.datasets.map((d) => [d.dataset, d.state])).toEqual(STEPS.map((s) => [s, 'loaded']));
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const healed = await openDatabase({ dataDir });
    try {
      expect(await counts(healed.db)).toEqual(expected);
    } finally {
      await healed.close();
    }
  });
});
