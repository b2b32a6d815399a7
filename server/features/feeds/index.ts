/** Front door of registered ORUK feeds: an admin registers a live ORUK API with a schedule; Signpost syncs it as a job. */
export { feedsRouter } from './routes';
export { claimDueFeeds, recordFeedRun, presentFeed } from './domain';
export type { FeedRow } from './repository';
