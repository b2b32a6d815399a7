/**
 * The reference-data import pipeline: validate each dataset row by row, reject a bad file whole with a report, write
 * each step in one transaction, and skip a step whose inputs are unchanged (idempotent). A newer period adds rows.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { bulkCopy, bulkInsert, query, type Db } from '../../db';
import { createPacer } from '../../eventLoop';
import type { assignLsoasToPcns } from '../../../shared/geo/catchment';
import { runOffThread } from '../../threads';
import { DISTRICT_CODE, SPACED_POSTCODE, SPACED_SECTOR } from '../../../shared/postcode';
import { DEFAULT_DATA_ROOT, FILES, PERIODS, STEPS, type StepName } from './datasets';
import { ImportRejectedError, readCsv, readPolygons, readText, type RowProblem } from './parse';
import { AgeProfileRow, LSOA_INDICATORS, LsoaNeedRow, PostcodeAreaRow, PracticeRow, WorkforceRow } from './rows';

/** The module of the catchment assignment, run on a thread of its own. */
const CATCHMENT_MODULE = path.resolve(__dirname, '..', '..', '..', 'shared', 'geo', 'catchment.ts');

/** Bump when the catchment or profile derivation changes, so derived steps re-run on existing databases. */
export const DERIVATION_VERSION = 'catchments-v1+profiles-v1';

/** Progress of a step: `done` of `total` units (rows), for progress bars and logs. */
export interface ImportProgress {
  /** Step name. */
  step: StepName;
  /** Units done so far. */
  done: number;
  /** Units in all. */
  total: number;
}

/** What one step did. */
export interface StepResult {
  /** Step name. */
  step: StepName;
  /** imported (written), unchanged (same inputs already imported), or checked (dry run: validated, nothing written). */
  status: 'imported' | 'unchanged' | 'checked';
  /** Rows validated or written. */
  rows: number;
  /** Wall time in milliseconds. */
  ms: number;
}

/** Options of importReferenceData. */
export interface ImportOptions {
  /** Database to write to. */
  db: Db;
  /** Folder holding the files of datasets.ts. Default data/reference. */
  dataRoot?: string;
  /** Validate only: read and check every file, write nothing. */
  dryRun?: boolean;
  /** Run only these steps (default all, in order). */
  only?: StepName[];
  /** Re-import even when inputs are unchanged. */
  force?: boolean;
  /** Progress callback. */
  onProgress?: (progress: ImportProgress) => void;
}

interface StepContext {
  db: Db;
  root: string;
  dryRun: boolean;
  progress: (done: number, total: number) => void;
}

interface StepDefinition {
  /** Files whose bytes decide whether the step must run again. */
  inputs: string[];
  /** Dataset period recorded in dataset_imports. */
  period: string;
  /** Validates and (unless dry run) writes; returns rows. Runs inside a transaction. */
  run(ctx: StepContext): Promise<number>;
}

