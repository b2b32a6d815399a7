/** Queries of the jobs table: enqueue, claim (FOR UPDATE SKIP LOCKED), progress, heartbeat, finish, recovery, reads. */
import { and, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';
import type { JobProgressValue } from '../../db/schema';

/** A job row without its input bytes. */
export type JobRow = Omit<typeof schema.jobs.$inferSelect, 'input'>;
/** A claimed job, with its input. */
export type ClaimedJob = typeof schema.jobs.$inferSelect;

const { input: _input, ...withoutInput } = getTableColumns(schema.jobs);

/*
 * The input bytes cross the driver as base64 text, not as a bytea parameter: the embedded engine's JS serialiser and
 * parser take about a second per megabyte for bytea, on Node's main thread (every request waits); text is encoded
 * natively. PostgreSQL's encode() breaks base64 into lines, which Buffer.from ignores.
 */
const inputAsBase64 = { ...withoutInput, input: sql<string | null>`encode(${schema.jobs.input}, 'base64')` };
const withInput = (row: Omit<ClaimedJob, 'input'> & { input: string | null }): ClaimedJob => ({
  ...row,
  input: row.input == null ? null : Buffer.from(row.input, 'base64'),
});

/** Adds a queued job; returns its row (without input). */
export async function insertJob(
  db: Db,
  values: {
    kind: string;
    input: Uint8Array | null;
    inputType: string | null;
    options: Record<string, unknown>;
    createdBy: string | null;
  },
): Promise<JobRow> {
  const input = values.input == null ? null : Buffer.from(values.input).toString('base64');
  const [row] = await db
    .insert(schema.jobs)
    .values({ ...values, input: sql`decode(${input}::text, 'base64')` as unknown as Uint8Array })
    .returning(withoutInput);
  return row!;
}

const CLAIM_SET = (workerId: string) => ({
  status: 'running',
  startedAt: sql`now()`,
  heartbeatAt: sql`now()`,
  workerId,
  attempts: sql`${schema.jobs.attempts} + 1`,
  progress: null,
});

/**
 * Claims the oldest queued job for `workerId`, or none: the row is locked with SELECT … FOR UPDATE SKIP LOCKED in a
 * transaction, so concurrent claimers (several app instances on one PostgreSQL) each get a different job, and a
 * job being claimed by one is skipped (not waited for) by the others.
 */
export async function claimNext(db: Db, workerId: string): Promise<ClaimedJob | undefined> {
  return db.transaction(async (tx) => {
    const [next] = await query<{ id: string }>(
      tx,
      sql`select id from jobs where status = 'queued' order by created_at, id limit 1 for update skip locked`,
    );
    if (!next) return undefined;
    const [row] = await tx
      .update(schema.jobs)
      .set(CLAIM_SET(workerId) as never)
      .where(eq(schema.jobs.id, next.id))
      .returning(inputAsBase64);
    return row && withInput(row);
  });
}

/** Claims one particular queued job (the CLI runs the job it has just enqueued); undefined if it is not queued. */
export async function claimById(db: Db, id: string, workerId: string): Promise<ClaimedJob | undefined> {
  return db.transaction(async (tx) => {
    const [next] = await query<{ id: string }>(
      tx,
      sql`select id from jobs where id = ${id} and status = 'queued' for update skip locked`,
    );
    if (!next) return undefined;
    const [row] = await tx
      .update(schema.jobs)
      .set(CLAIM_SET(workerId) as never)
      .where(eq(schema.jobs.id, id))
      .returning(inputAsBase64);
    return row && withInput(row);
  });
}

const ownRunning = (id: string, workerId: string) =>
  and(eq(schema.jobs.id, id), eq(schema.jobs.status, 'running'), eq(schema.jobs.workerId, workerId));

/** Saves the progress (and heartbeat) of a job this worker is running; no-op once it has finished. */
export async function saveProgress(db: Db, id: string, workerId: string, progress: JobProgressValue): Promise<void> {
  await db
    .update(schema.jobs)
    .set({ progress, heartbeatAt: sql`now()` } as never)
    .where(ownRunning(id, workerId));
}

/** Refreshes the heartbeat of a job this worker is running. */
export async function heartbeat(db: Db, id: string, workerId: string): Promise<void> {
  await db
    .update(schema.jobs)
    .set({ heartbeatAt: sql`now()` } as never)
    .where(ownRunning(id, workerId));
}

/** Ends a job this worker is running: succeeded or failed, with its result and error; the input is dropped. */
export async function finishJob(
  db: Db,
  id: string,
  workerId: string,
  outcome: {
    status: 'succeeded' | 'failed';
    result: Record<string, unknown> | null;
    error: string | null;
    progress: JobProgressValue | null;
  },
): Promise<void> {
  await db
    .update(schema.jobs)
    .set({ ...outcome, finishedAt: sql`now()`, heartbeatAt: sql`now()`, input: null } as never)
    .where(ownRunning(id, workerId));
}

/**
 * Marks failed the jobs left running by a dead worker: all running jobs (staleSeconds undefined: embedded, where only
 * this process can open the database), or those whose heartbeat is older than staleSeconds (PostgreSQL). Returns
 * their ids.
 */
export async function failInterrupted(db: Db, error: string, staleSeconds?: number): Promise<string[]> {
  const stale =
    staleSeconds === undefined
      ? sql`true`
      : sql`coalesce(heartbeat_at, started_at, created_at) < now() - make_interval(secs => ${staleSeconds})`;
  const rows = await query<{ id: string }>(
    db,
    sql`update jobs set status = 'failed', error = ${error}, finished_at = now(), input = null
        where status = 'running' and ${stale} returning id`,
  );
  return rows.map((r) => r.id);
}

/** One job without its input. */
export async function findJob(db: Db, id: string): Promise<JobRow | undefined> {
  const [row] = await db.select(withoutInput).from(schema.jobs).where(eq(schema.jobs.id, id));
  return row;
}

/** Lists of a report that the job list leaves out (it shows their lengths): only GET one job returns them. */
const REPORT_LISTS = ['problems', 'skippedRows', 'skippedRecords', 'warnings'] as const;

/** The latest jobs, newest first, without input; the result without its lists, with their lengths in `counts`. */
export async function listJobs(db: Db, limit: number): Promise<(JobRow & { counts: Record<string, number> })[]> {
  const lists = sql.join(
    REPORT_LISTS.map((k) => sql.raw(`'${k}'`)),
    sql` - `,
  );
  const counts = sql.join(
    REPORT_LISTS.map((k) =>
      sql.raw(
        `'${k}', coalesce(jsonb_array_length(case when jsonb_typeof(result->'${k}') = 'array' then result->'${k}' end), 0)`,
      ),
    ),
    sql`, `,
  );
  return db
    .select({
      ...withoutInput,
      result: sql<Record<string, unknown> | null>`(${schema.jobs.result} - ${lists})`,
      counts: sql<Record<string, number>>`jsonb_build_object(${counts})`,
    })
    .from(schema.jobs)
    .orderBy(desc(schema.jobs.createdAt), desc(schema.jobs.id))
    .limit(limit);
}
