/** Database.observeQueries (the metrics hook) sees every query on both engines, in and out of transactions, and poolStats on a server. */
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import { createTestDatabase, TEST_ENGINE } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** Records what the observer is told while `work` runs, then removes it. */
async function observed(work: () => Promise<unknown>): Promise<{ seconds: number; ok: boolean }[]> {
  const seen: { seconds: number; ok: boolean }[] = [];
  const stop = database.observeQueries((seconds, ok) => seen.push({ seconds, ok }));
  try {
    await work().catch(() => undefined);
  } finally {
    stop();
  }
  return seen;
}

describe('Database.observeQueries', () => {
  it('is told of each query with its duration, and of failures', async () => {
    const ok = await observed(() => query(database.db, sql`select 1 as one`));
    expect(ok).toEqual([{ seconds: expect.any(Number), ok: true }]);
    expect(ok[0]!.seconds).toBeGreaterThanOrEqual(0);
    const failed = await observed(() => query(database.db, sql`select 1 / 0`));
    expect(failed).toEqual([{ seconds: expect.any(Number), ok: false }]);
  });

  it('sees the statements run inside a transaction (a server also reports BEGIN and COMMIT)', async () => {
    const seen = await observed(() =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.execute(sql`select 2`);
      }),
    );
    expect(seen.every((s) => s.ok)).toBe(true);
    expect(seen).toHaveLength(TEST_ENGINE === 'postgres' ? 4 : 2);
  });

  it('stops telling an observer once removed, and an observer that throws never fails a query', async () => {
    const seen: number[] = [];
    const stop = database.observeQueries((s) => seen.push(s));
    const stopBad = database.observeQueries(() => {
      throw new Error('observer bug');
    });
    await expect(query(database.db, sql`select 1 as one`)).resolves.toEqual([{ one: 1 }]);
    stop();
    stopBad();
    await query(database.db, sql`select 1`);
    expect(seen).toHaveLength(1);
  });

  it('reports pool connections on a server only', async () => {
    if (TEST_ENGINE === 'pglite') {
      expect(database.poolStats).toBeUndefined();
      return;
    }
    await query(database.db, sql`select 1`);
    const stats = database.poolStats!();
    expect(stats.total).toBeGreaterThanOrEqual(1);
    expect(stats.idle).toBe(stats.total);
    expect(stats.waiting).toBe(0);
  });
});
