/**
 * The bulk CSV import of organisations and services (importServicesCsv): map columns, validate every row, locate it
 * (postcode, else UK coordinates), de-duplicate, then write everything in one transaction, or nothing.
 *
 * De-duplication (documented in README): each row gets a stable source_ref `<source>:<ref>` (the mapped `ref`
 * column, e.g. a charity number) or `<source>:<name>|<postcode>`. Within a file, a row with the same source_ref or
 * the same organisation name and postcode as an earlier valid row is skipped and reported. In the database, an
 * organisation imported before with the same source_ref is updated (so re-running is idempotent); one from another
 * source with the same name and postcode is left alone and the row is skipped and reported.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db';
import { recordAudit } from '../accounts';
import {
  writeImportBatch,
  type ImportBatch,
  type ImportedLocation,
  type ImportedOrganization,
  type ImportedService,
} from '../directory';
import { deferSearchIndex, refreshSearchIndex } from '../search';
import type { Role } from '../../../shared/roles';
import { parsePostcodeQuery, postcodeKey } from '../../../shared/postcode';
import { DIRECTORY_LIMITS } from '../../../shared/schemas/directory';
import { textProblem } from '../../../shared/schemas/common';
import { ImportRow, mapRecord, withNulls, type ColumnMapping } from './fields';
import { classifyByKeywords, type ImportDefaults } from './presets';
import * as repo from './repository';
import { distanceKm, placeOfPostcode, placeOutsideEngland } from '../oruk';
import { namesDayOrTime, parseOpeningHours, type ParsedSchedule } from './openingHours';
import { readSpreadsheet, type Spreadsheet } from './spreadsheet';
import { createPacer } from '../../eventLoop';

/** One problem with one row: its spreadsheet row (header = 1), the Signpost field, the column and why. */
export interface ImportProblem {
  /** Spreadsheet row number (the header is row 1; a cell with line breaks does not shift later rows). */
  line: number;
  /** Signpost field (or `(row)` / `(file)`, or the column for header problems). */
  field: string;
  /** CSV column the field came from, when there is one. */
  column?: string;
  /** Why. */
  reason: string;
}

/** What an import did (or, in a dry run or on rejection, would have done). created + updated + skipped + rejected = rows. */
export interface ImportReport {
  /** File name shown in problems. */
  file: string;
  /** Whether this was a dry run. */
  dryRun: boolean;
  /** Whether bad rows were skipped rather than failing the import. */
  skipInvalid: boolean;
  /** Whether anything was written. */
  written: boolean;
  /** Data rows in the file (excluding the header). */
  rows: number;
  /** New organisations (each with one service and one location). */
  created: number;
  /** Organisations imported before from the same source row, refreshed. */
  updated: number;
  /** Duplicate rows, not written. */
  skipped: number;
  /** Bad rows, not written. */
  rejected: number;
  /** Valid rows located by their postcode and by their coordinates. */
  locatedBy: { postcode: number; coordinates: number };
  /** Every problem of every rejected row (a row may have several). */
  problems: ImportProblem[];
  /** Why each skipped row was skipped. */
  skippedRows: ImportProblem[];
  /** Rows written with a note, e.g. coordinates more than 1 km from the row's postcode. */
  warnings: ImportProblem[];
  /** Header columns that are not mapped and so were not read. */
  ignoredColumns: string[];
  /**
   * Opening hours of the valid rows: values that name a day or a time, how many of them became schedules, and
   * parsed / named (null when no value names a day or time).
   */
  openingHours: { named: number; parsed: number; rate: number | null };
}

/** Who runs the import: imports by an admin (the CLI runs as one) are approved at once; others stay pending. */
export interface ImportActor {
  /** User id; null for the command line. */
  userId: string | null;
  /** Role. */
  role: Role;
}

/** Progress of a long import. */
export interface ImportProgress {
  /** validate (rows checked) or write (rows written). */
  phase: 'validate' | 'write';
  /** Done so far. */
  done: number;
  /** Total. */
  total: number;
}

