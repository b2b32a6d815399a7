/**
 * Imports as background jobs: the handlers of the `services-csv` (a CSV or XLSX file), `oruk-file` (an ORUK JSON
 * document) and `oruk-url` (an ORUK feed or API read page by page) job kinds, and the checks run before one is
 * enqueued. The API, the CLI and the bench all go through these.
 */
import type { JobContext, JobHandlers, JobOutcome } from '../jobs';
import { JobInputError } from '../jobs';
import type { Role } from '../../../shared/roles';
import { importSpreadsheet, type ImportProgress } from './domain';
import { parseMapOption, type ColumnMapping } from './fields';
import { resolveMapping, type ImportDefaults, type PresetName } from './presets';
import { importOrukServices, OrukSourceError, readOrukSource, servicesOfDocument, type Crosswalk } from '../oruk';

/** Job kind of a CSV import of services. */
export const SERVICES_CSV_JOB = 'services-csv';
/** Job kind of an ORUK file import. */
export const ORUK_FILE_JOB = 'oruk-file';
/** Job kind of an import read from an ORUK feed URL (the CLI; registered feeds sync as `oruk-feed`). */
export const ORUK_URL_JOB = 'oruk-url';

/** Options of a services-csv job (stored with the job): a resolved mapping (the API), or a preset and/or map. */
export interface ServicesCsvJobOptions {
  mapping?: ColumnMapping;
  defaults?: ImportDefaults;
  preset?: PresetName;
  map?: string;
  skipInvalid?: boolean;
  /** File name shown in the report. */
  file?: string;
  /** Role of whoever enqueued it (admin: imported organisations are approved). */
  role?: Role;
}

/** Options of an oruk-file or oruk-url job. */
export interface OrukFileJobOptions {
  skipInvalid?: boolean;
  /** Source shown in the report: the file name (oruk-file). */
  file?: string;
  /** The feed or API to read (oruk-url). */
  url?: string;
  /** Read only services modified since this instant (ISO 8601; oruk-url): a partial read marks nothing missing. */
  modifiedAfter?: string;
  /** The feed's identity, when not its file name or URL. */
  sourceName?: string;
  /** Place by the postcode when coordinates and postcode disagree by more than 1 km. */
  preferPostcode?: boolean;
  /** Feed terms → Signpost categories (default data/oruk-crosswalk.json). */
  crosswalk?: Crosswalk;
  /** Check and report only; write nothing. */
  dryRun?: boolean;
}

/** Resolves the column mapping of the options; throws an Error with a readable message (and which option is wrong). */
export function mappingOf(options: ServicesCsvJobOptions) {
  try {
    return resolveMapping({ preset: options.preset, map: options.map ? parseMapOption(options.map) : undefined });
  } catch (err) {
    throw Object.assign(new Error((err as Error).message), { field: options.map ? 'map' : 'preset' });
  }
}

/**
 * Overall percent of a CSV import: reading 0–5 %, checking rows 5–50 %, writing 50–100 %. Writing is reported by
 * thirds (the statements of one transaction), checking every 200 rows.
 */
export function csvPercent(p: ImportProgress): number {
  const f = p.total ? p.done / p.total : 1;
  return p.phase === 'validate' ? 5 + 45 * f : 50 + 50 * f;
}

const rejectedError = (n: number, what: string) =>
  `${n} ${what}${n === 1 ? '' : 's'} rejected; nothing was written. Download the problems, fix the file and import it again, or import with "skip invalid rows".`;

