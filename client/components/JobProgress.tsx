/** Live progress of a background job (an import): an NHS.UK-style bar with the percent in words, polled every second. */
import { useEffect, useRef, useState } from 'react';
import { getJob, isFinished, type JobJson } from '../api/jobs';

/** Poll interval while the job runs. */
const POLL_MS = 1000;

const PHASES: Record<string, string> = {
  queued: 'Waiting to start',
  starting: 'Starting',
  read: 'Reading the file',
  fetch: 'Reading the feed',
  validate: 'Checking rows',
  check: 'Checking records',
  write: 'Writing to the directory',
  import: 'Importing services',
};

/** Polls GET /api/admin/jobs/:id every second until the job finishes, then calls onDone with it. */
export function JobProgress({ jobId, onDone }: { jobId: string; onDone: (job: JobJson) => void }) {
  const [job, setJob] = useState<JobJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onDone);
  done.current = onDone;

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await getJob(jobId, controller.signal);
        setJob(next);
        setError(null);
        if (isFinished(next)) {
          done.current(next);
          return;
        }
      } catch {
        if (controller.signal.aborted) return;
        setError('Could not check the import just now; trying again.');
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [jobId]);

  const percent = job?.progress.percent ?? 0;
  const phase = job
    ? job.status === 'queued'
      ? PHASES.queued
      : (PHASES[job.progress.phase] ?? job.progress.phase)
    : PHASES.queued;
  const finished = job && isFinished(job);
  return (
    <div className="signpost-progress" data-job-id={jobId}>
      <label className="nhsuk-label" htmlFor={`job-progress-${jobId}`}>
        Import progress{job?.file ? ` for ${job.file}` : ''}
      </label>
      <progress className="signpost-progress__bar" id={`job-progress-${jobId}`} max={100} value={percent}>
        {percent}%
      </progress>
      <p className="nhsuk-body" role="status" aria-live="polite">
        {finished
          ? job.status === 'succeeded'
            ? 'Import finished: 100%'
            : 'Import finished without importing'
          : `${phase}: ${percent}%`}
        {job && !finished && job.progress.total > 0 && job.progress.phase !== 'read'
          ? ` (${job.progress.done} of ${job.progress.total})`
          : ''}
      </p>
      {error && <p className="nhsuk-body-s">{error}</p>}
    </div>
  );
}