/** Arguments of importServicesCsv. */
export interface ImportServicesArgs {
  /** Database. */
  db: Db;
  /** The whole CSV text (UTF-8, header row first). */
  csvText: string;
  /** Column → field (a preset's mapping, possibly extended by --map). */
  mapping: ColumnMapping;
  /** Source and taxonomy defaults (from the preset, or `{ source: 'csv', taxonomy: { byKeywords: true } }`). */
  defaults: ImportDefaults;
  /** Check and report only; write nothing. Default false. */
  dryRun?: boolean;
  /** Import the good rows and report the bad ones, instead of writing nothing when any row is bad. Default false. */
  skipInvalid?: boolean;
  /** Who runs it. */
  actor: ImportActor;
  /** File name used in the report. Default `upload.csv`. */
  fileName?: string;
  /** Called as rows are checked and written; awaited (a job yields to the event loop there). */
  onProgress?: (p: ImportProgress) => void | Promise<void>;
  /** When a row's coordinates are more than 1 km from its postcode, place it by the postcode. Default: the coordinates. */
  preferPostcode?: boolean;
}

/** Arguments of importSpreadsheet: importServicesCsv's, with the file as bytes (CSV or XLSX) instead of CSV text. */
export interface ImportSpreadsheetArgs extends Omit<ImportServicesArgs, 'csvText'> {
  /** The file: CSV text or bytes, or XLSX bytes. */
  file: Buffer | string;
  /** Its media type (text/csv or the XLSX type); without it the kind is told from the name or the bytes. */
  contentType?: string;
}

/** A row that passed validation and has a place. */
interface GoodRow {
  line: number;
  row: ImportRow;
  sourceRef: string;
  nameKey: string;
  lat: number;
  lng: number;
  postcode: string | null;
  termIds: string[];
  /** Whether lat/lng are the postcode's centroid or the row's own coordinates. */
  locatedBy: 'postcode' | 'coordinates';
  /** Taxonomy codes of termIds. */
  codes: string[];
  schedules: ParsedSchedule[];
  /** Original opening-times text to keep as a description-only schedule (when parsing did not capture it all). */
  openingNote: string | null;
  isFree: boolean | null;
}

/**
 * Whether a cost cell says the service is free: true ("Free", "No charge", "£0", "yes" in a column named for being
 * free), false (a price, "charge", "fee", "donation", "no"), null when it says neither or is blank (cost not stated:
 * the import never marks a service free on its own).
 */
export function freeOf(text: string | null | undefined): boolean | null {
  const t = (text ?? '').trim().toLowerCase();
  if (!t) return null;
  if (
    /^(?:yes|y|true|free|free of charge|no charge|no cost|£ ?0(?:\.00)?|0)$/.test(t) ||
    /\bfree\b|no charge|no cost/.test(t)
  )
    return /£\s*[1-9]|\bcharge[sd]?\b(?! ?free)|\bfees?\b|\bcosts? £/.test(t) && !/^free\b/.test(t) ? false : true;
  if (
    /^(?:no|n|false)$/.test(t) ||
    /£\s*\d|\bcharges?\b|\bfees?\b|\bdonation|\bpaid\b|\bcosts?\b|per (?:session|hour|week)/.test(t)
  )
    return false;
  return null;
}

const normName = (name: string) => name.toLowerCase().replace(/\s+/g, ' ').trim();

/** Maps the free-text referral method of the files to self | professional | either (null when it says neither). */
export function referralMethodOf(text: string | null): 'self' | 'professional' | 'either' | null {
  if (!text) return null;
  const self = /self|open door|drop[- ]?in|walk[- ]?in|membership|member|anyone|open to all/i.test(text);
  const professional = /referr|voucher|assessment|professional|agency|gp\b/i.test(text);
  if (self && professional) return 'either';
  if (self) return 'self';
  if (professional) return 'professional';
  return null;
}

/** Imports organisations and services from CSV text: all or nothing unless skipInvalid; see the file comment for de-duplication. */
export async function importServicesCsv(args: ImportServicesArgs): Promise<ImportReport> {
  const { csvText, ...rest } = args;
  return importSpreadsheet({ ...rest, file: csvText, contentType: 'text/csv' });
}

