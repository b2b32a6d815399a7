/** Drizzle schema of background jobs (imports): one row per job, claimed by one worker with FOR UPDATE SKIP LOCKED. */
import { sql } from 'drizzle-orm';
import { customType, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';

/** Raw bytes (the uploaded file); node-postgres and PGlite both return a Buffer/Uint8Array. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** Progress of a job: the phase it is in and how far through that phase. */
export interface JobProgressValue {
  /** e.g. read, validate, write. */
  phase: string;
  /** Done so far in this phase. */
  done: number;
  /** Total of this phase. */
  total: number;
}

/**
 * A background job. status: queued → running → succeeded | failed. `input` holds the uploaded bytes (so a job can run
 * in any app instance), `input_type` their content type and `options` the import options. `progress` is written at
 * most once a second (and never inside the job's own transaction; see server/features/jobs/domain.ts); `result` is
 * the import report; `heartbeat_at` is refreshed by the running worker (PostgreSQL), so another instance can tell a
 * dead worker's job from a live one.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** What to run, e.g. services-csv, oruk-file. */
    kind: text('kind').notNull(),
    /** queued | running | succeeded | failed. */
    status: text('status').notNull().default('queued'),
    input: bytea('input'),
    inputType: text('input_type'),
    options: jsonb('options')
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    progress: jsonb('progress').$type<JobProgressValue>(),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    /** The worker running (or that ran) it: host:pid:random. */
    workerId: text('worker_id'),
    attempts: integer('attempts').notNull().default(0),
  },
  (t) => [
    index('jobs_queued_idx')
      .on(t.createdAt)
      .where(sql`status = 'queued'`),
    index('jobs_created_idx').on(t.createdAt),
  ],
);
