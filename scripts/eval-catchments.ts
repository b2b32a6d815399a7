/**
 * Measures how well approximate PCN catchments (shared/geo/catchment.ts) match where patients
 * really live, using the only LSOA-level registrations we have: Staffordshire and Stoke-on-Trent
 * (QNC) and Shropshire, Telford and Wrekin (QOC), January 2026.
 *
 *   npx tsx scripts/eval-catchments.ts            # the compared methods, then the default, last
 *   npx tsx scripts/eval-catchments.ts --sweep    # also the parameter grid the default was picked from
 *
 * Prints one JSON line per method. `agreement` is the share of registered patients (sum of
 * PCN_Patients) whose LSOA is assigned to the PCN they are actually registered with. Each method
 * assigns all of England and `seconds` times that; only the two ICBs are scored.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_CATCHMENT_OPTIONS,
  UNALLOCATED_PCN_CODE,
  assignLsoasToPcns,
  countLsoasPerPcn,
  type CatchmentOptions,
  type LsoaPoint,
  type PracticePoint,
} from '../shared/geo/catchment';

const REFERENCE_DIR = fileURLToPath(new URL('../data/reference/', import.meta.url));
/** NHS ODS codes of the ICBs covered by the registrations file. */
const EVALUATION_ICBS = new Set(['QNC', 'QOC']);

type CsvRow = Record<string, string>;

function readGzippedCsv(relativePath: string): CsvRow[] {
  return parse(gunzipSync(readFileSync(REFERENCE_DIR + relativePath)), {
    columns: true,
  }) as CsvRow[];
}

function field(row: CsvRow, name: string): string {
  const value = row[name];
  if (value === undefined) throw new Error(`Missing column ${name}`);
  return value;
}

/** Blank cells become NaN (not 0, as Number('') would give), so missing coordinates stay missing. */
function numberField(row: CsvRow, name: string): number {
  const value = field(row, name).trim();
  return value === '' ? Number.NaN : Number(value);
}

/**
 * The registrations file has title-case PCN names and no codes. Names are compared upper-cased
 * with runs of whitespace collapsed; this joins all 35 names in the January 2026 file
 * ("Unallocated" joins to the `U` pseudo-PCN and is then left out, see `loadRegistrations`).
 */
function normalisePcnName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toUpperCase();
}

function loadLsoas(): LsoaPoint[] {
  return readGzippedCsv('need/lsoa21_need_england.csv.gz').map((row) => ({
    code: field(row, 'lsoa21_code'),
    lat: numberField(row, 'lat'),
    lng: numberField(row, 'lng'),
    subIcbCode: field(row, 'sub_icb24_code_nhs'),
    residents: numberField(row, 'census21_residents'),
  }));
}

interface PracticeRow extends PracticePoint {
  pcnName: string;
  icbCode: string;
}

function loadPractices(): PracticeRow[] {
  return readGzippedCsv('practices/gp_practices_pcn_2025-12.csv.gz').map((row) => ({
    code: field(row, 'practice_code'),
    pcnCode: field(row, 'pcn_code'),
    pcnName: field(row, 'pcn_name'),
    subIcbCode: field(row, 'sub_icb_code'),
    icbCode: field(row, 'icb_code'),
    lat: numberField(row, 'lat'),
    lng: numberField(row, 'lng'),
    listSize: numberField(row, 'list_size'),
  }));
}

interface Registration {
  lsoaCode: string;
  pcnCode: string;
  /** ICB of the PCN the patients are registered with. */
  icbCode: string;
  patients: number;
}

interface Registrations {
  rows: Registration[];
  /** Patients of unallocated practices: no PCN catchment can contain them, so they are not scored. */
  unallocatedPatients: number;
}

