/** Front door of the jobs feature: background jobs (imports) with an in-process worker, progress and crash recovery. */
export {
  enqueueJob,
  createJobWorker,
  JobInputError,
  INTERRUPTED_ERROR,
  JOB_POLL_MS,
  JOB_STALE_SECONDS,
  type JobWorker,
  type JobHandler,
  type JobHandlers,
  type JobContext,
  type JobOutcome,
  type JobProgress,
} from './domain';
export { jobsRouter } from './routes';
export { presentJob, problemsCsv } from './presenter';
export { claimNext, findJob, type JobRow } from './repository';
