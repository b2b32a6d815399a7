/**
 * Route `/admin/imports`: upload a CSV of services with a preset, check it (at once) or import it (a background job
 * whose live progress is shown), read the report, and see past imports (admins only).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { CheckboxItem } from '../components/CheckboxItem';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { useSession } from '../hooks/useSession';
import { TableHead } from '../components/TableHead';
import { AdminOnly } from '../components/AdminOnly';
import { JobProgress } from '../components/JobProgress';
import { FeedsPanel } from '../components/FeedsPanel';
import { FormField } from '../components/FormField';
import { syncFeedNow, type FeedDto } from '../api/feeds';
import { listJobs, startCsvImport, type JobJson } from '../api/jobs';

/** The built-in presets of server/features/imports/presets.ts. */
const PRESETS = ['trafford-charities', 'gm-food-banks', 'trafford-mental-health', 'trafford-sports-clubs'] as const;

interface ImportProblem {
  line: number;
  field: string;
  column?: string;
  reason: string;
}

/** The API's import report (only the parts shown here). */
interface ImportReport {
  file: string;
  dryRun: boolean;
  skipInvalid: boolean;
  written: boolean;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  problems: ImportProblem[];
}

const FIELD_IDS: Record<string, string> = { body: 'import-file', preset: 'import-preset', file: 'import-file' };

function isReport(value: unknown): value is ImportReport {
  return (
    typeof value === 'object' && value !== null && 'rows' in value && Array.isArray((value as ImportReport).problems)
  );
}

/** Imports admin page; anyone else is told they need an admin account. */
export function AdminImportsPage() {
  return (
    <AdminOnly title="Import services" path="/admin/imports">
      <ImportsContent />
    </AdminOnly>
  );
}

