/**
 * The background-job worker on a real database of the current engine: claims (two concurrent claimers never get the
 * same job), live progress read from memory first, recovery of jobs left running by a dead worker, a clean stop,
 * and a job of an unknown kind.
 */
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { openDatabase, query, type Database } from '../../server/db';
import { createLogger } from '../../server/logger';
import {
  claimNext,
  createJobWorker,
  enqueueJob,
  INTERRUPTED_ERROR,
  JOB_STALE_SECONDS,
  type JobHandlers,
  type JobProgress,
} from '../../server/features/jobs';
import { buildTestApp, type TestApp } from '../helpers/app';
import { signedInAs, type AuthHeaders } from '../helpers/auth';
import { createServerTestDatabaseUrl, createTestDatabase, TEST_ENGINE } from '../helpers/db';
import { waitForJob } from '../helpers/imports';

const logger = createLogger('silent');

/** A controllable job: reports the progress it is given, then waits until released. */
function gate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
  const handlers: JobHandlers = {
    gated: async (ctx) => {
      await ctx.progress(ctx.options.progress as JobProgress);
      reached();
      await released;
      return { result: { rows: 10, created: 10, written: true } };
    },
  };
  return { handlers, release, reached: reachedPromise };
}

const jobRow = async (database: Database, id: string) =>
  (
    await query<{ status: string; error: string | null; progress: unknown; worker_id: string | null }>(
      database.db,
      sql`select status, error, progress, worker_id from jobs where id = ${id}`,
    )
  )[0]!;

describe('claiming jobs', () => {
  it('when two claimers race over twenty queued jobs, then each job is claimed exactly once', async () => {
    // On PostgreSQL: two pools (two app instances) on one database; embedded: one process, one connection.
    let first: Database;
    let second: Database;
    let cleanup: () => Promise<void>;
    if (TEST_ENGINE === 'postgres') {
      const { url, drop } = await createServerTestDatabaseUrl();
      first = await openDatabase({ databaseUrl: url, poolSize: 4 });
      second = await openDatabase({ databaseUrl: url, poolSize: 4 });
      cleanup = async () => {
        await first.close();
        await second.close();
        await drop();
      };
    } else {
      first = second = await createTestDatabase();
      cleanup = () => first.close();
    }
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 20; i++) ids.add((await enqueueJob(first.db, { kind: 'race', options: { i } })).id);
      const claimed: { worker: string; id: string }[] = [];
      const claimer = async (database: Database, worker: string) => {
        for (;;) {
          const job = await claimNext(database.db, worker);
          if (!job) return;
          claimed.push({ worker, id: job.id });
        }
      };
      await Promise.all([claimer(first, 'a'), claimer(second, 'b'), claimer(first, 'c'), claimer(second, 'd')]);
      expect(claimed.map((c) => c.id).sort()).toEqual([...ids].sort());
      const rows = await query<{ id: string; status: string; worker_id: string; attempts: number }>(
        first.db,
        sql`select id, status, worker_id, attempts from jobs where kind = 'race'`,
      );
      expect(rows).toHaveLength(20);
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'running', attempts: 1 });
        expect(row.worker_id).toBe(claimed.find((c) => c.id === row.id)!.worker);
      }
      if (TEST_ENGINE === 'postgres') expect(new Set(claimed.map((c) => c.worker)).size).toBeGreaterThan(1);
    } finally {
      await cleanup();
    }
  });
});

describe('the worker', () => {
  let t: TestApp;
  let admin: AuthHeaders;
  const g = gate();
  const worker = { current: undefined as ReturnType<typeof createJobWorker> | undefined };

  beforeAll(async () => {
    t = await buildTestApp({ RATE_LIMIT_API_PER_MINUTE: '0' });
    worker.current = createJobWorker({ database: t.database, handlers: g.handlers, logger });
    // A second app on the same database, sharing the worker, serves the API.
    const { buildAppOn } = await import('../helpers/app');
    t.app = buildAppOn(t.database, { RATE_LIMIT_API_PER_MINUTE: '0' }, { jobs: worker.current });
    admin = (await signedInAs(t.database.db, { role: 'admin' })).headers;
  });
  afterAll(async () => {
    await worker.current?.stop(0);
    await t.close();
  });

  it('when a job is running, then GET shows its live progress from memory and the stored copy follows; when it ends, then succeeded', async () => {
    const progress = { phase: 'write', done: 5, total: 10, percent: 50 };
    const job = await enqueueJob(t.database.db, { kind: 'gated', options: { progress, file: 'g.csv' } });
    worker.current!.kick();
    await g.reached;
    const res = await request(t.app).get(`/api/admin/jobs/${job.id}`).set(admin);
    expect(res.body.job).toMatchObject({ status: 'running', file: 'g.csv', progress });
    expect(worker.current!.liveProgress(job.id)).toEqual(progress);
    g.release();
    const done = await waitForJob(t.app, admin, job.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: { phase: 'write', percent: 100 }, error: null });
    expect(done.summary).toMatchObject({ rows: 10, created: 10 });
    const row = await jobRow(t.database, job.id);
    expect(row).toMatchObject({ status: 'succeeded', progress: { ...progress, percent: 100 } });
    expect(row.worker_id).toBe(worker.current!.id);
    expect(worker.current!.liveProgress(job.id)).toBeUndefined();
  });

  it('when a job has no handler, then it fails saying so', async () => {
    const job = await enqueueJob(t.database.db, { kind: 'nonsense' });
    worker.current!.kick();
    await worker.current!.idle();
    expect(await waitForJob(t.app, admin, job.id)).toMatchObject({
      status: 'failed',
      error: 'no handler for jobs of kind nonsense',
    });
  });

  it('when a worker starts, then jobs left running by a dead worker are marked failed as interrupted (PostgreSQL: only stale ones)', async () => {
    const dead = await enqueueJob(t.database.db, { kind: 'gated' });
    const alive = await enqueueJob(t.database.db, { kind: 'gated' });
    await t.database.db.execute(
      sql`update jobs set status = 'running', worker_id = 'dead', started_at = now() - interval '1 hour',
          heartbeat_at = now() - make_interval(secs => ${JOB_STALE_SECONDS * 2}) where id = ${dead.id}`,
    );
    await t.database.db.execute(
      sql`update jobs set status = 'running', worker_id = 'elsewhere', started_at = now(), heartbeat_at = now() where id = ${alive.id}`,
    );
    const restarted = createJobWorker({ database: t.database, handlers: {}, logger });
    await restarted.start();
    await restarted.stop(0);
    expect(await jobRow(t.database, dead.id)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    // Embedded: no other process can hold the database, so every running job is a dead one.
    expect(await jobRow(t.database, alive.id)).toMatchObject(
      TEST_ENGINE === 'postgres' ? { status: 'running', error: null } : { status: 'failed', error: INTERRUPTED_ERROR },
    );
    await t.database.db.execute(sql`update jobs set status = 'failed' where id = ${alive.id}`);
  });

  it('when a worker is stopped, then it claims nothing more', async () => {
    const stopped = createJobWorker({ database: t.database, handlers: g.handlers, logger });
    await stopped.stop(0);
    const job = await enqueueJob(t.database.db, {
      kind: 'gated',
      options: { progress: { phase: 'x', done: 0, total: 0, percent: 0 } },
    });
    stopped.kick();
    await stopped.idle();
    expect(await jobRow(t.database, job.id)).toMatchObject({ status: 'queued' });
    await t.database.db.execute(sql`delete from jobs where id = ${job.id}`);
  });
});