const fileChecksum = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function rejectIfAny(problems: RowProblem[]): void {
  if (problems.length) throw new ImportRejectedError(problems);
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

async function importPractices({ db, root, dryRun, progress }: StepContext): Promise<number> {
  const { rows, lines, problems } = await readCsv(
    path.join(root, FILES.practices),
    PracticeRow,
    Object.keys(PracticeRow.shape),
  );
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (seen.has(r.practice_code)) {
      problems.push({
        file: path.basename(FILES.practices),
        line: lines[i]!,
        field: 'practice_code',
        reason: `duplicate practice ${r.practice_code}`,
      });
    }
    seen.add(r.practice_code);
    if ((r.lat === undefined) !== (r.lng === undefined)) {
      problems.push({
        file: path.basename(FILES.practices),
        line: lines[i]!,
        field: 'lat',
        reason: 'lat and lng must both be given or both be blank',
      });
    }
  });
  rejectIfAny(problems);
  if (dryRun) return rows.length;

  const byCode = <K extends string>(key: (r: (typeof rows)[number]) => K) => new Map(rows.map((r) => [key(r), r]));
  const regions = byCode((r) => r.region_code);
  const icbs = byCode((r) => r.icb_code);
  const subIcbs = byCode((r) => r.sub_icb_code);
  // A PCN's sub-ICB is the most common among its practices.
  const pcnSubIcbCounts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.pcn_code === 'U') continue;
    const counts = pcnSubIcbCounts.get(r.pcn_code) ?? new Map<string, number>();
    counts.set(r.sub_icb_code, (counts.get(r.sub_icb_code) ?? 0) + 1);
    pcnSubIcbCounts.set(r.pcn_code, counts);
  }
  // Its ICB is the one with most of its registered patients (as NHS England's PCN workforce publication attributes
  // PCNs whose practices span two ICBs), not whichever practice row comes last.
  const pcnIcbLists = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (r.pcn_code === 'U') continue;
    const lists = pcnIcbLists.get(r.pcn_code) ?? new Map<string, number>();
    lists.set(r.icb_code, (lists.get(r.icb_code) ?? 0) + r.list_size);
    pcnIcbLists.set(r.pcn_code, lists);
  }
  const pcnIcb = (pcn: string) =>
    [...pcnIcbLists.get(pcn)!.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  const pcns = byCode((r) => r.pcn_code);
  pcns.delete('U');

  await bulkInsert(db, {
    table: 'regions',
    columns: [
      { name: 'code', type: 'text' },
      { name: 'ons_code', type: 'text' },
      { name: 'name', type: 'text' },
    ],
    rows: [...regions.values()].map((r) => [r.region_code, r.region_ons_code, r.region_name]),
    onConflict: 'on conflict (code) do update set ons_code = excluded.ons_code, name = excluded.name',
  });
  await bulkInsert(db, {
    table: 'icbs',
    columns: [
      { name: 'code', type: 'text' },
      { name: 'ons_code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'region_code', type: 'text' },
    ],
    rows: [...icbs.values()].map((r) => [r.icb_code, r.icb_ons_code, r.icb_name, r.region_code]),
    onConflict:
      'on conflict (code) do update set ons_code = excluded.ons_code, name = excluded.name, region_code = excluded.region_code',
  });
  await bulkInsert(db, {
    table: 'sub_icbs',
    columns: [
      { name: 'code', type: 'text' },
      { name: 'ons_code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'icb_code', type: 'text' },
    ],
    rows: [...subIcbs.values()].map((r) => [r.sub_icb_code, r.sub_icb_ons_code, r.sub_icb_name, r.icb_code]),
    onConflict:
      'on conflict (code) do update set ons_code = excluded.ons_code, name = excluded.name, icb_code = excluded.icb_code',
  });
  await bulkInsert(db, {
    table: 'pcns',
    columns: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'sub_icb_code', type: 'text' },
      { name: 'icb_code', type: 'text' },
    ],
    rows: [...pcns.values()].map((r) => {
      const counts = [...pcnSubIcbCounts.get(r.pcn_code)!.entries()].sort(
        (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
      );
      return [r.pcn_code, r.pcn_name, counts[0]![0], pcnIcb(r.pcn_code)];
    }),
    onConflict:
      'on conflict (code) do update set name = excluded.name, sub_icb_code = excluded.sub_icb_code, icb_code = excluded.icb_code',
  });
  const { period } = PERIODS.practices;
  await bulkInsert(db, {
    table: 'practices',
    columns: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'postcode', type: 'text' },
      { name: 'pcn_code', type: 'text' },
      { name: 'sub_icb_code', type: 'text' },
      { name: 'icb_code', type: 'text' },
      { name: 'list_size', type: 'int4' },
      { name: 'period', type: 'text' },
      { name: 'lat', type: 'float8' },
      { name: 'lng', type: 'float8' },
    ],
    expressions: {
      location: 'case when v.lat is null then null else ST_SetSRID(ST_MakePoint(v.lng, v.lat), 4326) end',
    },
    inputOnly: ['lat', 'lng'],
    rows: rows.map((r) => [
      r.practice_code,
      r.practice_name,
      r.practice_postcode ?? null,
      r.pcn_code === 'U' ? null : r.pcn_code,
      r.sub_icb_code,
      r.icb_code,
      r.list_size,
      period,
      r.lat ?? null,
      r.lng ?? null,
    ]),
    onConflict: `on conflict (code) do update set name = excluded.name, postcode = excluded.postcode, pcn_code = excluded.pcn_code,
      sub_icb_code = excluded.sub_icb_code, icb_code = excluded.icb_code, list_size = excluded.list_size, period = excluded.period, location = excluded.location`,
    onBatch: (n) => progress(n, rows.length),
  });
  // Practices that left the publication are no longer current.
  await db.execute(sql`delete from practices where period <> ${period}`);
  await writeIndicators(
    db,
    rows
      .filter((r) => r.imd2019_practice_score !== undefined)
      .map((r) => ['practice', r.practice_code, 'imd2019_score', r.imd2019_practice_score!]),
    PERIODS.practiceImd,
  );
  return rows.length;
}