function ImportsContent() {
  const { csrfToken } = useSession();
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [uploading, setUploading] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [jobs, setJobs] = useState<JobJson[] | null>(null);

  const refreshJobs = useCallback(() => {
    listJobs()
      .then(setJobs)
      .catch(() => setJobs((current) => current ?? []));
  }, []);
  useEffect(refreshJobs, [refreshJobs]);

  const onJobDone = useCallback(
    (job: JobJson) => {
      setJobId(null);
      if (isReport(job.result)) setReport(job.result);
      else setProblems([{ fieldId: 'import-file', message: job.error ?? 'The import failed' }]);
      refreshJobs();
    },
    [refreshJobs],
  );

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('import-file');
    const preset = String(form.get('import-preset') ?? '');
    const dryRun = form.get('import-dry-run') === 'yes';
    const skipInvalid = form.get('import-skip-invalid') === 'yes';
    if (!(file instanceof File) || !file.name) {
      setProblems([{ fieldId: 'import-file', message: 'Select a CSV file' }]);
      return;
    }
    setProblems([]);
    setReport(null);
    setJobId(null);
    setUploading(true);
    try {
      const csv = await file.text();
      if (!csv.trim()) {
        setProblems([{ fieldId: 'import-file', message: 'The selected file is empty' }]);
        return;
      }
      const params = new URLSearchParams({
        preset,
        dryRun: String(dryRun),
        skipInvalid: String(skipInvalid),
        file: file.name.slice(0, 200),
      });
      const answer = await startCsvImport(csv, params, csrfToken ?? undefined);
      if (answer.kind === 'job') {
        setJobId(answer.job.id);
        refreshJobs();
        return;
      }
      if (answer.kind === 'report' && isReport(answer.report)) {
        setReport(answer.report);
        return;
      }
      const body = answer.kind === 'problem' ? answer.body : undefined;
      const response = { status: answer.status };
      const problem = (body ?? {}) as { detail?: string; errors?: { field?: string; message?: string }[] };
      const fieldProblems = (problem.errors ?? []).map((p) => ({
        fieldId: FIELD_IDS[p.field ?? ''] ?? 'import-file',
        message: `${p.field === 'body' ? 'The file' : (p.field ?? 'The upload')} ${p.message ?? 'is not valid'}`,
      }));
      setProblems(
        fieldProblems.length
          ? fieldProblems
          : [{ fieldId: 'import-file', message: problem.detail ?? `The upload failed (HTTP ${response.status})` }],
      );
    } catch (error) {
      setProblems([
        { fieldId: 'import-file', message: error instanceof ApiError ? error.detail : 'The file could not be read' },
      ]);
    } finally {
      setUploading(false);
    }
  };

  const problemFor = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;
  const fileError = problemFor('import-file');
  const failed = report !== null && !report.written && !report.dryRun && report.rejected > 0;

  return (
    <>
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      <PageHeading caption="Signpost administration">Import services</PageHeading>
      <p>
        <Link to="/admin">Back to admin</Link>
      </p>
      <p>
        A new kind of file, or an Excel workbook?{' '}
        <Link to="/admin/imports/spreadsheet">Import a spreadsheet and match its columns</Link>.
      </p>

      <form onSubmit={(e) => void handleSubmit(e)} noValidate className="nhsuk-u-margin-bottom-6">
        <FormField
          id="import-file"
          label="CSV file"
          hint="A spreadsheet saved as CSV, with a header row. Up to 5 MB."
          error={fileError ?? undefined}
        >
          {(describedBy) => (
            <input
              className={`nhsuk-file-upload${fileError ? ' nhsuk-file-upload--error' : ''}`}
              id="import-file"
              name="import-file"
              type="file"
              accept=".csv,text/csv"
              aria-describedby={describedBy}
            />
          )}
        </FormField>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="import-preset">
            Kind of file
          </label>
          <select className="nhsuk-select" id="import-preset" name="import-preset" defaultValue={PRESETS[0]}>
            {PRESETS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="nhsuk-form-group">
          <fieldset className="nhsuk-fieldset">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Options</legend>
            <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
              <CheckboxItem id="import-dry-run" name="import-dry-run" value="yes" label="Dry run (check only)" />
              <CheckboxItem
                id="import-skip-invalid"
                name="import-skip-invalid"
                value="yes"
                label="Import good rows, skip bad ones"
              />
            </div>
          </fieldset>
        </div>
        <button
          className="nhsuk-button"
          type="submit"
          disabled={uploading || jobId !== null}
          aria-disabled={uploading || jobId !== null || undefined}
        >
          Upload
        </button>
      </form>

      <div role="status">
        {uploading && (
          <div className="signpost-progress">
            <progress className="signpost-progress__bar" aria-label="Uploading and checking the file" />
            <p className="nhsuk-body">Uploading the file…</p>
          </div>
        )}
        {jobId && <JobProgress jobId={jobId} onDone={onJobDone} />}
        {report && (
          <div className={failed ? 'nhsuk-warning-callout' : 'nhsuk-inset-text signpost-success'}>
            {failed ? (
              <h2 className="nhsuk-warning-callout__label">
                <span role="text">
                  <span className="nhsuk-u-visually-hidden">Important: </span>Nothing was imported
                </span>
              </h2>
            ) : null}
            <p>
              {failed
                ? `${report.rejected} of ${report.rows} row(s) have problems. Fix them, or choose “Import good rows, skip bad ones”, and upload again.`
                : report.dryRun
                  ? `Checked ${report.file}: nothing was written.`
                  : `Imported ${report.file}.`}
            </p>
          </div>
        )}
      </div>

      {report && (
        <>
          <h2 className="nhsuk-heading-m">{report.dryRun ? 'What the import would do' : 'Import report'}</h2>
          <dl className="nhsuk-summary-list">
            {(
              [
                ['Rows in the file', report.rows],
                ['Created', report.created],
                ['Updated', report.updated],
                ['Skipped (duplicates)', report.skipped],
                ['Rejected', report.rejected],
              ] as const
            ).map(([label, value]) => (
              <div key={label} className="nhsuk-summary-list__row">
                <dt className="nhsuk-summary-list__key">{label}</dt>
                <dd className="nhsuk-summary-list__value">{value}</dd>
              </div>
            ))}
          </dl>
          {report.problems.length > 0 && (
            <table className="nhsuk-table-responsive">
              <caption className="nhsuk-table__caption">Rejected rows</caption>
              <TableHead columns={['Line', 'Field', 'Reason']} />
              <tbody className="nhsuk-table__body">
                {report.problems.map((p, i) => (
                  <tr key={`${p.line}-${p.field}-${i}`} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell">{p.line}</td>
                    <td className="nhsuk-table__cell">
                      {p.column && p.column !== p.field ? `${p.field} (${p.column})` : p.field}
                    </td>
                    <td className="nhsuk-table__cell">{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      <PastImports jobs={jobs} />

      <FeedsPanel csrfToken={csrfToken} actions={(feed, reload) => <SyncNow feed={feed} reload={reload} />} />
    </>
  );
}

/** "Sync now" for one registered feed: starts its sync job and shows its live progress, then the outcome. */
function SyncNow({ feed, reload }: { feed: FeedDto; reload: () => void }) {
  const { csrfToken } = useSession();
  const [jobId, setJobId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const start = async () => {
    setOutcome(null);
    try {
      setJobId((await syncFeedNow(feed.id, csrfToken)).id);
    } catch (err) {
      setOutcome(`Could not start the sync: ${(err as Error).message}`);
    }
  };
  const done = (job: JobJson) => {
    setJobId(null);
    const r = job.result as { created?: number; updated?: number; missing?: number; rejected?: number } | null;
    setOutcome(
      job.status === 'succeeded' && r
        ? `Synced: ${r.created ?? 0} created, ${r.updated ?? 0} updated, ${r.missing ?? 0} no longer in the feed, ${r.rejected ?? 0} rejected.`
        : `The sync failed: ${job.error ?? 'unknown error'}. Nothing was changed.`,
    );
    reload();
  };
  return (
    <>
      <button
        type="button"
        className="nhsuk-button nhsuk-button--small"
        disabled={jobId !== null}
        onClick={() => void start()}
      >
        Sync now<span className="nhsuk-u-visually-hidden"> {feed.name}</span>
      </button>
      <div role="status">
        {jobId && <JobProgress jobId={jobId} onDone={done} />}
        {outcome && <p className="nhsuk-body-s">{outcome}</p>}
      </div>
    </>
  );
}

const STATUS: Record<JobJson['status'], string> = {
  queued: 'Waiting',
  running: 'Running',
  succeeded: 'Imported',
  failed: 'Not imported',
};

/** The latest imports: status, when, counts, and the rejected rows as a CSV download. */
function PastImports({ jobs }: { jobs: JobJson[] | null }) {
  if (jobs === null) return null;
  return (
    <>
      <h2 className="nhsuk-heading-m nhsuk-u-margin-top-6">Past imports</h2>
      {jobs.length === 0 ? (
        <p>No imports yet.</p>
      ) : (
        <table className="nhsuk-table-responsive">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Past imports</caption>
          <TableHead columns={['File', 'Started', 'Status', 'Rows', 'Created', 'Updated', 'Warnings', 'Rejected']} />
          <tbody className="nhsuk-table__body">
            {jobs.map((job) => (
              <tr key={job.id} className="nhsuk-table__row">
                <td className="nhsuk-table__cell">{job.file ?? job.kind}</td>
                <td className="nhsuk-table__cell">
                  {new Date(job.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}
                </td>
                <td className="nhsuk-table__cell">
                  {STATUS[job.status]}
                  {job.status === 'running' ? ` (${job.progress.percent}%)` : ''}
                </td>
                <td className="nhsuk-table__cell">{job.summary?.rows ?? '–'}</td>
                <td className="nhsuk-table__cell">{job.summary?.created ?? '–'}</td>
                <td className="nhsuk-table__cell">{job.summary?.updated ?? '–'}</td>
                <td className="nhsuk-table__cell">{job.summary?.warnings ?? '–'}</td>
                <td className="nhsuk-table__cell">
                  {job.summary?.rejected ?? '–'}
                  {job.summary && (job.summary.rejected || job.summary.warnings || job.summary.skipped) ? (
                    <>
                      {' '}
                      <a href={job.problemsUrl} download>
                        Download problems
                        <span className="nhsuk-u-visually-hidden"> of {job.file ?? 'this import'}</span> (CSV)
                      </a>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
