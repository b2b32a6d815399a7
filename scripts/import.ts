/**
 * npm run import -- <subcommand> …: bulk imports into the directory, through the same background-job code as the
 * admin API (a job is enqueued, then run at once in this process; it is listed with the others on the admin page).
 * A progress bar on a terminal, else a log line every 10 %. Subcommands:
 *   services FILE.csv|FILE.xlsx [--preset NAME] [--mapping FILE.json] [--map column=field,...] [--dry-run] [--skip-invalid]
 *     (--mapping: `{ "column": "field", … }` or a saved mapping as GET /api/admin/import-mappings/:name returns it,
 *     `{ "name", "mapping": {…}, "defaults": { "source", "taxonomy" } }`)
 *   oruk URL_OR_FILE [--dry-run] [--skip-invalid] [--prefer-postcode] [--source-name NAME] [--crosswalk FILE]
 *     [--modified-after ISO_DATE]
 *     (an ORUK 3.0 or 1.0 API, followed page by page, or a JSON dump)
 * Runs as an admin (imported organisations are approved). Prints created/updated/skipped/rejected counts and each
 * rejected row as FILE:LINE field: reason; exits 1 when rows were rejected without --skip-invalid, 2 on bad usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../server/config';
import { openDatabase, type Db, type Engine } from '../server/db';
import { createLogger } from '../server/logger';
import {
  IMPORT_FIELDS,
  PRESET_NAMES,
  importSpreadsheet,
  importJobHandlers,
  parseMapOption,
  resolveMapping,
  SERVICES_CSV_JOB,
  ORUK_FILE_JOB,
  ORUK_URL_JOB,
  MappingBody,
  TaxonomyDefaultBody,
  XLSX_TYPE,
  type Preset,
  type ImportReport,
  type OrukFileJobOptions,
} from '../server/features/imports';
import {
  importOrukFeed,
  loadCrosswalk,
  OrukSourceError,
  type OrukImportReport,
  type Crosswalk,
} from '../server/features/oruk';
import { createJobWorker, enqueueJob, findJob, type JobProgress } from '../server/features/jobs';

const USAGE = `Usage: npm run import -- services FILE.csv|FILE.xlsx [--preset NAME] [--mapping FILE.json] [--map column=field,...] [--dry-run] [--skip-invalid]
       npm run import -- oruk URL_OR_FILE [--dry-run] [--skip-invalid] [--prefer-postcode] [--source-name NAME] [--crosswalk FILE]
                              [--modified-after ISO_DATE]
  presets: ${PRESET_NAMES.join(', ')}
  fields:  ${IMPORT_FIELDS.join(', ')}
`;

/** Where the command writes. */
interface Output {
  /** Standard output. */
  out: (text: string) => void;
  /** Standard error. */
  err: (text: string) => void;
  /** A progress bar (true: a TTY), a line to `err` every 10 % ('log'), or nothing (false, the default). */
  progress?: boolean | 'log';
  /** Engine of `db` (the job's heartbeat and recovery); default postgres. */
  engine?: Engine;
}

/**
 * Enqueues a job and runs it now in this process, through the same handlers as the server's worker; draws progress.
 * Returns the finished job's result and error.
 */
async function runJobInline(
  db: Db,
  engine: Engine,
  job: { kind: string; input: Uint8Array | null; inputType: string | null; options: Record<string, unknown> },
  progress: Output['progress'],
  err: Output['err'],
  outboundAllow?: readonly string[],
): Promise<{ result: Record<string, unknown> | null; error: string | null }> {
  const bar =
    progress === true ? new SingleBar({ format: ' {phase} [{bar}] {percentage}%' }, Presets.shades_classic) : undefined;
  let lastTenth = -1;
  const onProgress = (_id: string, p: JobProgress) => {
    if (bar) {
      if (lastTenth < 0) bar.start(100, 0, { phase: p.phase.padEnd(8) });
      lastTenth = 0;
      bar.update(p.percent, { phase: p.phase.padEnd(8) });
    } else if (progress === 'log' && Math.floor(p.percent / 10) > lastTenth) {
      lastTenth = Math.floor(p.percent / 10);
      err(`import: ${lastTenth * 10}% (${p.phase} ${p.done}/${p.total})\n`);
    }
  };
  const worker = createJobWorker({
    database: { db, engine },
    handlers: importJobHandlers({ outboundAllow }),
    logger: createLogger('silent'),
    onProgress,
  });
  const queued = await enqueueJob(db, { ...job, createdBy: null });
  try {
    await worker.runNow(queued.id);
  } finally {
    bar?.stop();
  }
  const done = await findJob(db, queued.id);
  return { result: done?.result ?? null, error: done?.error ?? null };
}