function loadRegistrations(practices: readonly PracticeRow[]): Registrations {
  const codeByName = new Map<string, string>();
  const icbByPcn = new Map(practices.map((p) => [p.pcnCode, p.icbCode]));
  for (const p of practices) {
    if (!EVALUATION_ICBS.has(p.icbCode)) continue;
    const name = normalisePcnName(p.pcnName);
    const existing = codeByName.get(name);
    if (existing !== undefined && existing !== p.pcnCode) {
      throw new Error(`PCN name ${name} is ambiguous (${existing}, ${p.pcnCode})`);
    }
    codeByName.set(name, p.pcnCode);
  }
  const rows: Registration[] = [];
  const unjoined = new Set<string>();
  let unallocatedPatients = 0;
  for (const row of readGzippedCsv('pcn/pcn_lsoa21_registrations_staffs_shropshire_2026-01.csv.gz')) {
    const name = field(row, 'PCN_NAME');
    const pcnCode = codeByName.get(normalisePcnName(name));
    const patients = numberField(row, 'PCN_Patients');
    if (pcnCode === undefined) unjoined.add(name);
    else if (pcnCode === UNALLOCATED_PCN_CODE) unallocatedPatients += patients;
    else {
      rows.push({
        lsoaCode: field(row, 'LSOA_CODE'),
        pcnCode,
        icbCode: icbByPcn.get(pcnCode) as string,
        patients,
      });
    }
  }
  if (unjoined.size > 0) throw new Error(`PCN names not joined: ${[...unjoined].join('; ')}`);
  return { rows, unallocatedPatients };
}

interface Variant {
  method: string;
  options: CatchmentOptions;
}

/**
 * The alternatives compared in docs/catchments.md, each with the best parameters the sweep found
 * for it; options not given are the defaults, so each gravity variant differs from it in one way.
 */
const VARIANTS: Variant[] = [
  { method: 'nearest', options: { method: 'nearest', otherSubIcbDistanceFactor: 1 } },
  { method: 'nearest-same-sub-icb', options: { method: 'nearest', otherSubIcbDistanceFactor: Infinity } },
  { method: 'nearest-sub-icb-penalty', options: { method: 'nearest' } },
  {
    method: 'weighted-voronoi',
    options: { method: 'weighted-voronoi', sizeExponent: 0.5, distanceExponent: 2, maxDistanceKm: Infinity },
  },
  {
    method: 'additive-voronoi',
    options: { method: 'additive-voronoi', sizeExponent: 0.5, sizeBonusKm: 0.5 },
  },
  { method: 'balanced', options: { method: 'balanced' } },
  { method: 'gravity-distance-squared', options: { distanceExponent: 2 } },
  { method: 'gravity-no-distance-limit', options: { maxDistanceKm: Infinity } },
  { method: 'gravity-ignoring-sub-icb', options: { otherSubIcbDistanceFactor: 1 } },
  { method: 'gravity-same-sub-icb-only', options: { otherSubIcbDistanceFactor: Infinity } },
  { method: 'gravity-without-every-pcn-step', options: { ensureEveryPcn: false } },
];

/**
 * Parameter grid behind the default (`--sweep`): a few global values, nothing per PCN. Options
 * not varied in a block are the defaults.
 */
function sweepVariants(): Variant[] {
  return [
    ...grid({
      method: ['gravity', 'weighted-voronoi'],
      sizeExponent: [0, 0.5, 1, 1.5],
      distanceExponent: [1, 2, 3],
      candidatePractices: [5, 10, 20],
    }),
    ...grid({ method: ['additive-voronoi'], sizeExponent: [0.5, 1], sizeBonusKm: [0.25, 0.5, 1, 2] }),
    ...grid({
      method: ['gravity', 'weighted-voronoi'],
      sizeExponent: [0.5, 1],
      distanceExponent: [2, 3],
      maxDistanceKm: [3, 5, 8, Infinity],
    }),
    ...grid({ minDistanceKm: [0.1, 0.25, 0.5, 1, 2] }),
    ...grid({ method: ['nearest'], otherSubIcbDistanceFactor: [1, 1.5, 2, 3, 5, Infinity] }),
    ...grid({
      distanceExponent: [2, 3],
      maxDistanceKm: [5, Infinity],
      otherSubIcbDistanceFactor: [1, 1.5, 2, 3, 5, Infinity],
    }),
  ].map((options) => ({ method: `sweep ${JSON.stringify(options, jsonInfinity)}`, options }));
}