async function writeIndicators(
  db: Db,
  rows: [areaType: string, code: string, indicator: string, value: number][],
  { period, source }: { period: string; source: string },
  onBatch?: (n: number) => void,
): Promise<void> {
  // An upsert of each (area, indicator, period), done as delete-then-append so the rows go in by the bulk path:
  // on a first load there is nothing to delete; otherwise exactly the keys being written are deleted first.
  const areaTypes = [...new Set(rows.map((r) => r[0]))];
  const [existing] = await query<{ found: boolean }>(
    db,
    sql`select exists (select 1 from area_indicators where period = ${period} and area_type = any(${sql.param(areaTypes)}::text[])) as found`,
  );
  if (existing?.found) {
    for (let start = 0; start < rows.length; start += 100_000) {
      const batch = rows.slice(start, start + 100_000);
      await db.execute(sql`
        delete from area_indicators a
        using unnest(${sql.param(batch.map((r) => r[0]))}::text[], ${sql.param(batch.map((r) => r[1]))}::text[],
                     ${sql.param(batch.map((r) => r[2]))}::text[]) as k(area_type, area_code, indicator)
        where a.area_type = k.area_type and a.area_code = k.area_code and a.indicator = k.indicator and a.period = ${period}`);
    }
  }
  await bulkCopy(db, {
    table: 'area_indicators',
    columns: [
      { name: 'area_type', type: 'text' },
      { name: 'area_code', type: 'text' },
      { name: 'indicator', type: 'text' },
      { name: 'value', type: 'float8' },
      { name: 'period', type: 'text' },
      { name: 'source', type: 'text' },
    ],
    rows: rows.map((r) => [...r, period, source]),
    onBatch,
  });
}

async function importBoundaries({ db, root, dryRun, progress }: StepContext): Promise<number> {
  const icb = await readPolygons(path.join(root, FILES.icbBoundaries), 'icb24_code');
  const sub = await readPolygons(path.join(root, FILES.subIcbBoundaries), 'sicbl24_code');
  rejectIfAny([...icb.problems, ...sub.problems]);
  if (dryRun) return icb.features.length + sub.features.length;
  const update = async (
    table: 'icbs' | 'sub_icbs',
    file: string,
    features: typeof icb.features,
    codeProperty: string,
  ) => {
    const known = new Set(
      (await query<{ ons_code: string }>(db, sql`select ons_code from ${sql.raw(table)}`)).map((r) => r.ons_code),
    );
    const unknown = features.filter((f) => !known.has(String(f.properties[codeProperty])));
    rejectIfAny(
      unknown.map((f) => ({
        file: path.basename(file),
        line: features.indexOf(f) + 1,
        field: codeProperty,
        reason: `no ${table} row has ONS code ${f.properties[codeProperty]}`,
      })),
    );
    for (const [i, f] of features.entries()) {
      await db.execute(
        sql`update ${sql.raw(table)} set geom = ST_Multi(ST_MakeValid(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}))) where ons_code = ${f.properties[codeProperty]}`,
      );
      progress(i + 1, features.length);
    }
  };
  await update('icbs', FILES.icbBoundaries, icb.features, 'icb24_code');
  await update('sub_icbs', FILES.subIcbBoundaries, sub.features, 'sicbl24_code');
  return icb.features.length + sub.features.length;
}

