/**
 * Background jobs (imports): enqueue, a registry of handlers by kind, and an in-process worker.
 *
 * Claiming: each worker claims the oldest queued job with SELECT … FOR UPDATE SKIP LOCKED in a transaction, so several
 * app instances on one PostgreSQL never run the same job; the embedded engine has one process anyway. A worker runs
 * one job at a time. It polls every few seconds (an unref'd timer, so it never keeps the process alive) and is kicked
 * at once when this process enqueues a job.
 *
 * Progress: the handler reports progress through an async callback that (1) stores it in this process's memory,
 * which the API reads first, (2) yields to the event loop (setImmediate), so /healthz and other requests are served
 * between chunks of the handler's own JavaScript, and (3) at most once a
 * second starts a write of it to the jobs row. That write is never awaited by the handler: PGlite has ONE
 * connection, and an import applies its changes in one transaction; a write issued meanwhile waits for that
 * transaction to end (it never joins it: PGlite queues every query behind an open transaction), so awaiting it from
 * inside the transaction would deadlock, and a write inside the transaction would be invisible until commit anyway.
 * So on PGlite the database copy of the progress lags during the write phase and the in-memory copy is the live one;
 * on PostgreSQL the write goes through another pooled connection and lands at once (other instances read it there).
 * Progress writes are guarded by status = 'running' and the worker id, so a late one never overwrites a finished job.
 *
 * Crashes: an import applies everything in one transaction, so a job killed part-way has applied nothing. On start
 * (embedded: every job still `running`, as no other process can hold the data directory; PostgreSQL: those whose
 * heartbeat is older than JOB_STALE_SECONDS, refreshed every JOB_HEARTBEAT_MS by the running worker, checked again on
 * every poll) such jobs are marked failed with INTERRUPTED_ERROR. They are not retried: the operator re-runs the import
 * (imports are idempotent). One window remains: a crash between the import's commit and the job's own "succeeded"
 * write (a few milliseconds) leaves an applied import marked interrupted; re-running it updates the same rows.
 */
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Database, Db } from '../../db';
import { yieldToEventLoop } from '../../eventLoop';
import type { JobProgressValue } from '../../db/schema';
import type { Logger } from '../../logger';
import * as repo from './repository';

/** Error of a job found running by a dead worker. */
export const INTERRUPTED_ERROR = 'interrupted by a restart; nothing was applied';
/** How often a worker looks for queued jobs (it is also kicked on enqueue). */
export const JOB_POLL_MS = 2_000;
/** How often the running job's heartbeat is refreshed (PostgreSQL). */
export const JOB_HEARTBEAT_MS = 5_000;
/** A running job whose heartbeat is older than this belongs to a dead worker (PostgreSQL). */
export const JOB_STALE_SECONDS = 60;
/** Progress is written to the database at most this often. */
export const PROGRESS_WRITE_MS = 1_000;

/** Progress with the overall percent (0–100) the handler computed. */
export interface JobProgress extends JobProgressValue {
  /** Overall percent done, 0–100. */
  percent: number;
}

/** What a handler gets. */
export interface JobContext {
  /** The job's database. */
  db: Db;
  /** The job's id. */
  id: string;
  /** The uploaded bytes. */
  input: Uint8Array | null;
  /** Their content type. */
  inputType: string | null;
  /** Options given at enqueue. */
  options: Record<string, unknown>;
  /** User who enqueued it (null: the command line). */
  createdBy: string | null;
  /** Reports progress; awaiting it yields to the event loop. Never call it from inside a transaction expecting a DB write. */
  progress(p: JobProgress): Promise<void>;
}

/** What a handler returns: the report, and an error when the job did not do what was asked (e.g. rows rejected). */
export interface JobOutcome {
  /** The report (stored as the job's result). */
  result: Record<string, unknown>;
  /** Set when the job failed although it produced a report (nothing applied). */
  error?: string;
}

/** Runs one kind of job. A thrown JobInputError fails the job with its message; other errors too (logged). */
export type JobHandler = (ctx: JobContext) => Promise<JobOutcome>;

/** Handlers by kind. */
export type JobHandlers = Readonly<Record<string, JobHandler>>;

/** A problem with the job's input, shown as the job's error. */
export class JobInputError extends Error {}

/** Adds a queued job. */
export async function enqueueJob(
  db: Db,
  job: {
    kind: string;
    input?: Uint8Array | null;
    inputType?: string | null;
    options?: Record<string, unknown>;
    createdBy?: string | null;
  },
): Promise<repo.JobRow> {
  return repo.insertJob(db, {
    kind: job.kind,
    input: job.input ?? null,
    inputType: job.inputType ?? null,
    options: job.options ?? {},
    createdBy: job.createdBy ?? null,
  });
}

/** The in-process worker. */
export interface JobWorker {
  /** This worker's id (host:pid:random). */
  readonly id: string;
  /** Recovers interrupted jobs, then polls for queued jobs until stopped. */
  start(): Promise<void>;
  /** Looks for queued jobs now (after an enqueue); returns at once. */
  kick(): void;
  /** Claims and runs this queued job now, in this process (the CLI); resolves when it has finished. */
  runNow(id: string): Promise<void>;
  /** Live progress of a job this process is running, if it is. */
  liveProgress(id: string): JobProgress | undefined;
  /** Resolves when no job is running in this process (tests, CLI). */
  idle(): Promise<void>;
  /**
   * Stops polling and waits up to `graceMs` for the running job to finish; a job still running then is left to the
   * next start's recovery (its transaction dies with the process or the database connection: nothing applied).
   */
  stop(graceMs?: number): Promise<void>;
}

