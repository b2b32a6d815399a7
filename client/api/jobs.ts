/** Calls of the background-jobs API (admin imports): start a CSV import, read one job, list the latest. */
import { ApiError, getJson } from './client';

/** Progress of a job. */
export interface JobProgressJson {
  phase: string;
  done: number;
  total: number;
  /** Overall, 0–100. */
  percent: number;
}

/** Counts of a finished job's report. */
export interface JobSummaryJson {
  rows: number | null;
  created: number | null;
  updated: number | null;
  skipped: number | null;
  rejected: number | null;
  warnings: number;
  written: boolean;
}

/** A job as the API shows it. */
export interface JobJson {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  file: string | null;
  progress: JobProgressJson;
  summary: JobSummaryJson | null;
  /** The import report (GET one job only). */
  result?: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Rejections, skips and warnings as CSV. */
  problemsUrl: string;
}

/** Whether a job has finished. */
export const isFinished = (job: Pick<JobJson, 'status'>) => job.status === 'succeeded' || job.status === 'failed';

/** GET /api/admin/jobs/:id. */
export async function getJob(id: string, signal?: AbortSignal): Promise<JobJson> {
  return (await getJson<{ job: JobJson }>(`/api/admin/jobs/${encodeURIComponent(id)}`, { signal })).job;
}

/** GET /api/admin/jobs: the latest jobs, newest first. */
export async function listJobs(signal?: AbortSignal): Promise<JobJson[]> {
  return (await getJson<{ jobs: JobJson[] }>('/api/admin/jobs?limit=20', { signal })).jobs;
}

/** What POST /api/admin/imports/services answered: a queued job (202), a dry-run report, or problems. */
export type StartImportAnswer =
  | { kind: 'job'; job: JobJson }
  | { kind: 'report'; status: number; report: unknown }
  | { kind: 'problem'; status: number; body: unknown };

/** POSTs a CSV to the services import (the caller reads the answer: a job, a dry-run report or problems). */
export async function startCsvImport(
  csv: string,
  params: URLSearchParams,
  csrfToken: string | undefined,
): Promise<StartImportAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'text/csv', Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/admin/imports/services?${params}`, {
      method: 'POST',
      headers,
      body: csv,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({
      status: 0,
      code: 'network_error',
      detail: 'Could not reach Signpost. Check your connection and try again.',
    });
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.status === 202 && body && typeof body === 'object' && 'job' in body)
    return { kind: 'job', job: (body as { job: JobJson }).job };
  if (body && typeof body === 'object' && 'rows' in body)
    return { kind: 'report', status: response.status, report: body };
  return { kind: 'problem', status: response.status, body };
}