/** Imports organisations and services from a CSV or XLSX file (first worksheet); otherwise as importServicesCsv. */
export async function importSpreadsheet(args: ImportSpreadsheetArgs): Promise<ImportReport> {
  const sheet = await readSpreadsheet(args.file, args.contentType, args.fileName);
  const { report, toWrite, existing } = await analyse(args, sheet);
  const { dryRun = false, skipInvalid = false } = args;
  if (dryRun || (report.rejected > 0 && !skipInvalid) || !toWrite.length) return report;
  await writeRows({ db: args.db, rows: toWrite, existing, actor: args.actor, report, onProgress: args.onProgress });
  report.written = true;
  return report;
}

/** What became of one data row in analyse (for the preview). */
export interface RowOutcome {
  /** Spreadsheet row. */
  line: number;
  /** The validated values, when the row's cells were valid. */
  row: ImportRow | null;
  /** The located, classified row, when it got that far. */
  good: GoodRow | null;
  /** Skipped as a duplicate: why. */
  skipped: string | null;
}

/** Validates, locates and de-duplicates every row (steps 1 to 3); writes nothing. */
async function analyse(
  args: Omit<ImportSpreadsheetArgs, 'file' | 'contentType'>,
  sheet: Spreadsheet,
): Promise<{
  report: ImportReport;
  toWrite: GoodRow[];
  existing: Map<string, repo.ExistingImport>;
  outcomes: RowOutcome[];
}> {
  const { db, mapping, defaults, dryRun = false, skipInvalid = false, onProgress } = args;
  const parsed = {
    header: sheet.header,
    records: sheet.rows.map((r) => ({ fields: r.cells, line: r.row })),
    fileProblem: sheet.problem
      ? ({ line: sheet.problem.row, field: '(file)', reason: sheet.problem.reason } as ImportProblem)
      : undefined,
  };
  const outcomes = new Map<number, RowOutcome>(
    parsed.records.map((r) => [r.line, { line: r.line, row: null, good: null, skipped: null }]),
  );
  const report: ImportReport = {
    file: args.fileName ?? 'upload.csv',
    dryRun,
    skipInvalid,
    written: false,
    rows: parsed.records.length,
    created: 0,
    updated: 0,
    skipped: 0,
    rejected: 0,
    locatedBy: { postcode: 0, coordinates: 0 },
    warnings: [],
    problems: [],
    skippedRows: [],
    ignoredColumns: parsed.header.filter((h) => !(h in mapping)),
    openingHours: { named: 0, parsed: 0, rate: null },
  };

  // Whole-file problems reject every row.
  const fileProblems: ImportProblem[] = parsed.fileProblem ? [parsed.fileProblem] : [];
  for (const column of parsed.header) {
    const reason = textProblem(column, 'single');
    if (reason) fileProblems.push({ line: 1, field: '(header)', column, reason: `column name ${reason}` });
  }
  for (const column of Object.keys(mapping))
    if (!parsed.fileProblem && !parsed.header.includes(column))
      fileProblems.push({ line: 1, field: column, reason: 'column is mapped but missing from the header' });
  if (!Object.values(mapping).includes('organization_name'))
    fileProblems.push({ line: 1, field: 'organization_name', reason: 'no column is mapped to organization_name' });
  if (fileProblems.length) {
    report.problems = fileProblems;
    report.rejected = report.rows;
    return { report, toWrite: [], existing: new Map(), outcomes: [...outcomes.values()] };
  }

  const columnOf = new Map<string, string>();
  for (const [column, field] of Object.entries(mapping)) if (!columnOf.has(field)) columnOf.set(field, column);
  const columnFor = (field: string) =>
    columnOf.get(field) ?? (field === 'email' || field === 'phone' ? columnOf.get('contact') : undefined);

  const terms = await repo.taxonomyIds(db);
  const rejectedLines = new Set<number>();
  const reject = (line: number, field: string, reason: string) => {
    rejectedLines.add(line);
    const column = columnFor(field);
    report.problems.push({ line, field, ...(column ? { column } : {}), reason });
  };

  // 1. Map and validate each row.
  const valid: { line: number; row: ImportRow }[] = [];
  const pace = createPacer();
  for (const [i, { fields, line }] of parsed.records.entries()) {
    const unsafe = fields.flatMap((cell, j) => {
      const reason = textProblem(cell, 'multi');
      const column = parsed.header[j] ?? `column ${j + 1}`;
      const field = mapping[column] && mapping[column] !== 'ignore' ? mapping[column] : '(cell)';
      return reason ? [{ line, field, column, reason }] : [];
    });
    if (unsafe.length) {
      rejectedLines.add(line);
      report.problems.push(...unsafe);
    } else if (fields.length !== parsed.header.length) {
      reject(line, '(row)', `has ${fields.length} fields but the header has ${parsed.header.length}`);
    } else {
      const record = Object.fromEntries(parsed.header.map((h, j) => [h, fields[j] ?? '']));
      const result = ImportRow.safeParse(withNulls(mapRecord(record, mapping)));
      if (result.success) {
        valid.push({ line, row: result.data });
        outcomes.get(line)!.row = result.data;
      } else for (const issue of result.error.issues) reject(line, String(issue.path[0] ?? '(row)'), issue.message);
    }
    await pace();
    if (i % 200 === 0) await onProgress?.({ phase: 'validate', done: i, total: parsed.records.length });
  }

  // 2. Locate: a known postcode, else valid UK coordinates (already range-checked), else reject.
  const known = await repo.findPostcodes(db, [
    ...new Set(valid.map((v) => (v.row.postcode ? postcodeKey(v.row.postcode) : '')).filter(Boolean)),
  ]);
  const good: GoodRow[] = [];
  for (const { line, row } of valid) {
    await pace();
    const shaped = row.postcode ? parsePostcodeQuery(row.postcode) : undefined;
    const postcode = shaped?.kind === 'postcode' ? shaped.label : null;
    const centroid = postcode ? known.get(postcodeKey(postcode)) : undefined;
    const coordinates = row.lat != null && row.lng != null ? { lat: Number(row.lat), lng: Number(row.lng) } : undefined;
    let place: { lat: number; lng: number } | undefined = centroid ?? coordinates;
    if (centroid && coordinates) {
      // Both given: they should agree. When they do not, keep the coordinates (the source's own point) unless told.
      const km = distanceKm(coordinates.lat, coordinates.lng, centroid.lat, centroid.lng);
      if (km > 1) {
        report.warnings.push({
          line,
          field: 'lat',
          reason: `coordinates ${coordinates.lat},${coordinates.lng} are ${km.toFixed(1)} km from postcode ${postcode}; placed by the ${args.preferPostcode ? 'postcode' : 'coordinates'}`,
        });
        if (!args.preferPostcode) place = coordinates;
      }
    }
    if (!place) {
      reject(
        line,
        'postcode',
        !row.postcode
          ? 'is missing and there are no coordinates'
          : !postcode
            ? 'is not a full UK postcode (e.g. M13 9PL) and there are no coordinates'
            : 'is not a known postcode and there are no coordinates',
      );
      continue;
    }
    // Taxonomy: the mapped codes must exist; otherwise the preset's default.
    let codes = row.taxonomy;
    const unknown = codes.filter((c) => !terms.has(c));
    if (unknown.length) {
      reject(line, 'taxonomy', `unknown taxonomy code${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
      continue;
    }
    if (!codes.length)
      codes = 'codes' in defaults.taxonomy ? defaults.taxonomy.codes : classifyByKeywords(row.description);
    const termIds = codes.map((c) => terms.get(c)).filter((id): id is string => !!id);
    if (!termIds.length) {
      reject(line, 'taxonomy', `the default taxonomy (${codes.join(', ')}) is not in this directory`);
      continue;
    }
    const hours = parseOpeningHours(row.opening_times);
    if (namesDayOrTime(row.opening_times)) {
      report.openingHours.named += 1;
      if (hours.schedules.length) report.openingHours.parsed += 1;
    }
    const where = postcode ? postcodeKey(postcode) : `${place.lat.toFixed(5)},${place.lng.toFixed(5)}`;
    const nameKey = `${normName(row.organization_name)}|${where}`;
    const sourceRef = `${defaults.source}:${row.ref ? row.ref.trim() : nameKey}`;
    const g: GoodRow = {
      line,
      row,
      sourceRef,
      nameKey,
      lat: place.lat,
      lng: place.lng,
      postcode,
      termIds,
      locatedBy: place === centroid ? 'postcode' : 'coordinates',
      codes,
      schedules: hours.schedules,
      openingNote: row.opening_times && !hours.complete ? row.opening_times : null,
      isFree: freeOf(row.cost),
    };
    good.push(g);
    outcomes.get(line)!.good = g;
  }

  // 2b. England only: a place outside the union of the ICB boundaries is rejected naming where it is.
  const outside = await placesOutsideEngland(db, good);
  for (const [i, g] of [...good.entries()].reverse()) {
    const place = outside.get(i);
    if (!place) continue;
    reject(
      g.line,
      g.postcode ? 'postcode' : 'lat',
      `is outside England: ${place.startsWith('outside') ? '' : 'in '}${place} (${g.postcode ?? `${g.lat},${g.lng}`}); only places in England are imported`,
    );
    outcomes.get(g.line)!.good = null;
    good.splice(i, 1);
  }

  for (const g of good) report.locatedBy[g.locatedBy] += 1;

  // 3. De-duplicate within the file, then against the database.
  const firstByRef = new Map<string, number>();
  const firstByName = new Map<string, number>();
  const unique: GoodRow[] = [];
  for (const g of good) {
    const earlier = firstByRef.get(g.sourceRef) ?? firstByName.get(g.nameKey);
    if (earlier !== undefined) {
      report.skippedRows.push({
        line: g.line,
        field: firstByRef.has(g.sourceRef) && g.row.ref ? 'ref' : 'organization_name',
        reason: `duplicate of line ${earlier} (same ${firstByRef.has(g.sourceRef) && g.row.ref ? 'key' : 'name and postcode'})`,
      });
      continue;
    }
    firstByRef.set(g.sourceRef, g.line);
    firstByName.set(g.nameKey, g.line);
    unique.push(g);
  }
  const refs = unique.map((g) => g.sourceRef);
  const existing = await repo.findImported(db, refs);
  const others = await repo.findSameNameAndPostcode(
    db,
    unique.filter((g) => g.postcode).map((g) => g.nameKey),
    refs,
  );
  const toWrite: GoodRow[] = [];
  for (const g of unique) {
    const other = !existing.has(g.sourceRef) && g.postcode ? others.get(g.nameKey) : undefined;
    if (other) {
      report.skippedRows.push({
        line: g.line,
        field: 'organization_name',
        reason: `already in the directory with the same name and postcode (organisation ${other})`,
      });
      continue;
    }
    toWrite.push(g);
  }
  for (const sk of report.skippedRows) outcomes.get(sk.line)!.skipped = sk.reason;
  report.skippedRows.sort((a, b) => a.line - b.line);
  report.problems.sort((a, b) => a.line - b.line);
  report.skipped = report.skippedRows.length;
  report.rejected = rejectedLines.size;
  report.updated = toWrite.filter((g) => existing.has(g.sourceRef)).length;
  report.created = toWrite.length - report.updated;
  await onProgress?.({ phase: 'validate', done: parsed.records.length, total: parsed.records.length });

  const { named, parsed: hoursParsed } = report.openingHours;
  report.openingHours.rate = named ? Math.round((hoursParsed / named) * 1000) / 1000 : null;
  return { report, toWrite, existing, outcomes: [...outcomes.values()] };
}

async function writeRows({
  db,
  rows,
  existing,
  actor,
  report,
  onProgress,
}: {
  db: Db;
  rows: GoodRow[];
  existing: Map<string, repo.ExistingImport>;
  actor: ImportActor;
  report: ImportReport;
  onProgress?: (p: ImportProgress) => void | Promise<void>;
}) {
  const status = actor.role === 'admin' ? 'approved' : 'pending';
  const batch: ImportBatch = {
    organizations: { create: [], update: [] },
    services: { create: [], update: [] },
    locations: { create: [], update: [] },
    serviceAtLocations: [],
    taxonomyLinks: [],
    schedules: [],
  };
  const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

  const pace = createPacer();
  for (const g of rows) {
    await pace();
    const r = g.row;
    const before = existing.get(g.sourceRef);
    const organizationId = before?.organizationId ?? randomUUID();
    const description = r.description ?? '';
    const org: ImportedOrganization = {
      id: organizationId,
      name: r.organization_name,
      description,
      email: r.email,
      website: r.website,
      phone: r.phone,
      legalStatus: r.legal_status,
      charityNumber: r.charity_number ?? (/^\d{6,8}(-\d+)?$/.test(r.ref ?? '') ? r.ref : null),
      status,
      source: 'import',
      sourceRef: g.sourceRef,
    };
    (before ? batch.organizations.update : batch.organizations.create).push(org);
    const serviceId = before?.serviceId ?? randomUUID();
    const service: ImportedService = {
      id: serviceId,
      organizationId,
      name: r.service_name ?? r.organization_name,
      description: cut(
        [description, r.category ? `Category: ${r.category}` : ''].filter(Boolean).join('\n\n'),
        DIRECTORY_LIMITS.description,
      ),
      url: r.website,
      email: r.email,
      referralMethod: referralMethodOf(r.referral),
      referralInstructions: r.referral,
      // Not stated (null) keeps what is stored; a new service gets the column default.
      isFree: g.isFree ?? undefined,
      feesDescription: r.cost ?? undefined,
      // The file's opening times replace the service-wide ones; taxonomy is added to.
      ...(before?.serviceId ? { replace: 'serviceWideSchedules' as const } : {}),
    };
    (before?.serviceId ? batch.services.update : batch.services.create).push(service);
    const locationId = before?.locationId ?? randomUUID();
    const location: ImportedLocation = {
      id: locationId,
      organizationId,
      address1: r.address,
      city: r.city,
      postcode: g.postcode,
      point: { lat: g.lat, lng: g.lng },
    };
    (before?.locationId ? batch.locations.update : batch.locations.create).push(location);
    if (!before?.locationId) batch.serviceAtLocations!.push({ serviceId, locationId });
    for (const termId of g.termIds) batch.taxonomyLinks!.push({ serviceId, termId });
    for (const sc of g.schedules) batch.schedules!.push({ serviceId, ...sc, description: null });
    if (g.openingNote)
      batch.schedules!.push({
        serviceId,
        freq: 'WEEKLY',
        byday: null,
        opensAt: null,
        closesAt: null,
        description: g.openingNote,
      });
  }

  const total = rows.length;
  batch.onStage = (stage) =>
    onProgress?.({ phase: 'write', done: Math.round(((stage === 'organizations' ? 1 : 2) * total) / 3), total });
  await db.transaction(async (tx) => {
    await deferSearchIndex(tx); // one set-based refresh at the end instead of one per written row
    await writeImportBatch(tx, batch);
    await refreshSearchIndex(
      tx,
      [...batch.services.create, ...batch.services.update].map((s) => s.id),
    );
    await recordAudit(tx, {
      actorUserId: actor.userId,
      action: 'import.services',
      entityType: 'import',
      entityId: randomUUID(),
      after: {
        file: report.file,
        rows: report.rows,
        created: report.created,
        updated: report.updated,
        skipped: report.skipped,
        rejected: report.rejected,
      },
    });
  });
  await onProgress?.({ phase: 'write', done: total, total });
}

/** One row of a preview: what would be stored, and each cell's problem. */
export interface PreviewRow {
  /** Spreadsheet row. */
  line: number;
  /** What the import would do with it. */
  outcome: 'create' | 'update' | 'skip' | 'reject';
  /** Why it would be skipped, when it would. */
  skippedBecause: string | null;
  /** The values as they would be stored (null for a rejected row's values that did not validate). */
  stored: {
    organizationName: string;
    serviceName: string;
    description: string | null;
    address: string | null;
    city: string | null;
    postcode: string | null;
    lat: number;
    lng: number;
    phone: string | null;
    email: string | null;
    website: string | null;
    taxonomy: string[];
    referralMethod: string | null;
    isFree: boolean | null;
    schedules: ParsedSchedule[];
    openingTimesNote: string | null;
  } | null;
  /** Every cell of the row: column, field, value, and its problem (null when fine). */
  cells: { column: string; field: string; value: string; problem: string | null }[];
  /** Problems that belong to no single cell (e.g. the row has too many fields). */
  rowProblems: string[];
}

/** Arguments of previewSpreadsheet. */
export interface PreviewArgs {
  db: Db;
  file: Buffer | string;
  contentType?: string;
  fileName?: string;
  mapping: ColumnMapping;
  defaults: ImportDefaults;
  /** Rows to preview (from the first). */
  limit: number;
}

/** A dry run over the first `limit` rows that shows each row as it would be stored, with its cells' problems. */
export async function previewSpreadsheet(args: PreviewArgs): Promise<{
  header: string[];
  rows: number;
  preview: PreviewRow[];
  problems: ImportProblem[];
  openingHours: ImportReport['openingHours'];
}> {
  const sheet = await readSpreadsheet(args.file, args.contentType, args.fileName);
  const head = { ...sheet, rows: sheet.rows.slice(0, args.limit) };
  const { report, existing, outcomes } = await analyse(
    {
      db: args.db,
      mapping: args.mapping,
      defaults: args.defaults,
      actor: { userId: null, role: 'admin' },
      dryRun: true,
    },
    head,
  );
  const fileProblems = report.problems.filter((p) => p.line === 1);
  const preview = outcomes.map((o): PreviewRow => {
    const cellsOf = sheet.rows.find((r) => r.row === o.line)?.cells ?? [];
    const problems = report.problems.filter((p) => p.line === o.line);
    const cells = sheet.header.map((column, j) => {
      const field = args.mapping[column] ?? 'ignore';
      const own = problems
        .filter((p) => p.column === column)
        .map((p) => `${p.field === '(cell)' ? '' : `${p.field} `}${p.reason}`);
      return { column, field, value: cellsOf[j] ?? '', problem: own.length ? own.join('; ') : null };
    });
    const rowProblems = problems
      .filter((p) => !p.column || !sheet.header.includes(p.column))
      .map((p) => `${p.field} ${p.reason}`);
    const g = o.good;
    const r = g?.row ?? null;
    return {
      line: o.line,
      outcome:
        problems.length || fileProblems.length
          ? 'reject'
          : o.skipped
            ? 'skip'
            : g && existing.has(g.sourceRef)
              ? 'update'
              : 'create',
      skippedBecause: o.skipped,
      stored:
        g && r
          ? {
              organizationName: r.organization_name,
              serviceName: r.service_name ?? r.organization_name,
              description: r.description,
              address: r.address,
              city: r.city,
              postcode: g.postcode,
              lat: g.lat,
              lng: g.lng,
              phone: r.phone,
              email: r.email,
              website: r.website,
              taxonomy: g.codes,
              referralMethod: referralMethodOf(r.referral),
              isFree: g.isFree,
              schedules: g.schedules,
              openingTimesNote: g.openingNote,
            }
          : null,
      cells,
      rowProblems,
    };
  });
  return {
    header: sheet.header,
    rows: sheet.rows.length,
    preview,
    problems: fileProblems,
    openingHours: report.openingHours,
  };
}

/** Index → where it is, for the rows whose point is outside England (none when no ICB boundaries are loaded). */
async function placesOutsideEngland(
  db: Db,
  rows: { lat: number; lng: number; postcode: string | null }[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (!rows.length) return out;
  const inside = await query<{ i: number; inside: boolean | null }>(
    db,
    sql`select p.i::int as i,
               case when not exists (select 1 from icbs where geom is not null) then null
                    else exists (select 1 from icbs c where ST_Covers(c.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)))
               end as inside
        from unnest(${sql.param(rows.map((r) => r.lat))}::float8[], ${sql.param(rows.map((r) => r.lng))}::float8[])
             with ordinality as p(lat, lng, i)`,
  );
  for (const r of inside) {
    const row = rows[r.i - 1]!;
    const byPostcode = placeOfPostcode(row.postcode);
    if (r.inside === false) out.set(r.i - 1, placeOutsideEngland(row.lat, row.lng, row.postcode));
    else if (byPostcode) out.set(r.i - 1, byPostcode);
  }
  return out;
}