/** Every combination of the given option values. */
function grid(axes: { [K in keyof CatchmentOptions]: Array<CatchmentOptions[K]> }): CatchmentOptions[] {
  let combinations: CatchmentOptions[] = [{}];
  for (const [key, values] of Object.entries(axes)) {
    combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [key]: value })));
  }
  return combinations;
}

function main(): void {
  const lsoas = loadLsoas();
  const practices = loadPractices();
  const { rows, unallocatedPatients } = loadRegistrations(practices);
  const patients = rows.reduce((sum, r) => sum + r.patients, 0);
  const evaluatedLsoas = new Set(rows.map((r) => r.lsoaCode)).size;
  const allPcns = new Set(practices.filter((p) => p.pcnCode !== UNALLOCATED_PCN_CODE).map((p) => p.pcnCode));

  const englandLsoas = new Set(lsoas.map((l) => l.code));
  const outsideEngland = rows.filter((r) => !englandLsoas.has(r.lsoaCode)).reduce((sum, r) => sum + r.patients, 0);
  console.error(
    `Scoring ${patients} patients in ${evaluatedLsoas} LSOAs. Left out: ${unallocatedPatients} patients of ` +
      `unallocated practices. Counted as misses: ${outsideEngland} patients living in LSOAs outside England. ` +
      `Ceiling for any one-PCN-per-LSOA method: ${ceilingAgreement(rows).toFixed(4)}`,
  );

  const variants = [
    ...VARIANTS,
    ...(process.argv.includes('--sweep') ? sweepVariants() : []),
    { method: `default (${DEFAULT_CATCHMENT_OPTIONS.method})`, options: {} },
  ];
  // Scored separately too, so that a setting chosen on one ICB can be checked on the other.
  const rowsByIcb = [...EVALUATION_ICBS].map((icb) => [icb, rows.filter((r) => r.icbCode === icb)] as const);
  for (const { method, options } of variants) {
    const started = performance.now();
    const assignment = assignLsoasToPcns({ lsoas, practices, options });
    const seconds = (performance.now() - started) / 1000;
    const counts = countLsoasPerPcn(assignment);
    const line = {
      method,
      agreement: agreement(assignment, rows),
      patients,
      lsoas: evaluatedLsoas,
      seconds: round(seconds, 2),
      englandLsoasAssigned: assignment.size,
      pcnsWithoutLsoa: [...allPcns].filter((pcn) => !counts.has(pcn)).length,
      agreementByIcb: Object.fromEntries(rowsByIcb.map(([icb, icbRows]) => [icb, agreement(assignment, icbRows)])),
      options: { ...DEFAULT_CATCHMENT_OPTIONS, ...options },
    };
    console.log(JSON.stringify(line, jsonInfinity));
  }
}

/** The best agreement any one-PCN-per-LSOA assignment could reach: each LSOA given to its most common actual PCN. */
function ceilingAgreement(rows: readonly Registration[]): number {
  const byLsoa = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const byPcn = byLsoa.get(r.lsoaCode) ?? new Map<string, number>();
    byPcn.set(r.pcnCode, (byPcn.get(r.pcnCode) ?? 0) + r.patients);
    byLsoa.set(r.lsoaCode, byPcn);
  }
  let best = 0;
  let total = 0;
  for (const byPcn of byLsoa.values()) {
    best += Math.max(...byPcn.values());
    for (const n of byPcn.values()) total += n;
  }
  return best / total;
}

/** Share of the rows' patients whose LSOA is assigned to the PCN they are registered with, 4 d.p. */
function agreement(assignment: ReadonlyMap<string, string>, rows: readonly Registration[]): number {
  let agreed = 0;
  let total = 0;
  for (const r of rows) {
    total += r.patients;
    if (assignment.get(r.lsoaCode) === r.pcnCode) agreed += r.patients;
  }
  return round(agreed / total, 4);
}

/** JSON has no Infinity (it would print null), so it is spelt out. */
function jsonInfinity(_key: string, value: unknown): unknown {
  return value === Infinity ? 'Infinity' : value;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

main();
