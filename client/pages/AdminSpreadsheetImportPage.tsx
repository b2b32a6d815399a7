/**
 * Route `/admin/imports/spreadsheet`: the mapping wizard (admins only). Upload a CSV or XLSX file → a suggested
 * mapping, one select per column → a preview of the first rows as they would be stored, with each cell's problem →
 * import, and the report (opening-hours parse rate, rejected rows by spreadsheet row and column). A mapping can be
 * saved by name and reused.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import {
  IMPORT_FIELDS,
  inspectSpreadsheet,
  listImportMappings,
  previewSpreadsheet,
  saveImportMapping,
  startSpreadsheetImport,
  type ColumnMapping,
  type ImportField,
  type ImportReport,
  type InspectResult,
  type ParsedSchedule,
  type PreviewResult,
  type SavedMapping,
} from '../api/imports';
import type { JobJson } from '../api/jobs';
import { AdminOnly } from '../components/AdminOnly';
import { JobProgress } from '../components/JobProgress';
import { CheckboxItem } from '../components/CheckboxItem';
import { ErrorSummary, type FormProblem } from '../components/ErrorSummary';
import { PageHeading } from '../components/PageHeading';
import { TableHead } from '../components/TableHead';
import { FormField } from '../components/FormField';
import { useApiResource } from '../hooks/useApiResource';
import { useSession } from '../hooks/useSession';
import { weekdayName } from '../../shared/weekdays';

/** Plain-English names of the fields in the selects. */
const FIELD_LABELS: Record<ImportField, string> = {
  organization_name: 'Organisation name',
  service_name: 'Service name',
  description: 'Description',
  address: 'Address',
  city: 'Town or city',
  postcode: 'Postcode',
  lat: 'Latitude',
  lng: 'Longitude',
  phone: 'Phone',
  email: 'Email',
  contact: 'Contact (email and/or phone in one cell)',
  website: 'Website',
  taxonomy: 'Category codes',
  referral: 'How to get referred',
  opening_times: 'Opening times',
  cost: 'Cost (free or not)',
  category: 'Category (free text)',
  charity_number: 'Charity number',
  legal_status: 'Legal status',
  ref: 'Row key for re-imports',
  ignore: 'Do not import',
};

interface TaxonomyNode {
  id: string;
  code: string;
  name: string;
  children: TaxonomyNode[];
}

const flatten = (nodes: TaxonomyNode[], depth = 0): { code: string; label: string }[] =>
  nodes.flatMap((n) => [
    { code: n.code, label: `${'– '.repeat(depth)}${n.name}` },
    ...flatten(n.children ?? [], depth + 1),
  ]);

const ORDINALS: Record<string, string> = { '1': '1st', '2': '2nd', '3': '3rd', '4': '4th', '-1': 'last' };

/** "Wednesdays, 10:00 to 16:00" / "1st Saturday of the month, 10:00 to 12:00". */
function scheduleText(s: ParsedSchedule): string {
  const days = s.byday
    .split(',')
    .map((d) => {
      const m = /^(-?\d)?([A-Z]{2})$/.exec(d);
      if (!m) return d;
      return m[1] ? `${ORDINALS[m[1]] ?? m[1]} ${weekdayName(m[2]!)} of the month` : `${weekdayName(m[2]!)}s`;
    })
    .join(', ');
  if (s.opensAt && s.closesAt) return `${days}, ${s.opensAt} to ${s.closesAt}`;
  if (s.opensAt) return `${days}, from ${s.opensAt}`;
  return days;
}

const OUTCOME: Record<string, string> = {
  create: 'New',
  update: 'Update',
  skip: 'Skipped (duplicate)',
  reject: 'Has problems',
};

const fieldIdOf = (column: string, header: string[]) => `map-col-${Math.max(0, header.indexOf(column))}`;

/** The wizard page; anyone but an admin is told they need an admin account. */
export function AdminSpreadsheetImportPage() {
  return (
    <AdminOnly title="Import a spreadsheet" path="/admin/imports/spreadsheet">
      <Wizard />
    </AdminOnly>
  );
}

