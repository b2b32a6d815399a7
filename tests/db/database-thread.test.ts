/**
 * The database never holds the app's thread: while a long statement runs, this thread's timers keep firing (the
 * embedded engine runs PGlite on a worker thread of its own). Errors, transactions and closing behave as the app
 * expects across that boundary, on both engines.
 */
import { sql } from 'drizzle-orm';
import { isDatabaseUnavailable, isUniqueViolation, query, type Database } from '../../server/db';
import { createTestDatabase } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(sql`create table thread_probe (id int primary key, note text)`);
});
afterAll(() => database.close());

/** Runs `work` while a 10 ms interval timer counts how often this thread got to run, and the longest gap. */
async function whileTicking(
  work: () => Promise<unknown>,
): Promise<{ ms: number; ticks: number; longestGapMs: number }> {
  let ticks = 0;
  let last = performance.now();
  let longestGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks += 1;
  }, 10);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  longestGapMs = Math.max(longestGapMs, performance.now() - last);
  return { ms, ticks, longestGapMs };
}

describe('a long statement', () => {
  it('when a statement runs for a second or more, then this thread keeps serving timers throughout', async () => {
    // Grow the statement until it takes at least a second on this machine (no assumption about its speed).
    let rows = 1_000_000;
    let seen = await whileTicking(() => query(database.db, sql`select count(*) from generate_series(1, ${rows}::int)`));
    while (seen.ms < 1000 && rows < 512_000_000) {
      rows *= 4;
      seen = await whileTicking(() =>
        query(database.db, sql`select count(*) from generate_series(1, ${rows}::int) g where g % 7 = 3`),
      );
    }
    expect(seen.ms).toBeGreaterThanOrEqual(1000);
    // On PGlite in the app's thread this was 0 ticks: the thread was held for the whole statement.
    expect(seen.ticks).toBeGreaterThanOrEqual(10);
    expect(seen.longestGapMs).toBeLessThan(seen.ms / 2);
  });
});

describe('across the boundary', () => {
  it('when a statement breaks a unique constraint, then the error keeps its SQLSTATE and constraint', async () => {
    await database.db.execute(sql`insert into thread_probe (id, note) values (1, 'first')`);
    const err = await database.db.execute(sql`insert into thread_probe (id, note) values (1, 'again')`).catch((e) => e);
    expect(isUniqueViolation(err)).toBe(true);
    const cause = (err as { cause?: { constraint?: string } }).cause ?? err;
    expect((cause as { constraint?: string }).constraint).toBe('thread_probe_pkey');
  });

  it('when a transaction commits, throws, or a nested one rolls back, then exactly the committed rows stay', async () => {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into thread_probe (id, note) values (2, 'committed')`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into thread_probe (id, note) values (3, 'nested, rolled back')`);
          throw new Error('undo the nested one');
        })
        .catch(() => undefined);
    });
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into thread_probe (id, note) values (4, 'rolled back')`);
        throw new Error('undo everything');
      }),
    ).rejects.toThrow('undo everything');
    const rows = await query<{ id: number }>(database.db, sql`select id from thread_probe order by id`);
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('when values of many types come back, then they arrive as the app reads them', async () => {
    const [row] = await query<Record<string, unknown>>(
      database.db,
      sql`select 42::int as i, 1.5::float8 as f, true as b, 'x'::text as t, '{"a":[1,2]}'::jsonb as j,
                 array['p','q']::text[] as arr, '\\x0102'::bytea as bytes, null::text as n,
                 '2026-01-02T03:04:05Z'::timestamptz as at`,
    );
    expect(row).toMatchObject({ i: 42, f: 1.5, b: true, t: 'x', j: { a: [1, 2] }, arr: ['p', 'q'], n: null });
    expect([...(row!.bytes as Uint8Array)]).toEqual([1, 2]);
    // Drizzle keeps timestamps as PostgreSQL's text; both engines give a parseable instant.
    expect(new Date(String(row!.at)).toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });
});

describe('closing', () => {
  it('when the database is closed, then a query fails as "unavailable" (a 503), never hangs', async () => {
    const other = await createTestDatabase();
    await query(other.db, sql`select 1`);
    await other.close();
    const err = await query(other.db, sql`select 1`).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });
});