/** Options of `services` read from the command line. */
interface ServicesOptions {
  file: string;
  preset?: string;
  mapping?: string;
  map?: string;
  dryRun: boolean;
  skipInvalid: boolean;
}

/** Reads `services` arguments; throws a readable Error on bad usage. */
export function parseServicesArgs(argv: string[]): ServicesOptions {
  const opts: Partial<ServicesOptions> = { dryRun: false, skipInvalid: false };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    const value = (name: string) => {
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${name} needs a value`);
      i += 1;
      return next;
    };
    if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--skip-invalid') opts.skipInvalid = true;
    else if (a === '--preset' || a.startsWith('--preset=')) opts.preset = value('--preset');
    else if (a === '--mapping' || a.startsWith('--mapping=')) opts.mapping = value('--mapping');
    else if (a === '--map' || a.startsWith('--map=')) opts.map = value('--map');
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else if (!opts.file) opts.file = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.file) throw new Error('name the CSV or XLSX file');
  return opts as ServicesOptions;
}

/**
 * Reads a --mapping JSON file: a plain `{ column: field }` object, or `{ mapping, defaults? }` (a saved mapping as the
 * API returns it). Throws a readable Error naming the file and the bad entry.
 */
export function readMappingFile(file: string): Preset {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
  const wrapped = value && typeof value === 'object' && 'mapping' in value;
  const mapping = MappingBody.safeParse(wrapped ? (value as { mapping: unknown }).mapping : value);
  if (!mapping.success) {
    const issue = mapping.error.issues[0]!;
    throw new Error(`${file}: ${[...issue.path.map(String)].join('.') || 'mapping'} ${issue.message}`);
  }
  const defaults = wrapped ? (value as { defaults?: { source?: unknown; taxonomy?: unknown } }).defaults : undefined;
  const taxonomy = TaxonomyDefaultBody.safeParse(defaults?.taxonomy ?? { byKeywords: true });
  if (!taxonomy.success) throw new Error(`${file}: defaults.taxonomy ${taxonomy.error.issues[0]!.message}`);
  const source =
    typeof defaults?.source === 'string' && /^[a-z0-9][a-z0-9-]{0,59}$/.test(defaults.source) ? defaults.source : 'csv';
  return { mapping: mapping.data, defaults: { source, taxonomy: taxonomy.data } };
}

/** Prints a report: counts, then each skipped and rejected row as FILE:LINE field: reason. */
export function formatReport(report: ImportReport, filePath: string): string {
  const lines = [
    `${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.rejected} rejected` +
      ` (located by postcode ${report.locatedBy.postcode}, by coordinates ${report.locatedBy.coordinates})`,
  ];
  for (const p of report.skippedRows) lines.push(`${filePath}:${p.line} ${p.field}: ${p.reason} (skipped)`);
  for (const p of report.problems) lines.push(`${filePath}:${p.line} ${p.field}: ${p.reason}`);
  if (report.ignoredColumns.length) lines.push(`Columns not imported: ${report.ignoredColumns.join(', ')}`);
  const oh = report.openingHours;
  if (oh.named)
    lines.push(
      `Opening hours: ${oh.parsed} of ${oh.named} values that name a day or time became schedules (${Math.round((oh.rate ?? 0) * 100)} %)`,
    );
  if (report.dryRun) lines.push('Dry run: nothing was written.');
  else if (!report.written && report.rejected > 0 && !report.skipInvalid)
    lines.push(
      'Rejected: nothing was written. Fix the rows above, or re-run with --skip-invalid to import the good rows.',
    );
  else if (!report.written) lines.push('Nothing to write.');
  return `${lines.join('\n')}\n`;
}

/** Runs `services` against an open database; returns the exit code. */
export async function runServicesCommand({
  db,
  argv,
  out,
  err,
  progress = false,
  engine = 'postgres',
}: { db: Db; argv: string[] } & Output): Promise<number> {
  let opts: ServicesOptions;
  let resolved: Preset;
  try {
    opts = parseServicesArgs(argv);
    const fromFile = opts.mapping ? readMappingFile(opts.mapping) : undefined;
    const map = { ...(fromFile?.mapping ?? {}), ...(opts.map ? parseMapOption(opts.map) : {}) };
    resolved = resolveMapping({ preset: opts.preset, map: Object.keys(map).length ? map : undefined });
    if (fromFile && !opts.preset) resolved = { ...resolved, defaults: fromFile.defaults };
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let file: Buffer;
  try {
    file = fs.readFileSync(opts.file);
  } catch (e) {
    err(`Cannot read ${opts.file}: ${(e as Error).message}\n`);
    return 2;
  }
  const fileName = path.basename(opts.file);
  const started = Date.now();
  let report: ImportReport;
  if (opts.dryRun) {
    // A dry run is a preview: checked at once, no job.
    report = await importSpreadsheet({
      db,
      file,
      ...resolved,
      dryRun: true,
      skipInvalid: opts.skipInvalid,
      actor: { userId: null, role: 'admin' },
      fileName,
    });
  } else {
    const { result, error } = await runJobInline(
      db,
      engine,
      {
        kind: SERVICES_CSV_JOB,
        input: file,
        inputType: /\.xlsx$/i.test(fileName) ? XLSX_TYPE : 'text/csv',
        options: { ...resolved, skipInvalid: opts.skipInvalid, file: fileName, role: 'admin' },
      },
      progress,
      err,
    );
    if (!result) {
      err(`Import failed: ${error ?? 'unknown error'}\n`);
      return 1;
    }
    report = result as unknown as ImportReport;
  }
  out(formatReport(report, opts.file));
  out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return report.rejected > 0 && !opts.skipInvalid ? 1 : 0;
}

/** Prints an ORUK import report: counts, then every skipped and rejected record with the field and reason. */
export function formatOrukReport(r: OrukImportReport): string {
  const lines = [
    `${r.records} services${r.pages ? ` from ${r.pages} pages` : ''}: ${r.created} created, ${r.updated} updated, ` +
      `${r.unchanged} unchanged, ${r.skipped} skipped, ${r.rejected} rejected (organisations: ${r.organizationsCreated} created, ` +
      `${r.organizationsUpdated} updated; taxonomy terms added: ${r.termsCreated})`,
    `Source: ${r.sourceKey}${r.missing ? `; ${r.missing} services no longer in the feed marked missing` : ''}`,
  ];
  for (const p of r.skippedRecords) lines.push(`${p.record} ${p.field}: ${p.reason} (skipped)`);
  for (const p of r.problems) lines.push(`${p.record} ${p.field}: ${p.reason}`);
  for (const p of r.warnings)
    lines.push(
      `${p.record} ${p.field}: ${p.reason}${p.before !== undefined ? ` [${JSON.stringify(p.before)}${p.after !== undefined ? ` → ${JSON.stringify(p.after)}` : ''}]` : ''} (warning)`,
    );
  const counts = (title: string, m: Record<string, number>) => {
    const entries = Object.entries(m);
    if (entries.length) lines.push(title, ...entries.map(([k, n]) => `  ${k}: ${n}`));
  };
  counts('Repairs and warnings by field:', r.repairs);
  counts('Fields not imported (records carrying them):', r.unmappedFields);
  counts('Taxonomy terms with no Signpost category (records):', r.unmappedTerms);
  if (r.dryRun) lines.push('Dry run: nothing was written.');
  else if (!r.written && r.rejected > 0 && !r.skipInvalid)
    lines.push(
      'Rejected: nothing was written. Fix the feed, or re-run with --skip-invalid to import the good services.',
    );
  else if (!r.written) lines.push('Nothing to write.');
  return `${lines.join('\n')}\n`;
}

/** Runs `oruk` against an open database; returns the exit code (1 when records were rejected without --skip-invalid). */
export async function runOrukCommand({
  db,
  argv,
  out,
  err,
  outboundAllow,
  progress = false,
  engine = 'postgres',
}: {
  db: Db;
  argv: string[];
  /** OUTBOUND_ALLOW (config.outboundAllow): non-public hosts and CIDRs a feed URL may point at. Default none. */
  outboundAllow?: readonly string[];
} & Output): Promise<number> {
  let source: string | undefined;
  let dryRun = false;
  let skipInvalid = false;
  let preferPostcode = false;
  let sourceName: string | undefined;
  let crosswalkFile: string | undefined;
  let modifiedAfter: Date | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    if (a === '--dry-run') dryRun = true;
    else if (a === '--skip-invalid') skipInvalid = true;
    else if (a === '--prefer-postcode') preferPostcode = true;
    else if (a === '--modified-after' && argv[i + 1] && !Number.isNaN(Date.parse(argv[i + 1]!))) {
      modifiedAfter = new Date(argv[i + 1]!);
      i += 1;
    } else if ((a === '--source-name' || a === '--crosswalk') && argv[i + 1] && !argv[i + 1]!.startsWith('--')) {
      if (a === '--source-name') sourceName = argv[i + 1];
      else crosswalkFile = argv[i + 1];
      i += 1;
    } else if (a.startsWith('--') || source) {
      err(`${a.startsWith('--') ? `unknown option ${a}` : `unexpected argument ${a}`}\n${USAGE}`);
      return 2;
    } else source = a;
  }
  if (!source) {
    err(`name the ORUK feed URL or JSON file\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  let report: OrukImportReport;
  let crosswalk: Crosswalk | undefined;
  try {
    crosswalk = crosswalkFile ? loadCrosswalk(crosswalkFile) : undefined;
  } catch (e) {
    err(`Cannot read the crosswalk ${crosswalkFile}: ${(e as Error).message}\nNothing was written.\n`);
    return 2;
  }
  const isUrl = /^https?:\/\//i.test(source);
  if (dryRun) {
    // A dry run is a preview: read and checked at once, no job.
    try {
      report = await importOrukFeed({
        db,
        source,
        dryRun,
        skipInvalid,
        preferPostcode,
        sourceName,
        crosswalk,
        modifiedAfter,
        actorUserId: null,
        outboundAllow,
      });
    } catch (e) {
      if (e instanceof OrukSourceError) {
        err(`${e.message}\nNothing was written.\n`);
        return 2;
      }
      throw e;
    }
  } else {
    // As a job, like an upload on the admin page: a file is the job's input; a URL is read page by page by the job.
    let input: Buffer | null = null;
    if (!isUrl) {
      try {
        input = fs.readFileSync(source);
      } catch (e) {
        err(`Cannot read ${source}: ${(e as Error).message}\nNothing was written.\n`);
        return 2;
      }
    }
    const options: OrukFileJobOptions = {
      skipInvalid,
      preferPostcode,
      sourceName,
      crosswalk,
      ...(isUrl ? { url: source, modifiedAfter: modifiedAfter?.toISOString() } : { file: source }),
    };
    const { result, error } = await runJobInline(
      db,
      engine,
      {
        kind: isUrl ? ORUK_URL_JOB : ORUK_FILE_JOB,
        input,
        inputType: isUrl ? null : 'application/json',
        options: options as Record<string, unknown>,
      },
      progress,
      err,
      outboundAllow,
    );
    if (!result) {
      // A URL's errors name it already; a file's do not.
      err(`${isUrl ? '' : `${source}: `}${error ?? 'the import failed'}\nNothing was written.\n`);
      return 2;
    }
    report = result as unknown as OrukImportReport;
  }
  out(formatOrukReport(report));
  out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return report.rejected > 0 && !skipInvalid ? 1 : 0;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command !== 'services' && command !== 'oruk') {
    process.stderr.write(`${command ? `Unknown subcommand "${command}". ` : ''}${USAGE}`);
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    const run = command === 'oruk' ? runOrukCommand : runServicesCommand;
    process.exitCode = await run({
      db: database.db,
      argv: rest,
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
      progress: process.stdout.isTTY ? true : 'log',
      outboundAllow: config.outboundAllow,
      engine: database.engine,
    });
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`import failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