function Wizard() {
  const { csrfToken } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [inspect, setInspect] = useState<InspectResult | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [taxonomy, setTaxonomy] = useState('');
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  /** The running import job, followed with a live progress bar until it finishes. */
  const [jobId, setJobId] = useState<string | null>(null);
  const onJobDone = (job: JobJson) => {
    setJobId(null);
    if (job.result && 'rows' in job.result) {
      setReport(job.result as unknown as ImportReport);
      setFocusNext('report');
    } else
      setProblems([{ fieldId: 'import-skip-invalid', message: `The import failed: ${job.error ?? 'unknown error'}` }]);
  };
  const [skipInvalid, setSkipInvalid] = useState(true);
  const [busy, setBusy] = useState<string | null>(null);
  const [problems, setProblems] = useState<FormProblem[]>([]);
  const [saved, setSaved] = useState<SavedMapping[]>([]);
  const [saveName, setSaveName] = useState('');
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const terms = useApiResource<{ terms: TaxonomyNode[] }>('/api/taxonomy');
  const mappingHeading = useRef<HTMLHeadingElement>(null);
  const previewHeading = useRef<HTMLHeadingElement>(null);
  const reportHeading = useRef<HTMLHeadingElement>(null);
  const [focusNext, setFocusNext] = useState<'mapping' | 'preview' | 'report' | null>(null);

  useEffect(() => {
    const target = { mapping: mappingHeading, preview: previewHeading, report: reportHeading }[focusNext ?? 'mapping'];
    if (focusNext && target.current) {
      target.current.focus();
      setFocusNext(null);
    }
  }, [focusNext, inspect, preview, report]);

  const fail = (error: unknown, fallbackField: string, header: string[] = inspect?.header ?? []) => {
    if (error instanceof ApiError && error.errors.length) {
      setProblems(
        error.errors.map((e) => {
          const column = e.field.startsWith('mapping.') ? e.field.slice('mapping.'.length) : null;
          return {
            fieldId: column && header.includes(column) ? fieldIdOf(column, header) : fallbackField,
            message: `${column ? `Column “${column}”` : e.field === 'body' ? 'The file' : e.field}: ${e.message}`,
          };
        }),
      );
    } else
      setProblems([
        { fieldId: fallbackField, message: error instanceof ApiError ? error.detail : 'The file could not be read' },
      ]);
  };

  const run = async (label: string, work: () => Promise<void>) => {
    setBusy(label);
    setProblems([]);
    try {
      await work();
    } finally {
      setBusy(null);
    }
  };

  const onUpload = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const picked = new FormData(event.currentTarget).get('sheet-file');
    if (!(picked instanceof File) || !picked.name) {
      setProblems([{ fieldId: 'sheet-file', message: 'Select a CSV or XLSX file' }]);
      return;
    }
    void run('Reading the file…', async () => {
      try {
        const result = await inspectSpreadsheet(picked, csrfToken);
        setFile(picked);
        setInspect(result);
        setMapping(result.suggestedMapping);
        setPreview(null);
        setReport(null);
        setSaved(await listImportMappings().catch(() => []));
        setFocusNext('mapping');
      } catch (error) {
        fail(error, 'sheet-file', []);
      }
    });
  };

  const onPreview = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) return;
    void run('Checking the first rows…', async () => {
      try {
        setPreview(
          await previewSpreadsheet(file, mapping, { taxonomy: taxonomy ? [taxonomy] : [], limit: 10 }, csrfToken),
        );
        setReport(null);
        setFocusNext('preview');
      } catch (error) {
        fail(error, inspect?.header.length ? fieldIdOf(inspect.header[0]!, inspect.header) : 'sheet-file');
      }
    });
  };

  const onImport = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) return;
    void run('Importing…', async () => {
      try {
        const { job } = await startSpreadsheetImport(
          file,
          mapping,
          { taxonomy: taxonomy ? [taxonomy] : [], skipInvalid },
          csrfToken,
        );
        setReport(null);
        setJobId(job.id);
      } catch (error) {
        fail(error, 'import-skip-invalid');
      }
    });
  };

  const onUseSaved = (name: string) => {
    const m = saved.find((s) => s.name === name);
    if (!m || !inspect) return;
    setMapping(Object.fromEntries(inspect.header.map((c) => [c, m.mapping[c] ?? 'ignore'])) as ColumnMapping);
    setTaxonomy('codes' in m.defaults.taxonomy ? (m.defaults.taxonomy.codes[0] ?? '') : '');
    setPreview(null);
  };

  const onSave = () => {
    if (!saveName.trim()) {
      setProblems([{ fieldId: 'save-name', message: 'Enter a name for the mapping, e.g. food-banks-2024' }]);
      return;
    }
    void run('Saving the mapping…', async () => {
      try {
        const result = await saveImportMapping(saveName.trim(), mapping, taxonomy ? [taxonomy] : [], csrfToken);
        setSavedNote(`Saved as “${result.name}”.`);
        setSaved(await listImportMappings().catch(() => saved));
      } catch (error) {
        if (error instanceof ApiError && error.errors.some((e) => e.field === 'name'))
          setProblems([{ fieldId: 'save-name', message: `Name: ${error.errors[0]!.message}` }]);
        else fail(error, 'save-name');
      }
    });
  };

  const problemFor = (id: string) => problems.find((p) => p.fieldId === id)?.message;
  const fileError = problemFor('sheet-file');
  const saveError = problemFor('save-name');
  const termOptions = terms.status === 'ready' ? flatten(terms.data.terms) : [];
  const example = (column: string) => preview?.preview[0]?.cells.find((c) => c.column === column)?.value ?? '';
  const rate = (r: { named: number; parsed: number }) =>
    r.named ? `${r.parsed} of ${r.named} (${Math.round((r.parsed / r.named) * 100)}%)` : 'none named a day or time';

  return (
    <>
      {problems.length > 0 && <ErrorSummary problems={problems} />}
      <PageHeading caption="Signpost administration">Import a spreadsheet</PageHeading>
      <p>
        <Link to="/admin/imports">Back to imports</Link>
      </p>

      <h2 className="nhsuk-heading-m">1. Choose the file</h2>
      <form onSubmit={onUpload} noValidate className="nhsuk-u-margin-bottom-6">
        <FormField
          id="sheet-file"
          label="Spreadsheet file"
          hint="CSV or Excel (.xlsx, first worksheet), with the column names in row 1. Up to 5 MB."
          error={fileError ?? undefined}
        >
          {(describedBy) => (
            <input
              className={`nhsuk-file-upload${fileError ? ' nhsuk-file-upload--error' : ''}`}
              id="sheet-file"
              name="sheet-file"
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              aria-describedby={describedBy}
            />
          )}
        </FormField>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit" disabled={!!busy}>
          Read the file
        </button>
      </form>

      <div role="status" aria-live="polite">
        {busy && <p className="nhsuk-body">{busy}</p>}
      </div>

      {inspect && (
        <form onSubmit={onPreview} noValidate className="nhsuk-u-margin-bottom-6">
          <h2 className="nhsuk-heading-m" tabIndex={-1} ref={mappingHeading}>
            2. Match the columns
          </h2>
          <p>
            {file?.name} has {inspect.rows} row{inspect.rows === 1 ? '' : 's'}. Signpost suggested a field for each
            column from its name; change any that are wrong, or choose “Do not import”.
          </p>
          {saved.length > 0 && (
            <div className="nhsuk-form-group">
              <label className="nhsuk-label" htmlFor="saved-mapping">
                Start from a saved mapping (optional)
              </label>
              <select
                className="nhsuk-select"
                id="saved-mapping"
                defaultValue=""
                onChange={(e) => onUseSaved(e.target.value)}
              >
                <option value="">Keep the suggestion</option>
                {saved.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name}
                    {inspect.matchingMappings.includes(m.name) ? ' (fits this file)' : ''}
                  </option>
                ))}
              </select>
            </div>
          )}
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption">Columns of the file</caption>
            <TableHead columns={['Column', 'Signpost field']} />
            <tbody className="nhsuk-table__body">
              {inspect.header.map((column, j) => {
                const id = `map-col-${j}`;
                const error = problemFor(id);
                return (
                  <tr key={`${column}-${j}`} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell">
                      <label htmlFor={id} className="nhsuk-label nhsuk-u-margin-bottom-0">
                        {column || `(column ${j + 1} has no name)`}
                      </label>
                      {example(column) && (
                        <span className="nhsuk-hint nhsuk-u-margin-bottom-0">e.g. {example(column).slice(0, 80)}</span>
                      )}
                    </td>
                    <td className="nhsuk-table__cell">
                      {error && (
                        <span className="nhsuk-error-message" id={`${id}-error`}>
                          <span className="nhsuk-u-visually-hidden">Error: </span>
                          {error}
                        </span>
                      )}
                      <select
                        className={`nhsuk-select${error ? ' nhsuk-select--error' : ''}`}
                        id={id}
                        value={mapping[column] ?? 'ignore'}
                        aria-describedby={error ? `${id}-error` : undefined}
                        onChange={(e) => {
                          setMapping({ ...mapping, [column]: e.target.value as ImportField });
                          setPreview(null);
                        }}
                      >
                        {IMPORT_FIELDS.map((f) => (
                          <option key={f} value={f}>
                            {FIELD_LABELS[f]}
                          </option>
                        ))}
                      </select>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="nhsuk-form-group">
            <label className="nhsuk-label" htmlFor="sheet-taxonomy">
              Category of rows without category codes
            </label>
            <select
              className="nhsuk-select"
              id="sheet-taxonomy"
              value={taxonomy}
              onChange={(e) => {
                setTaxonomy(e.target.value);
                setPreview(null);
              }}
            >
              <option value="">Choose from each row’s description</option>
              {termOptions.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.label}
                </option>
              ))}
            </select>
          </div>
          <button className="nhsuk-button" type="submit" disabled={!!busy || jobId !== null}>
            Preview
          </button>

          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">Save this mapping for next time</span>
            </summary>
            <div className="nhsuk-details__text">
              <div className={`nhsuk-form-group${saveError ? ' nhsuk-form-group--error' : ''}`}>
                <label className="nhsuk-label" htmlFor="save-name">
                  Name
                </label>
                <div className="nhsuk-hint" id="save-name-hint">
                  Lower-case letters, digits and hyphens, e.g. food-banks-2024.
                </div>
                {saveError && (
                  <span className="nhsuk-error-message" id="save-name-error">
                    <span className="nhsuk-u-visually-hidden">Error: </span>
                    {saveError}
                  </span>
                )}
                <input
                  className={`nhsuk-input nhsuk-input--width-20${saveError ? ' nhsuk-input--error' : ''}`}
                  id="save-name"
                  value={saveName}
                  onChange={(e) => setSaveName(e.target.value)}
                  aria-describedby={`save-name-hint${saveError ? ' save-name-error' : ''}`}
                />
              </div>
              <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onSave} disabled={!!busy}>
                Save mapping
              </button>
              <div role="status">{savedNote && <p className="nhsuk-body">{savedNote}</p>}</div>
            </div>
          </details>
        </form>
      )}

      {preview && (
        <form onSubmit={onImport} noValidate className="nhsuk-u-margin-bottom-6">
          <h2 className="nhsuk-heading-m" tabIndex={-1} ref={previewHeading}>
            3. Check the first {preview.preview.length} rows
          </h2>
          <p>
            Opening times read as days and hours in these rows: {rate(preview.openingHours)}. Rows are numbered as in
            the spreadsheet (the column names are row 1).
          </p>
          {preview.problems.length > 0 && (
            <div className="nhsuk-warning-callout">
              <h3 className="nhsuk-warning-callout__label">
                <span role="text">
                  <span className="nhsuk-u-visually-hidden">Important: </span>The mapping has problems
                </span>
              </h3>
              <ul>
                {preview.problems.map((p, i) => (
                  <li key={i}>
                    {p.column ? `Column “${p.column}”: ` : ''}
                    {p.field.startsWith('(') ? '' : `${p.field} `}
                    {p.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <table className="nhsuk-table-responsive">
            <caption className="nhsuk-table__caption">Rows as they would be stored</caption>
            <TableHead columns={['Row', 'What happens', 'Organisation', 'Place', 'Opening times', 'Problems']} />
            <tbody className="nhsuk-table__body">
              {preview.preview.map((r) => {
                const cellProblems = r.cells.filter((c) => c.problem);
                return (
                  <tr key={r.line} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell">{r.line}</td>
                    <td className="nhsuk-table__cell">
                      {OUTCOME[r.outcome]}
                      {r.skippedBecause ? `: ${r.skippedBecause}` : ''}
                    </td>
                    <td className="nhsuk-table__cell">{r.stored?.organizationName ?? '—'}</td>
                    <td className="nhsuk-table__cell">
                      {r.stored ? (r.stored.postcode ?? `${r.stored.lat.toFixed(4)}, ${r.stored.lng.toFixed(4)}`) : '—'}
                    </td>
                    <td className="nhsuk-table__cell">
                      {r.stored?.schedules.length ? (
                        <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                          {r.stored.schedules.map((s, i) => (
                            <li key={i}>{scheduleText(s)}</li>
                          ))}
                        </ul>
                      ) : (
                        (r.stored?.openingTimesNote ?? '—')
                      )}
                    </td>
                    <td className="nhsuk-table__cell">
                      {cellProblems.length || r.rowProblems.length ? (
                        <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                          {cellProblems.map((c) => (
                            <li key={c.column}>
                              <strong>{c.column}</strong>: {c.problem}
                            </li>
                          ))}
                          {r.rowProblems.map((p, i) => (
                            <li key={`row-${i}`}>{p}</li>
                          ))}
                        </ul>
                      ) : (
                        'None'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="nhsuk-form-group">
            <fieldset className="nhsuk-fieldset">
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Rows with problems</legend>
              <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
                <CheckboxItem
                  id="import-skip-invalid"
                  name="import-skip-invalid"
                  value="yes"
                  checked={skipInvalid}
                  onChange={(e) => setSkipInvalid(e.target.checked)}
                  label="Import the good rows and skip the bad ones"
                  hint="Unticked, nothing is imported while any row has a problem."
                />
              </div>
            </fieldset>
          </div>
          <button className="nhsuk-button" type="submit" disabled={!!busy}>
            Import {inspect?.rows ?? ''} rows
          </button>
        </form>
      )}

      {jobId && (
        <div role="status">
          <JobProgress jobId={jobId} onDone={onJobDone} />
        </div>
      )}

      {report && (
        <section aria-labelledby="report-heading">
          <h2 className="nhsuk-heading-m" id="report-heading" tabIndex={-1} ref={reportHeading}>
            {report.written ? 'Import report' : 'Nothing was imported'}
          </h2>
          <dl className="nhsuk-summary-list">
            {(
              [
                ['Rows in the file', report.rows],
                ['Created', report.created],
                ['Updated', report.updated],
                ['Skipped (duplicates)', report.skipped],
                ['Rejected', report.rejected],
                ['Opening times read as days and hours', rate(report.openingHours)],
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
              <TableHead columns={['Row', 'Column', 'Reason']} />
              <tbody className="nhsuk-table__body">
                {report.problems.map((p, i) => (
                  <tr key={`${p.line}-${p.field}-${i}`} className="nhsuk-table__row">
                    <td className="nhsuk-table__cell">{p.line}</td>
                    <td className="nhsuk-table__cell">{p.column ?? p.field}</td>
                    <td className="nhsuk-table__cell">{p.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
