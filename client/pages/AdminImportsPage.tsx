/** Route `/admin/imports`: upload a CSV of services with a preset, check it or import it, and read the report (admins only). */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { CheckboxItem } from '../components/CheckboxItem';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { useSession } from '../hooks/useSession';
import { TableHead } from '../components/TableHead';
import { AdminOnly } from '../components/AdminOnly';

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
      if (isReport(body)) {
        setReport(body);
        return;
      }
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
        <div className={`nhsuk-form-group${fileError ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor="import-file">
            CSV file
          </label>
          <div className="nhsuk-hint" id="import-file-hint">
            A spreadsheet saved as CSV, with a header row. Up to 5 MB.
          </div>
          {fileError && (
            <span className="nhsuk-error-message" id="import-file-error">
              <span className="nhsuk-u-visually-hidden">Error: </span>
              {fileError}
            </span>
          )}
          <input
            className={`nhsuk-file-upload${fileError ? ' nhsuk-file-upload--error' : ''}`}
            id="import-file"
            name="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby={`import-file-hint${fileError ? ' import-file-error' : ''}`}
          />
        </div>
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
        <button className="nhsuk-button" type="submit" disabled={uploading} aria-disabled={uploading || undefined}>
          Upload
        </button>
      </form>

      <div role="status">
        {uploading && (
          <div className="signpost-progress">
            <progress className="signpost-progress__bar" aria-label="Uploading and checking the file" />
            <p className="nhsuk-body">Uploading and checking the file…</p>
          </div>
        )}
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
    </>
  );
}