/** Options of createJobWorker. */
export interface JobWorkerOptions {
  /** Database (its engine decides which running jobs recovery may fail). */
  database: Pick<Database, 'db' | 'engine'>;
  /** Handlers by kind. */
  handlers: JobHandlers;
  /** Logger. */
  logger: Logger;
  /** Called with every progress report (the CLI's bar). */
  onProgress?: (id: string, p: JobProgress) => void;
  /** Poll interval; default JOB_POLL_MS. */
  pollMs?: number;
}

/** Creates the worker; it does nothing until started or kicked. */
export function createJobWorker(opts: JobWorkerOptions): JobWorker {
  const { database, handlers, logger } = opts;
  const db = database.db;
  const id = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const live = new Map<string, JobProgress>();
  let timer: NodeJS.Timeout | undefined;
  let stopping = false;
  let loop: Promise<void> | undefined;
  let again = false;
  const staleSeconds = database.engine === 'postgres' ? JOB_STALE_SECONDS : undefined;

  const recover = async () => {
    const ids = await repo.failInterrupted(db, INTERRUPTED_ERROR, staleSeconds);
    if (ids.length) logger.warn({ jobs: ids }, `${ids.length} job(s) interrupted by a restart marked failed`);
  };

  async function run(job: repo.ClaimedJob): Promise<void> {
    const handler = handlers[job.kind];
    const started = performance.now();
    let last: JobProgress = { phase: 'starting', done: 0, total: 0, percent: 0 };
    live.set(job.id, last);
    let lastWrite = 0;
    let writes: Promise<void> = Promise.resolve();
    const persist = (p: JobProgress) => {
      writes = writes.then(() =>
        repo
          .saveProgress(db, job.id, id, p)
          .catch((err: unknown) => logger.warn({ err, job: job.id }, 'job progress not saved')),
      );
    };
    // Only PostgreSQL reads heartbeats (embedded recovery fails every running job); on PGlite a beat during the
    // job's transaction just waits for it, like progress writes.
    const beat = setInterval(() => {
      repo.heartbeat(db, job.id, id).catch((err: unknown) => logger.warn({ err, job: job.id }, 'job heartbeat failed'));
    }, JOB_HEARTBEAT_MS);
    beat.unref();
    let outcome: { status: 'succeeded' | 'failed'; result: Record<string, unknown> | null; error: string | null };
    try {
      if (!handler) throw new JobInputError(`no handler for jobs of kind ${job.kind}`);
      const out = await handler({
        db,
        id: job.id,
        input: job.input,
        inputType: job.inputType,
        options: job.options,
        createdBy: job.createdBy,
        progress: async (p) => {
          last = { ...p, percent: Math.max(0, Math.min(100, Math.floor(p.percent))) };
          live.set(job.id, last);
          opts.onProgress?.(job.id, last);
          const now = performance.now();
          if (now - lastWrite >= PROGRESS_WRITE_MS) {
            lastWrite = now;
            persist(last); // not awaited: see the file comment
          }
          await yieldToEventLoop();
        },
      });
      outcome = { status: out.error ? 'failed' : 'succeeded', result: out.result, error: out.error ?? null };
      if (!out.error) last = { ...last, percent: 100 };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof JobInputError)) logger.error({ err, job: job.id, kind: job.kind }, 'job failed');
      outcome = {
        status: 'failed',
        result: null,
        error: err instanceof JobInputError ? message : `failed: ${message}`,
      };
    } finally {
      clearInterval(beat);
    }
    await writes;
    try {
      await repo.finishJob(db, job.id, id, { ...outcome, progress: last });
    } finally {
      live.delete(job.id);
    }
    const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    logger.info({ job: job.id, kind: job.kind, status: outcome.status, seconds }, `job ${job.kind} ${outcome.status}`);
  }

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        if (stopping) return;
        if (staleSeconds !== undefined) await recover();
        const job = await repo.claimNext(db, id);
        if (!job) break;
        await run(job);
      }
    } while (again && !stopping);
  };

  const kick = () => {
    if (stopping) return;
    if (loop) {
      again = true;
      return;
    }
    loop = drain()
      .catch((err: unknown) => logger.error({ err }, 'job worker: could not claim or finish a job'))
      .finally(() => {
        loop = undefined;
      });
  };

  return {
    id,
    async start() {
      await recover();
      timer = setInterval(kick, opts.pollMs ?? JOB_POLL_MS);
      timer.unref();
      kick();
    },
    kick,
    async runNow(jobId) {
      const job = await repo.claimById(db, jobId, id);
      if (!job) throw new Error(`job ${jobId} is not queued`);
      await run(job);
    },
    liveProgress: (jobId) => live.get(jobId),
    async idle() {
      while (loop) await loop;
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      if (timer) clearInterval(timer);
      if (!loop) return;
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        loop,
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, graceMs);
          timeout.unref();
        }),
      ]);
      clearTimeout(timeout);
    },
  };
}
