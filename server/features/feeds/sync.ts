/**
 * Syncing registered feeds: the `oruk-feed` job (fetch the whole feed through the safe outbound fetch, then import it
 * as one transaction: creates, updates, and services that vanished marked missing_since), "sync now", and the
 * scheduler that enqueues due feeds. A feed that cannot be read fails its job with the reason and changes nothing.
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

/** Enqueues a sync of one feed in `tx` and records it as the feed's latest run. */
async function enqueueIn(tx: Db, feed: repo.FeedRow, createdBy: string | null, now: Date): Promise<JobRow> {
  const job = await enqueueJob(tx, { kind: ORUK_FEED_JOB, options: { feedId: feed.id, file: feed.name }, createdBy });
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
      const feedId = String(ctx.options.feedId ?? '');
      const feed = feedId ? await repo.getFeed(ctx.db, feedId) : undefined;
      if (!feed) throw new JobInputError('the feed was removed before its sync ran');
      await ctx.progress({ phase: 'fetch', done: 0, total: 0, percent: 2 });
      try {
        const report = await importOrukFeed({
          db: ctx.db,
          source: feed.url,
          skipInvalid: true,
          actorUserId: ctx.createdBy,
          outboundAllow: opts.outboundAllow,
          complete: true,
          onProgress: (p) => ctx.progress({ ...p, percent: orukPercent(p) }),
        });
        await ctx.progress({ phase: 'done', done: report.records, total: report.records, percent: 100 });
        return { result: { feed: { id: feed.id, name: feed.name, url: feed.url }, ...report } };
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
    for (const feed of due) enqueued.push((await enqueueIn(tx, feed, null, now)).id);
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