async function importLsoas({ db, root, dryRun, progress }: StepContext): Promise<number> {
  const need = await readCsv(path.join(root, FILES.lsoaNeed), LsoaNeedRow, Object.keys(LsoaNeedRow.shape));
  const shapes = await readPolygons(path.join(root, FILES.lsoaBoundaries), 'lsoa21_code');
  const geometry = new Map(shapes.features.map((f) => [String(f.properties.lsoa21_code), f.geometry]));
  const problems = [...need.problems, ...shapes.problems];
  need.rows.forEach((r, i) => {
    if (!geometry.has(r.lsoa21_code)) {
      problems.push({
        file: path.basename(FILES.lsoaNeed),
        line: need.lines[i]!,
        field: 'lsoa21_code',
        reason: `no boundary for ${r.lsoa21_code} in ${path.basename(FILES.lsoaBoundaries)}`,
      });
    }
  });
  rejectIfAny(problems);
  if (dryRun) return need.rows.length;
  const total = need.rows.length * 2;
  await bulkInsert(db, {
    table: 'lsoas',
    columns: [
      { name: 'code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'lad_code', type: 'text' },
      { name: 'lad_name', type: 'text' },
      { name: 'sub_icb_code', type: 'text' },
      { name: 'icb_code', type: 'text' },
      { name: 'residents', type: 'int4' },
      { name: 'geom', type: 'text' },
      { name: 'centroid', type: 'text' },
    ],
    expressions: {
      geom: 'ST_Multi(ST_MakeValid(ST_GeomFromGeoJSON(v.geom)))',
      centroid: `ST_SetSRID(ST_MakePoint(split_part(v.centroid, ' ', 1)::float8, split_part(v.centroid, ' ', 2)::float8), 4326)`,
    },
    rows: need.rows.map((r) => [
      r.lsoa21_code,
      r.lsoa21_name,
      r.lad24_code,
      r.lad24_name,
      r.sub_icb24_code_nhs,
      r.icb24_code_nhs,
      r.census21_residents,
      JSON.stringify(geometry.get(r.lsoa21_code)),
      `${r.lng} ${r.lat}`,
    ]),
    onConflict: `on conflict (code) do update set name = excluded.name, lad_code = excluded.lad_code, lad_name = excluded.lad_name,
      sub_icb_code = excluded.sub_icb_code, icb_code = excluded.icb_code, residents = excluded.residents, geom = excluded.geom, centroid = excluded.centroid`,
    batchSize: 2_000,
    onBatch: (n) => progress(n, total),
  });
  for (const kind of ['imd', 'census'] as const) {
    const rows: [string, string, string, number][] = [];
    for (const r of need.rows) {
      for (const [indicator, [column, k]] of Object.entries(LSOA_INDICATORS)) {
        if (k === kind) rows.push(['lsoa', r.lsoa21_code, indicator, r[column] as number]);
      }
      if (kind === 'census') rows.push(['lsoa', r.lsoa21_code, 'pct_rural', r.ruc21_urban_rural === 'Rural' ? 100 : 0]);
    }
    await writeIndicators(db, rows, kind === 'imd' ? PERIODS.imd : PERIODS.census, (n) =>
      progress(
        need.rows.length +
          Math.round((n / rows.length) * (need.rows.length / 2)) +
          (kind === 'census' ? need.rows.length / 2 : 0),
        total,
      ),
    );
  }
  return need.rows.length;
}

async function importAgeProfile({ db, root, dryRun }: StepContext): Promise<number> {
  const { rows, problems } = await readCsv(
    path.join(root, FILES.ageProfile),
    AgeProfileRow,
    Object.keys(AgeProfileRow.shape),
  );
  rejectIfAny(problems);
  if (dryRun) return rows.length;
  const out: [string, string, string, number][] = [];
  for (const r of rows) {
    if (r.org_code === 'U') continue;
    const type = r.org_type === 'GP' ? 'practice' : 'pcn';
    out.push(
      [type, r.org_code, 'pct_65plus', r.pct_65plus],
      [type, r.org_code, 'pct_75plus', r.pct_75plus],
      [type, r.org_code, 'pct_85plus', r.pct_85plus],
    );
  }
  await writeIndicators(db, out, PERIODS.ageProfile);
  return rows.length;
}

/** Workforce roles stored per PCN: role → [fte column, headcount column]. */
const WORKFORCE_ROLES = {
  splw: ['splw_fte', 'splw_headcount'],
  splw_mh: ['splw_mh_fte', 'splw_mh_headcount'],
  care_coordinator: ['care_coordinator_fte', 'care_coordinator_headcount'],
  health_wellbeing_coach: ['health_wellbeing_coach_fte', 'health_wellbeing_coach_headcount'],
  all_staff: ['all_staff_fte', 'all_staff_headcount'],
} as const;

async function importWorkforce({ db, root, dryRun }: StepContext): Promise<number> {
  const { rows, problems } = await readCsv(
    path.join(root, FILES.workforce),
    WorkforceRow,
    Object.keys(WorkforceRow.shape),
  );
  rejectIfAny(problems);
  if (dryRun) return rows.length;
  const { period } = PERIODS.workforce;
  await bulkInsert(db, {
    table: 'pcn_workforce',
    columns: [
      { name: 'pcn_code', type: 'text' },
      { name: 'period', type: 'text' },
      { name: 'role', type: 'text' },
      { name: 'fte', type: 'float8' },
      { name: 'headcount', type: 'int4' },
    ],
    rows: rows.flatMap((r) =>
      Object.entries(WORKFORCE_ROLES).map(([role, [fte, head]]) => [r.pcn_code, period, role, r[fte], r[head]]),
    ),
    onConflict: 'on conflict (pcn_code, period, role) do update set fte = excluded.fte, headcount = excluded.headcount',
  });
  return rows.length;
}

async function importPostcodes({ db, root, dryRun, progress }: StepContext): Promise<number> {
  const sectors = await readCsv(path.join(root, FILES.sectors), PostcodeAreaRow.extend({ sector: z_sector() }), [
    'sector',
    'lat',
    'lng',
  ]);
  const districts = await readCsv(
    path.join(root, FILES.districts),
    PostcodeAreaRow.extend({ district: z_district() }),
    ['district', 'lat', 'lng'],
  );
  // 2.7 M rows: a plain split is several times faster than a general CSV parser, and the file has no quoting.
  const file = path.join(root, FILES.postcodes);
  const text = await readText(file);
  const name = path.basename(file);
  const problems: RowProblem[] = [];
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  if (text.slice(0, end).trim() !== 'postcode,lat,lng')
    problems.push({ file: name, line: 1, field: '(header)', reason: 'must be postcode,lat,lng' });
  let valid = 0;
  let estimatedTotal = 0;
  // Validates line by line (no split of the whole 70 MB text) and hands out batches of valid rows while no line has
  // been rejected, so they are written while the next are checked; a rejected line stops the writing, the rest of
  // the file is still checked for the report, and the step's transaction rolls back what was written.
  async function* batches(): AsyncGenerator<[string, string, number, number][]> {
    const pace = createPacer();
    let batch: [string, string, number, number][] = [];
    for (let lineNo = 2, start = end + 1; start < text.length && problems.length < 1000; lineNo++, start = end + 1) {
      end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (lineNo % 2000 === 0) await pace();
      if (end === start) continue;
      const [postcode, latText, lngText] = text.slice(start, end).split(',');
      const lat = Number(latText);
      const lng = Number(lngText);
      if (!postcode || !SPACED_POSTCODE.test(postcode))
        problems.push({ file: name, line: lineNo, field: 'postcode', reason: 'is not a postcode' });
      else if (!latText || !(lat >= 49 && lat <= 61))
        problems.push({ file: name, line: lineNo, field: 'lat', reason: 'must be a number from 49 to 61' });
      else if (!lngText || !(lng >= -9 && lng <= 2.5))
        problems.push({ file: name, line: lineNo, field: 'lng', reason: 'must be a number from -9 to 2.5' });
      else {
        valid++;
        if (problems.length === 0) batch.push([postcode.replace(' ', ''), postcode, lat, lng]);
      }
      if (batch.length === 100_000) {
        estimatedTotal = Math.round((valid * text.length) / end);
        yield batch;
        batch = [];
      }
    }
    estimatedTotal = valid;
    if (problems.length === 0 && batch.length) yield batch;
  }
  if (dryRun) {
    const checking = batches();
    while (!(await checking.next()).done) progress(valid, estimatedTotal);
  } else {
    // The file is the whole lookup: it replaces the table (postcodes no longer published go), in this transaction.
    await db.execute(sql`delete from postcodes`);
    await bulkCopy(db, {
      table: 'postcodes',
      columns: [
        { name: 'key', type: 'text' },
        { name: 'postcode', type: 'text' },
        { name: 'lat', type: 'float8' },
        { name: 'lng', type: 'float8' },
      ],
      rows: batches(),
      onBatch: (n) => progress(n, Math.max(n, estimatedTotal)),
    });
  }
  rejectIfAny([...problems, ...sectors.problems, ...districts.problems]);
  if (dryRun) return valid;
  await bulkInsert(db, {
    table: 'postcode_areas',
    columns: [
      { name: 'kind', type: 'text' },
      { name: 'key', type: 'text' },
      { name: 'label', type: 'text' },
      { name: 'lat', type: 'float8' },
      { name: 'lng', type: 'float8' },
    ],
    rows: [
      ...sectors.rows.map((r) => ['sector', r.sector, r.sector, r.lat, r.lng]),
      ...districts.rows.map((r) => ['district', r.district, r.district, r.lat, r.lng]),
    ],
    onConflict: 'on conflict (kind, key) do update set label = excluded.label, lat = excluded.lat, lng = excluded.lng',
  });
  return valid;
}

function z_sector() {
  return z.string().regex(SPACED_SECTOR, 'must be a postcode sector like "M13 9"');
}
function z_district() {
  return z.string().regex(DISTRICT_CODE, 'must be a postcode district like "M13"');
}

async function deriveCatchments({ db, dryRun, progress }: StepContext): Promise<number> {
  // A dry run writes nothing, so there is nothing to derive from: the inputs were checked by the earlier steps.
  if (dryRun) return 0;
  const lsoas = await query<{ code: string; lat: number; lng: number; sub_icb_code: string; residents: number }>(
    db,
    sql`select code, ST_Y(centroid) as lat, ST_X(centroid) as lng, sub_icb_code, residents from lsoas order by code`,
  );
  const practices = await query<{
    code: string;
    pcn_code: string;
    sub_icb_code: string;
    lat: number | null;
    lng: number | null;
    list_size: number;
  }>(
    db,
    sql`select code, pcn_code, sub_icb_code, ST_Y(location) as lat, ST_X(location) as lng, list_size from practices where pcn_code is not null order by code`,
  );
  // About a second and a half of pure JavaScript for England: on a thread of its own, so requests are answered meanwhile.
  const assignment = await runOffThread<ReturnType<typeof assignLsoasToPcns>>(CATCHMENT_MODULE, 'assignLsoasToPcns', {
    lsoas: lsoas.map((l) => ({
      code: l.code,
      lat: l.lat,
      lng: l.lng,
      subIcbCode: l.sub_icb_code,
      residents: l.residents,
    })),
    practices: practices.map((p) => ({
      code: p.code,
      pcnCode: p.pcn_code,
      subIcbCode: p.sub_icb_code,
      lat: p.lat ?? NaN,
      lng: p.lng ?? NaN,
      listSize: p.list_size,
    })),
  });
  await db.execute(sql`update lsoas set pcn_code = null`);
  const pairs = [...assignment.entries()];
  await db.execute(
    sql`update lsoas set pcn_code = a.pcn from unnest(${sql.param(pairs.map((p) => p[0]))}::text[], ${sql.param(pairs.map((p) => p[1]))}::text[]) as a(lsoa, pcn) where lsoas.code = a.lsoa`,
  );
  progress(1, 3);
  // Catchment polygon = union of its LSOAs; snapping to ~1 m removes slivers between generalised neighbours.
  await db.execute(sql`
    update pcns set geom = u.geom, centroid = u.centroid
    from (
      select pcn_code,
             ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_UnaryUnion(ST_Collect(ST_SnapToGrid(geom, 0.00001)))), 3)) as geom,
             ST_SetSRID(ST_MakePoint(sum(ST_X(centroid) * greatest(residents, 1)) / sum(greatest(residents, 1)),
                                     sum(ST_Y(centroid) * greatest(residents, 1)) / sum(greatest(residents, 1))), 4326) as centroid
      from lsoas where pcn_code is not null group by pcn_code
    ) u
    where pcns.code = u.pcn_code`);
  progress(3, 3);
  return assignment.size;
}

/** Indicators rolled up from LSOAs to PCN, sub-ICB and ICB: indicator → weight column (residents or households). */
const ROLLUP_INDICATORS: Record<string, 'residents' | 'households'> = {
  imd2025_score: 'residents',
  imd2025_income_score: 'residents',
  imd2025_employment_score: 'residents',
  imd2025_health_score: 'residents',
  pct_asian: 'residents',
  pct_black: 'residents',
  pct_mixed: 'residents',
  pct_other_ethnic: 'residents',
  pct_disabled: 'residents',
  pct_rural: 'residents',
  pct_households_deprived_2plus: 'households',
};

async function deriveProfiles({ db, dryRun }: StepContext): Promise<number> {
  if (dryRun) return 0;
  const { period, source } = PERIODS.derived;
  await db.execute(
    sql`delete from area_indicators where period = ${period} and area_type in ('pcn', 'sub_icb', 'icb', 'region')`,
  );
  const indicators = Object.keys(ROLLUP_INDICATORS);
  for (const [areaType, column] of [
    ['pcn', 'pcn_code'],
    ['sub_icb', 'sub_icb_code'],
    ['icb', 'icb_code'],
  ] as const) {
    // Population-weighted means over the LSOAs in each area (approximate catchment for PCNs).
    await db.execute(sql`
      insert into area_indicators (area_type, area_code, indicator, period, value, source)
      select ${areaType}, l.${sql.raw(column)}, i.indicator, ${period},
             sum(i.value * case when i.indicator = 'pct_households_deprived_2plus' then h.value else l.residents end)
               / nullif(sum(case when i.indicator = 'pct_households_deprived_2plus' then h.value else l.residents end), 0),
             ${source}
      from lsoas l
      join area_indicators i on i.area_type = 'lsoa' and i.area_code = l.code and i.indicator in ${indicators}
        and i.period in (${PERIODS.imd.period}, ${PERIODS.census.period})
      join area_indicators h on h.area_type = 'lsoa' and h.area_code = l.code and h.indicator = 'households'
        and h.period = ${PERIODS.census.period}
      where l.${sql.raw(column)} is not null
      group by l.${sql.raw(column)}, i.indicator
      having sum(l.residents) > 0`);
    await db.execute(sql`
      insert into area_indicators (area_type, area_code, indicator, period, value, source)
      select ${areaType}, ${sql.raw(column)}, 'population', ${period}, sum(residents), ${source}
      from lsoas where ${sql.raw(column)} is not null group by ${sql.raw(column)}`);
  }
  // % aged 65+ is published per practice and PCN (registered patients): roll practices up by list size.
  for (const [areaType, column] of [
    ['sub_icb', 'sub_icb_code'],
    ['icb', 'icb_code'],
  ] as const) {
    await db.execute(sql`
      insert into area_indicators (area_type, area_code, indicator, period, value, source)
      select ${areaType}, p.${sql.raw(column)}, a.indicator, ${period}, sum(a.value * p.list_size) / nullif(sum(p.list_size), 0), ${source}
      from practices p
      join area_indicators a on a.area_type = 'practice' and a.area_code = p.code
        and a.indicator in ('pct_65plus', 'pct_75plus', 'pct_85plus') and a.period = ${PERIODS.ageProfile.period}
      group by p.${sql.raw(column)}, a.indicator
      having sum(p.list_size) > 0`);
  }
  // Registered patients and link workers come from practices and the workforce file, not from LSOAs.
  const wf = PERIODS.workforce.period;
  for (const [areaType, column] of [
    ['pcn', 'pcn_code'],
    ['sub_icb', 'sub_icb_code'],
    ['icb', 'icb_code'],
  ] as const) {
    await db.execute(sql`
      insert into area_indicators (area_type, area_code, indicator, period, value, source)
      select ${areaType}, ${sql.raw(column)}, 'list_size', ${period}, sum(list_size), ${source}
      from practices where ${sql.raw(column)} is not null group by ${sql.raw(column)}`);
    // Per 10,000 patients of the PCNs that reported a workforce; PCNs with no return are missing, never zero.
    const area = sql.raw(areaType === 'pcn' ? 'code' : column);
    await db.execute(sql`
      with reported as (
        select p.code, p.sub_icb_code, p.icb_code,
               sum(w.fte) filter (where w.role in ('splw', 'splw_mh')) as splw_fte,
               sum(w.fte) filter (where w.role in ('splw', 'splw_mh', 'care_coordinator', 'health_wellbeing_coach')) as pc_fte,
               (select sum(list_size) from practices pr where pr.pcn_code = p.code) as list_size
        from pcns p join pcn_workforce w on w.pcn_code = p.code and w.period = ${wf}
        group by p.code, p.sub_icb_code, p.icb_code
      ), totals as (
        select ${area} as area, sum(splw_fte) as splw_fte, sum(pc_fte) as pc_fte, sum(list_size) as list_size
        from reported group by ${area}
      )
      insert into area_indicators (area_type, area_code, indicator, period, value, source)
      select ${areaType}, t.area, x.indicator, ${period}, x.value, ${source}
      from totals t
      cross join lateral (values
        ('splw_fte', t.splw_fte),
        ('personalised_care_fte', t.pc_fte),
        ('splw_fte_per_10k', t.splw_fte / nullif(t.list_size, 0) * 10000),
        ('personalised_care_fte_per_10k', t.pc_fte / nullif(t.list_size, 0) * 10000)
      ) as x(indicator, value)
      where x.value is not null and t.area is not null`);
  }
  // Sums of floats depend on the order a server aggregates in: round so a re-import gives identical values.
  await db.execute(sql`update area_indicators set value = round(value::numeric, 9)::float8 where period = ${period}`);
  const [row] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from area_indicators where period = ${period}`,
  );
  return row?.n ?? 0;
}

const STEP_DEFINITIONS: Record<StepName, StepDefinition> = {
  practices: { inputs: [FILES.practices], period: PERIODS.practices.period, run: importPractices },
  boundaries: {
    inputs: [FILES.icbBoundaries, FILES.subIcbBoundaries],
    period: PERIODS.boundaries.period,
    run: importBoundaries,
  },
  lsoas: { inputs: [FILES.lsoaNeed, FILES.lsoaBoundaries], period: PERIODS.imd.period, run: importLsoas },
  age_profile: { inputs: [FILES.ageProfile], period: PERIODS.ageProfile.period, run: importAgeProfile },
  workforce: { inputs: [FILES.workforce], period: PERIODS.workforce.period, run: importWorkforce },
  postcodes: {
    inputs: [FILES.postcodes, FILES.sectors, FILES.districts],
    period: PERIODS.postcodes.period,
    run: importPostcodes,
  },
  catchments: {
    inputs: [FILES.practices, FILES.lsoaNeed, FILES.lsoaBoundaries],
    period: PERIODS.derived.period,
    run: deriveCatchments,
  },
  profiles: {
    inputs: [FILES.practices, FILES.lsoaNeed, FILES.lsoaBoundaries, FILES.workforce],
    period: PERIODS.derived.period,
    run: deriveProfiles,
  },
};

/** Imports (or with dryRun, validates) the reference datasets in order; throws ImportRejectedError on a bad file. */
export async function importReferenceData(opts: ImportOptions): Promise<StepResult[]> {
  const root = opts.dataRoot ?? DEFAULT_DATA_ROOT;
  const results: StepResult[] = [];
  for (const step of STEPS) {
    if (opts.only && !opts.only.includes(step)) continue;
    const def = STEP_DEFINITIONS[step];
    const started = Date.now();
    const missing = def.inputs.filter((f) => !fs.existsSync(path.join(root, f)));
    if (missing.length) {
      throw new ImportRejectedError(
        missing.map((f) => ({ file: f, line: 0, field: '(file)', reason: 'file not found' })),
      );
    }
    const checksum = stepChecksum(step, root);
    const progress = (done: number, total: number) => opts.onProgress?.({ step, done, total });
    if (!opts.dryRun && !opts.force) {
      const [previous] = await query<{ checksum: string }>(
        opts.db,
        sql`select checksum from dataset_imports where dataset = ${step} and period = ${def.period}`,
      );
      if (previous?.checksum === checksum) {
        results.push({ step, status: 'unchanged', rows: 0, ms: Date.now() - started });
        continue;
      }
    }
    progress(0, 0); // the step starts: logs and /readyz show it even before its first batch
    const rows = opts.dryRun
      ? await def.run({ db: opts.db, root, dryRun: true, progress })
      : await opts.db.transaction(async (tx) => {
          const n = await def.run({ db: tx as unknown as Db, root, dryRun: false, progress });
          await tx.execute(sql`
            insert into dataset_imports (dataset, period, checksum, rows) values (${step}, ${def.period}, ${checksum}, ${n})
            on conflict (dataset, period) do update set checksum = excluded.checksum, rows = excluded.rows, imported_at = now()`);
          return n;
        });
    results.push({ step, status: opts.dryRun ? 'checked' : 'imported', rows, ms: Date.now() - started });
  }
  return results;
}

/** Checksum of a step's inputs (file bytes and derivation version): equal checksums mean nothing to re-import. */
export function stepChecksum(step: StepName, root: string = DEFAULT_DATA_ROOT): string {
  return crypto
    .createHash('sha256')
    .update(
      [DERIVATION_VERSION, ...STEP_DEFINITIONS[step].inputs.map((f) => fileChecksum(path.join(root, f)))].join(':'),
    )
    .digest('hex');
}

/** Where one reference dataset stands against the bundled files. */
export interface DatasetState {
  /** Dataset (import step) name. */
  dataset: StepName;
  /** Period of the bundled files. */
  period: string;
  /** loaded (recorded with the bundled files' checksum), outdated (recorded from other files or another period), or missing. */
  state: 'loaded' | 'outdated' | 'missing';
  /** Rows the recorded load wrote; null when missing. */
  rows: number | null;
  /** When the recorded load committed (ISO 8601); null when missing. */
  completedAt: string | null;
}

const expectedByRoot = new Map<string, Record<StepName, string>>();

/** The checksums every step should have for the files under `root`, computed once per process and root. */
export function expectedChecksums(root: string = DEFAULT_DATA_ROOT): Record<StepName, string> {
  let expected = expectedByRoot.get(root);
  if (!expected) {
    expected = Object.fromEntries(
      STEPS.map((step) => {
        const present = STEP_DEFINITIONS[step].inputs.every((f) => fs.existsSync(path.join(root, f)));
        return [step, present ? stepChecksum(step, root) : 'files-missing'];
      }),
    ) as Record<StepName, string>;
    expectedByRoot.set(root, expected);
  }
  return expected;
}

/**
 * Checks every dataset against the bundled files. A load is recorded (with its files' checksum and rows) in the same
 * transaction that writes it, so a record means the whole dataset committed; anything else must be (re)loaded.
 */
export async function referenceDatasetStates(db: Db, root: string = DEFAULT_DATA_ROOT): Promise<DatasetState[]> {
  const expected = expectedChecksums(root);
  const rows = await query<{ dataset: string; period: string; checksum: string; rows: number; at: string }>(
    db,
    sql`select dataset, period, checksum, rows, to_char(imported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at
        from dataset_imports order by imported_at desc`,
  );
  return STEPS.map((step) => {
    const period = STEP_DEFINITIONS[step].period;
    const current = rows.find((r) => r.dataset === step && r.period === period);
    const any = current ?? rows.find((r) => r.dataset === step);
    const state = current?.checksum === expected[step] ? 'loaded' : any ? 'outdated' : 'missing';
    return { dataset: step, period, state, rows: any?.rows ?? null, completedAt: any?.at ?? null };
  });
}
