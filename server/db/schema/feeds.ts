/** Drizzle schema of registered ORUK feeds: a live directory API that Signpost syncs on a schedule. */
import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/**
 * One registered feed. `next_run_at` is when the scheduler next enqueues a sync (null while disabled); claiming a due
 * feed advances it in the same statement under FOR UPDATE SKIP LOCKED, so N app instances enqueue each run once.
 */
export const orukFeeds = pgTable(
  'oruk_feeds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The feed's root or /services URL (http or https). */
    url: text('url').notNull(),
    /** hourly | daily | weekly */
    schedule: text('schedule').notNull().default('daily'),
    enabled: boolean('enabled').notNull().default(true),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    /** Start of the latest sync that succeeded: an incremental run reads the services modified since then. */
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    /** Start of the latest full sync that succeeded (only a full read can mark services that vanished). */
    lastFullSyncAt: timestamp('last_full_sync_at', { withTimezone: true }),
    /** The job of the latest run (no foreign key: old jobs may be pruned). */
    lastJobId: uuid('last_job_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('oruk_feeds_url_uq').on(t.url), index('oruk_feeds_due_idx').on(t.nextRunAt)],
);
