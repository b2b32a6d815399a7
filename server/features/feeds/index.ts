/** Front door of registered ORUK feeds: an admin registers a live ORUK API with a schedule; Signpost syncs it as a job. */
export { feedsRouter } from './routes';
export { claimDueFeeds, presentFeed } from './domain';
export {
  feedJobHandlers,
  startFeedScheduler,
  enqueueDueFeeds,
  ORUK_FEED_JOB,
  FEED_SCHEDULER_MS,
  MODIFIED_AFTER_MARGIN_MS,
  FULL_SYNC_HOURS,
} from './sync';
export type { FeedRow } from './repository';
