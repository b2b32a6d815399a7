/**
 * Imports as background jobs: the handlers of the `services-csv` (a CSV file) and `oruk-file` (an ORUK JSON document)
 * job kinds, and the checks run before one is enqueued. The API, the CLI and the bench all go through these.
 */
import type { JobContext, JobHandlers, JobOutcome, JobProgress } from '../jobs';
import { JobInputError } from '../jobs';
import type { Role } from '../../../shared/roles';
import { importSpreadsheet, type ImportProgress } from './domain';
import { parseMapOption, type ColumnMapping } from './fields';
import { resolveMapping, type ImportDefaults, type PresetName } from './presets';
import { importOrukServices, OrukSourceError, servicesOfDocument } from './oruk';

/** Job kind of a CSV import of services. */
export const SERVICES_CSV_JOB = 'services-csv';
/** Job kind of an ORUK file import. */
export const ORUK_FILE_JOB = 'oruk-file';

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

/** Options of an oruk-file job. */
export interface OrukFileJobOptions {
  skipInvalid?: boolean;
  /** Source name shown in the report. */
  file?: string;
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

/** Parses an ORUK document's bytes into its services; throws JobInputError (or returns the message) when it cannot. */
export function orukServicesOf(bytes: Uint8Array): unknown[] {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new JobInputError(`not readable as JSON: ${(err as Error).message}`);
  }
  try {
    return servicesOfDocument(doc);
  } catch (err) {
    if (err instanceof OrukSourceError) throw new JobInputError(err.message);
    throw err;
  }
}

async function runOrukFile(ctx: JobContext): Promise<JobOutcome> {
  const options = ctx.options as OrukFileJobOptions;
  if (!ctx.input) throw new JobInputError('the job has no file');
  await ctx.progress({ phase: 'read', done: 0, total: ctx.input.byteLength, percent: 0 });
  const services = orukServicesOf(ctx.input);
  const progress: JobProgress = { phase: 'import', done: 0, total: services.length, percent: 5 };
  await ctx.progress(progress);
  const report = await importOrukServices({
    db: ctx.db,
    services,
    source: options.file || 'upload.json',
    skipInvalid: options.skipInvalid ?? false,
    actorUserId: ctx.createdBy,
  });
  await ctx.progress({ ...progress, done: services.length, percent: 100 });
  const result = report as unknown as Record<string, unknown>;
  if (report.rejected > 0 && !report.written && !report.skipInvalid)
    return { result, error: rejectedError(report.rejected, 'record') };
  return { result };
}

/** The import job handlers, by kind. */
export function importJobHandlers(): JobHandlers {
  return { [SERVICES_CSV_JOB]: runServicesCsv, [ORUK_FILE_JOB]: runOrukFile };
}
