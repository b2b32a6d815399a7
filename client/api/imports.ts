/**
 * Client of the spreadsheet import API: inspect a file (header, suggested mapping), preview rows as they would be
 * stored, start the import, and the saved mappings. Files are sent as the request body (CSV or XLSX).
 */
import { ApiError, getJson, sendJson } from './client';

/** Signpost fields a column can map to (server/features/imports/fields.ts IMPORT_FIELDS). */
export const IMPORT_FIELDS = [
  'organization_name',
  'service_name',
  'description',
  'address',
  'city',
  'postcode',
  'lat',
  'lng',
  'phone',
  'email',
  'contact',
  'website',
  'taxonomy',
  'referral',
  'opening_times',
  'cost',
  'category',
  'charity_number',
  'legal_status',
  'ref',
  'ignore',
] as const;
/** One of IMPORT_FIELDS. */
export type ImportField = (typeof IMPORT_FIELDS)[number];
/** Column → field. */
export type ColumnMapping = Record<string, ImportField>;

/** What POST /api/admin/imports/inspect answers. */
export interface InspectResult {
  header: string[];
  rows: number;
  suggestedMapping: ColumnMapping;
  matchingMappings: string[];
}

/** A schedule read from an opening-times cell. */
export interface ParsedSchedule {
  freq: 'WEEKLY' | 'MONTHLY';
  byday: string;
  opensAt: string | null;
  closesAt: string | null;
}

/** One previewed row. */
export interface PreviewRow {
  line: number;
  outcome: 'create' | 'update' | 'skip' | 'reject';
  skippedBecause: string | null;
  stored: {
    organizationName: string;
    serviceName: string;
    postcode: string | null;
    lat: number;
    lng: number;
    phone: string | null;
    email: string | null;
    website: string | null;
    taxonomy: string[];
    isFree: boolean | null;
    schedules: ParsedSchedule[];
    openingTimesNote: string | null;
  } | null;
  cells: { column: string; field: string; value: string; problem: string | null }[];
  rowProblems: string[];
}

/** One problem of a rejected row (row = spreadsheet row, header = 1). */
export interface ImportProblem {
  line: number;
  field: string;
  column?: string;
  reason: string;
}

/** What POST /api/admin/imports/preview answers. */
export interface PreviewResult {
  header: string[];
  rows: number;
  preview: PreviewRow[];
  problems: ImportProblem[];
  openingHours: { named: number; parsed: number; rate: number | null };
}

/** The import report. */
export interface ImportReport {
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
  skippedRows: ImportProblem[];
  ignoredColumns: string[];
  openingHours: { named: number; parsed: number; rate: number | null };
}

/** A saved mapping. */
export interface SavedMapping {
  name: string;
  mapping: ColumnMapping;
  defaults: { source: string; taxonomy: { codes: string[] } | { byKeywords: true } };
  builtIn: boolean;
  updatedAt: string;
}

/** Options of preview and import. */
export interface ImportOptions {
  /** Taxonomy codes for rows without a taxonomy value. */
  taxonomy?: string[];
  /** Check only. */
  dryRun?: boolean;
  /** Import the good rows, skip the bad ones. */
  skipInvalid?: boolean;
  /** Rows to preview. */
  limit?: number;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const typeOf = (file: File) => (/\.xlsx$/i.test(file.name) || file.type === XLSX ? XLSX : 'text/csv');

async function postFile<T>(
  path: string,
  file: File,
  params: Record<string, string>,
  csrfToken: string | null,
  accept?: (status: number, body: unknown) => boolean,
): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': typeOf(file), Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${path}?${new URLSearchParams({ ...params, file: file.name.slice(0, 200) })}`, {
      method: 'POST',
      headers,
      body: file,
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
  if (response.ok || accept?.(response.status, body)) return body as T;
  const problem = (body ?? {}) as { code?: string; detail?: string; errors?: { field: string; message: string }[] };
  throw new ApiError({
    status: response.status,
    code: problem.code ?? 'http_error',
    detail: problem.detail ?? `The upload failed (HTTP ${response.status})`,
    errors: problem.errors ?? [],
  });
}

const mappingParams = (mapping: ColumnMapping, options: ImportOptions) => ({
  mapping: JSON.stringify(mapping),
  ...(options.taxonomy?.length ? { taxonomy: options.taxonomy.join(',') } : {}),
});

/** Reads a file's header and the suggested mapping. */
export const inspectSpreadsheet = (file: File, csrfToken: string | null) =>
  postFile<InspectResult>('/api/admin/imports/inspect', file, {}, csrfToken);

/** The first rows as they would be stored, with each cell's problem. */
export const previewSpreadsheet = (
  file: File,
  mapping: ColumnMapping,
  options: ImportOptions,
  csrfToken: string | null,
) =>
  postFile<PreviewResult>(
    '/api/admin/imports/preview',
    file,
    { ...mappingParams(mapping, options), limit: String(options.limit ?? 20) },
    csrfToken,
  );

/**
 * Starts the import as a background job and resolves to the queued job (follow it with JobProgress; its result is
 * the report). The one place the wizard imports through.
 */
export const startSpreadsheetImport = (
  file: File,
  mapping: ColumnMapping,
  options: ImportOptions,
  csrfToken: string | null,
) =>
  postFile<{ job: { id: string } }>(
    '/api/admin/imports/services',
    file,
    { ...mappingParams(mapping, options), skipInvalid: String(Boolean(options.skipInvalid)) },
    csrfToken,
  );

/** The saved mappings, built-in first. */
export const listImportMappings = async () =>
  (await getJson<{ mappings: SavedMapping[] }>('/api/admin/import-mappings')).mappings;

/** Saves a mapping under a name. */
export const saveImportMapping = async (
  name: string,
  mapping: ColumnMapping,
  taxonomy: string[],
  csrfToken: string | null,
) =>
  (
    await sendJson<SavedMapping>(
      'PUT',
      `/api/admin/import-mappings/${encodeURIComponent(name)}`,
      { mapping, taxonomy: taxonomy.length ? { codes: taxonomy } : { byKeywords: true } },
      { csrfToken },
    )
  ).body;