async function runServicesCsv(ctx: JobContext): Promise<JobOutcome> {
  const options = ctx.options as ServicesCsvJobOptions;
  if (!ctx.input) throw new JobInputError('the job has no file');
  await ctx.progress({ phase: 'read', done: 0, total: ctx.input.byteLength, percent: 0 });
  let mapping;
  try {
    mapping =
      options.mapping && options.defaults
        ? { mapping: options.mapping, defaults: options.defaults }
        : mappingOf(options);
  } catch (err) {
    throw new JobInputError((err as Error).message);
  }
  const report = await importSpreadsheet({
    db: ctx.db,
    file: Buffer.from(ctx.input),
    contentType: ctx.inputType ?? undefined,
    ...mapping,
    skipInvalid: options.skipInvalid ?? false,
    actor: { userId: ctx.createdBy, role: options.role ?? 'admin' },
    fileName: options.file || 'upload.csv',
    onProgress: (p) => ctx.progress({ ...p, percent: csvPercent(p) }),
  });
  const result = report as unknown as Record<string, unknown>;
  const refused = report.problems.find((p) => p.line === 1);
  if (refused) return { result, error: `the file was refused: ${refused.field}: ${refused.reason}` };
  if (report.rejected > 0 && !report.written && !report.skipInvalid)
    return { result, error: rejectedError(report.rejected, 'row') };
  return { result };
}

/** Parses an ORUK document's bytes into its services and top-level organisations; throws JobInputError when it cannot. */
export function orukDocumentOf(bytes: Uint8Array): { services: unknown[]; organizations?: unknown[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new JobInputError(`not readable as JSON: ${(err as Error).message}`);
  }
  try {
    const services = servicesOfDocument(doc);
    const organizations =
      doc && typeof doc === 'object' && Array.isArray((doc as { organizations?: unknown }).organizations)
        ? (doc as { organizations: unknown[] }).organizations
        : undefined;
    return { services, organizations };
  } catch (err) {
    if (err instanceof OrukSourceError) throw new JobInputError(err.message);
    throw err;
  }
}

/** Overall percent of an ORUK import: reading 0–5 %, checking records 5–50 %, writing 50–100 %. */
export function orukPercent(p: { phase: 'check' | 'write'; done: number; total: number }): number {
  const f = p.total ? p.done / p.total : 1;
  return p.phase === 'check' ? 5 + 45 * f : 50 + 50 * f;
}

/** Runs an oruk-file job (the document is the job's input) or an oruk-url job (the feed is read here). */
async function runOruk(ctx: JobContext, outboundAllow: readonly string[] | undefined): Promise<JobOutcome> {
  const options = ctx.options as OrukFileJobOptions;
  let read: { services: unknown[]; organizations?: unknown[]; pages?: number };
  if (options.url) {
    await ctx.progress({ phase: 'read', done: 0, total: 0, percent: 0 });
    try {
      read = await readOrukSource(options.url, {
        outboundAllow,
        modifiedAfter: options.modifiedAfter ? new Date(options.modifiedAfter) : undefined,
      });
    } catch (err) {
      if (err instanceof OrukSourceError) throw new JobInputError(err.message);
      throw err;
    }
  } else {
    if (!ctx.input) throw new JobInputError('the job has no file');
    await ctx.progress({ phase: 'read', done: 0, total: ctx.input.byteLength, percent: 0 });
    read = orukDocumentOf(ctx.input);
  }
  const report = await importOrukServices({
    db: ctx.db,
    ...read,
    source: options.url || options.file || 'upload.json',
    sourceName: options.sourceName,
    preferPostcode: options.preferPostcode,
    crosswalk: options.crosswalk,
    dryRun: options.dryRun ?? false,
    skipInvalid: options.skipInvalid ?? false,
    complete: !options.modifiedAfter,
    actorUserId: ctx.createdBy,
    onProgress: (p) => ctx.progress({ ...p, percent: orukPercent(p) }),
  });
  const result = report as unknown as Record<string, unknown>;
  if (report.rejected > 0 && !report.written && !report.skipInvalid && !report.dryRun)
    return { result, error: rejectedError(report.rejected, 'record') };
  return { result };
}

/** The import job handlers, by kind. `outboundAllow` (OUTBOUND_ALLOW) lets oruk-url read a non-public feed. */
export function importJobHandlers(opts: { outboundAllow?: readonly string[] } = {}): JobHandlers {
  const oruk = (ctx: JobContext) => runOruk(ctx, opts.outboundAllow);
  return { [SERVICES_CSV_JOB]: runServicesCsv, [ORUK_FILE_JOB]: oruk, [ORUK_URL_JOB]: oruk };
}
