/**
 * Syncing registered feeds: the `oruk-feed` job (fetch the feed through the safe outbound fetch, then import it as one
 * transaction: creates, updates, and services that vanished marked missing_since), "sync now", and the scheduler that
 * enqueues due feeds. A feed that cannot be read fails its job with the reason and changes nothing.
 *
 * Full and incremental runs: "sync now" and every daily or weekly run read the whole feed. A scheduled run of an
 * hourly feed reads only the services modified since its last successful sync (ORUK's `modified_after`, less an
 * hour's margin for the two clocks), as long as a full sync succeeded within FULL_SYNC_HOURS: only a full read can
 * tell which services vanished. A feed that ignores `modified_after` sends everything, which changes nothing extra
 * (unchanged records are recognised by their hash).
 */
import type { Logger } from 'pino';
import type { Db } from '../../db';
import { orukPercent } from '../imports';
import { importOrukFeed, OrukSourceError } from '../oruk';
import { enqueueJob, JobInputError, type JobHandlers, type JobRow, type JobWorker } from '../jobs';
import * as repo from './repository';

/** Job kind of a feed sync. */
export const ORUK_FEED_JOB = 'oruk-feed';

/** How often the scheduler looks for due feeds. */
export const FEED_SCHEDULER_MS = 60_000;

/** Feeds claimed per scheduler tick (the rest wait for the next tick). */
const CLAIM_LIMIT = 10;

/** An incremental run needs a full sync at most this many hours old; otherwise the run is full. */
export const FULL_SYNC_HOURS = 23;
/** How much earlier than the last sync's start an incremental run asks for changes (clock differences). */
export const MODIFIED_AFTER_MARGIN_MS = 3_600_000;

/** Options of an oruk-feed job. */
interface FeedJobOptions {
  feedId?: string;
  file?: string;
  /** A scheduled run that may read only the changes (see the file comment). */
  incremental?: boolean;
}

/** Since when a run reads changes, or undefined for a full read. */
export function changesSince(feed: repo.FeedRow, incremental: boolean, now: Date): Date | undefined {
  if (!incremental || !feed.lastSyncedAt || !feed.lastFullSyncAt) return undefined;
  if (now.getTime() - feed.lastFullSyncAt.getTime() >= FULL_SYNC_HOURS * 3_600_000) return undefined;
  return new Date(feed.lastSyncedAt.getTime() - MODIFIED_AFTER_MARGIN_MS);
}

/** Enqueues a sync of one feed in `tx` and records it as the feed's latest run. */
async function enqueueIn(
  tx: Db,
  feed: repo.FeedRow,
  createdBy: string | null,
  now: Date,
  incremental = false,
): Promise<JobRow> {
  const options: FeedJobOptions = { feedId: feed.id, file: feed.name, ...(incremental ? { incremental } : {}) };
  const job = await enqueueJob(tx, { kind: ORUK_FEED_JOB, options: options as Record<string, unknown>, createdBy });
  await repo.updateFeed(tx, feed.id, { lastRunAt: now, lastJobId: job.id });
  return job;
}

/** "Sync now": enqueues a sync of one feed and records it as the feed's latest run. */
export function enqueueFeedSync(db: Db, feed: repo.FeedRow, createdBy: string | null): Promise<JobRow> {
  return db.transaction((tx) => enqueueIn(tx, feed, createdBy, new Date()));
}

/** The handler of `oruk-feed` jobs. */
export function feedJobHandlers(opts: { outboundAllow?: readonly string[] }): JobHandlers {
  return {
    [ORUK_FEED_JOB]: async (ctx) => {
      const options = ctx.options as FeedJobOptions;
      const feedId = String(options.feedId ?? '');
      const feed = feedId ? await repo.getFeed(ctx.db, feedId) : undefined;
      if (!feed) throw new JobInputError('the feed was removed before its sync ran');
      const started = new Date();
      const since = changesSince(feed, options.incremental === true, started);
      await ctx.progress({ phase: 'fetch', done: 0, total: 0, percent: 2 });
      try {
        const report = await importOrukFeed({
          db: ctx.db,
          source: feed.url,
          skipInvalid: true,
          actorUserId: ctx.createdBy,
          outboundAllow: opts.outboundAllow,
          complete: true,
          modifiedAfter: since,
          onProgress: (p) => ctx.progress({ ...p, percent: orukPercent(p) }),
        });
        await repo.updateFeed(ctx.db, feed.id, {
          lastSyncedAt: started,
          ...(since ? {} : { lastFullSyncAt: started }),
        });
        await ctx.progress({ phase: 'done', done: report.records, total: report.records, percent: 100 });
        return {
          result: {
            feed: { id: feed.id, name: feed.name, url: feed.url },
            read: since ? { changesSince: since.toISOString() } : 'full',
            ...report,
          },
        };
      } catch (err) {
        if (err instanceof OrukSourceError) throw new JobInputError(err.message);
        throw err;
      }
    },
  };
}

/** Claims the feeds due now and enqueues a sync of each (in the claim's transaction), then kicks the worker. */
export async function enqueueDueFeeds(db: Db, worker: Pick<JobWorker, 'kick'>, now = new Date()): Promise<string[]> {
  const jobs = await db.transaction(async (tx) => {
    const due = await repo.claimDueFeeds(tx, now, CLAIM_LIMIT);
    const enqueued: string[] = [];
    for (const feed of due) enqueued.push((await enqueueIn(tx, feed, null, now, feed.schedule === 'hourly')).id);
    return enqueued;
  });
  if (jobs.length) worker.kick();
  return jobs;
}

/** Starts the scheduler (a tick now, then every FEED_SCHEDULER_MS); returns a function that stops it. */
export function startFeedScheduler(opts: {
  db: Db;
  worker: Pick<JobWorker, 'kick'>;
  logger: Logger;
  intervalMs?: number;
}): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    enqueueDueFeeds(opts.db, opts.worker)
      .then((jobs) => {
        if (jobs.length) opts.logger.info({ jobs }, `${jobs.length} feed sync(s) enqueued`);
      })
      .catch((err: unknown) => opts.logger.warn({ err }, 'feed scheduler tick failed; next tick retries'))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, opts.intervalMs ?? FEED_SCHEDULER_MS);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
