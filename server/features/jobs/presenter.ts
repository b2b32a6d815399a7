/** JSON and CSV shapes of jobs for the admin API. */
import { toCsv } from '../../../shared/csv';
import type { JobRow } from './repository';
import type { JobProgress } from './domain';

/** Counts of a job's report, for lists. */
export interface JobSummary {
  /** Rows (CSV) or records (ORUK) in the file. */
  rows: number | null;
  created: number | null;
  updated: number | null;
  skipped: number | null;
  rejected: number | null;
  /** Values dropped or guessed without rejecting the row. */
  warnings: number;
  /** Whether the import wrote anything. */
  written: boolean;
}

const num = (v: unknown) => (typeof v === 'number' ? v : null);

function summaryOf(result: Record<string, unknown> | null, counts?: Record<string, number>): JobSummary | null {
  if (!result) return null;
  const warnings = counts?.warnings ?? (Array.isArray(result.warnings) ? result.warnings.length : 0);
  return {
    rows: num(result.rows) ?? num(result.records),
    created: num(result.created),
    updated: num(result.updated),
    skipped: num(result.skipped),
    rejected: num(result.rejected),
    warnings,
    written: result.written === true,
  };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A job as the API shows it; `live` (this process's in-memory progress) wins over the stored progress. */
export function presentJob(
  row: JobRow & { counts?: Record<string, number> },
  live: JobProgress | undefined,
  { withResult }: { withResult: boolean },
) {
  const stored = row.progress as (JobProgress & { percent?: number }) | null;
  const p = live ?? stored;
  const percent =
    row.status === 'succeeded' ? 100 : p ? (p.percent ?? (p.total ? Math.floor((p.done / p.total) * 100) : 0)) : 0;
  const options = row.options ?? {};
  return {
    id: row.id,
    kind: row.kind,
    status: row.status as 'queued' | 'running' | 'succeeded' | 'failed',
    file: typeof options.file === 'string' ? options.file : null,
    options,
    progress: p
      ? { phase: p.phase, done: p.done, total: p.total, percent }
      : { phase: row.status, done: 0, total: 0, percent },
    summary: summaryOf(row.result, row.counts),
    ...(withResult ? { result: row.result } : {}),
    error: row.error,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    attempts: row.attempts,
    problemsUrl: `/api/admin/jobs/${row.id}/problems.csv`,
  };
}

type Problem = { line?: number; record?: string; field?: string; column?: string; reason?: string };

/** Rejections, skips and warnings of a job's report as CSV: type, row, column, field, reason. */
export function problemsCsv(result: Record<string, unknown> | null): string {
  const rows: (string | number | null)[][] = [];
  const add = (type: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const p of list as Problem[])
      rows.push([type, p.line ?? p.record ?? null, p.column ?? null, p.field ?? null, p.reason ?? null]);
  };
  if (result) {
    add('rejected', result.problems);
    add('skipped', result.skippedRows);
    add('skipped', result.skippedRecords);
    add('warning', result.warnings);
  }
  return toCsv(['type', 'row', 'column', 'field', 'reason'], rows);
}
