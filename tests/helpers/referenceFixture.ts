/**
 * A tiny, complete and internally consistent reference dataset for import and areas-API tests.
 *
 * Geography (all in England, around south Manchester), 4 columns x 2 rows of LSOA rectangles, each 0.1° of
 * longitude (~6.6 km) by 0.02° of latitude (~2.2 km):
 *
 *             lng -2.40   -2.30      -2.20      -2.10      -2.00
 *   lat 53.48  +----------+----------+----------+----------+
 *              | E01900005| E01900006| E01900007| E01900008|   row 1
 *              | U10001   | U10002 * | U20001   | U20001   |   (* M13 9PL, sector M13 9, district M13)
 *   lat 53.46  +----------+----------+----------+----------+
 *              | E01900001| E01900002| E01900003| E01900004|   row 0
 *              | U10001   | U10002   | U20001   | U20001   |
 *   lat 53.44  +----------+----------+----------+----------+
 *              |<- sub-ICB 01A / ICB QAA ->|<- sub-ICB 02B / ICB QBB ->|
 *
 * Practices sit inside the LSOAs of their PCN; the columns are far apart (6.6 km) compared with the rows (2.2 km),
 * so the catchment assignment is unambiguous: EXPECTED_LSOA_PCN. Everything a test asserts is computed from the
 * constants exported here, never typed in by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { FILES } from '../../server/features/areas/datasets';

/** A key of datasets.ts FILES. */
export type FixtureFile = keyof typeof FILES;

// ---------------------------------------------------------------------------------------------------------------
// Known inputs

/** Regions (NHS code, ONS code, name). */
export const REGIONS = [
  { code: 'Y62', onsCode: 'E40000010', name: 'North West' },
  { code: 'Y63', onsCode: 'E40000012', name: 'North East and Yorkshire' },
] as const;

/** A rectangle in decimal degrees. */
export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** ICBs with the region they belong to and their boundary rectangle. */
export const ICBS = [
  {
    code: 'QAA',
    onsCode: 'E54000901',
    name: 'NHS Alpha Integrated Care Board',
    regionCode: 'Y62',
    box: { west: -2.4, south: 53.44, east: -2.2, north: 53.48 },
  },
  {
    code: 'QBB',
    onsCode: 'E54000902',
    name: 'NHS Beta Integrated Care Board',
    regionCode: 'Y63',
    box: { west: -2.2, south: 53.44, east: -2.0, north: 53.48 },
  },
] as const;

/** Sub-ICBs (one per ICB, covering the same rectangle). */
export const SUB_ICBS = [
  { code: '01A', onsCode: 'E38000901', name: 'NHS Alpha ICB - 01A', icbCode: 'QAA', box: ICBS[0].box },
  { code: '02B', onsCode: 'E38000902', name: 'NHS Beta ICB - 02B', icbCode: 'QBB', box: ICBS[1].box },
] as const;

/** PCNs. */
export const PCNS = [
  { code: 'U10001', name: 'ALPHA WEST PCN', subIcbCode: '01A', icbCode: 'QAA' },
  { code: 'U10002', name: 'ALPHA EAST PCN', subIcbCode: '01A', icbCode: 'QAA' },
  { code: 'U20001', name: 'BETA PCN', subIcbCode: '02B', icbCode: 'QBB' },
] as const;

/** A GP practice of the fixture; pcnCode 'U' is unallocated; lat/lng null means no coordinates (blank in the file). */
export interface FixturePractice {
  code: string;
  name: string;
  postcode: string;
  lat: number | null;
  lng: number | null;
  pcnCode: string;
  subIcbCode: string;
  listSize: number;
  imd2019: number | null;
}

/** Practices: 5 in PCNs (one without coordinates), 1 unallocated. */
// prettier-ignore
export const PRACTICES: readonly FixturePractice[] = [
  // The quoted comma in the name checks that CSV quoting is honoured.
  { code: 'A10001', name: 'WEST SURGERY, HIGH STREET', postcode: 'M1 1AA', lat: 53.451, lng: -2.352, pcnCode: 'U10001', subIcbCode: '01A', listSize: 6123, imd2019: 38.2 },
  { code: 'A10002', name: 'NORTH WEST MEDICAL CENTRE', postcode: 'M1 1AB', lat: 53.469, lng: -2.348, pcnCode: 'U10001', subIcbCode: '01A', listSize: 4051, imd2019: 33.9 },
  { code: 'A10003', name: 'EAST HEALTH CENTRE', postcode: 'M13 9WL', lat: 53.452, lng: -2.251, pcnCode: 'U10002', subIcbCode: '01A', listSize: 7890, imd2019: 24.5 },
  { code: 'A10004', name: 'AARDVARK PRACTICE', postcode: 'M13 9XX', lat: null, lng: null, pcnCode: 'U10002', subIcbCode: '01A', listSize: 2110, imd2019: null },
  { code: 'B20001', name: 'BETA GROUP PRACTICE', postcode: 'SK4 1AA', lat: 53.455, lng: -2.148, pcnCode: 'U20001', subIcbCode: '02B', listSize: 9876, imd2019: 11.4 },
  { code: 'B20002', name: 'BETA UNALLOCATED SURGERY', postcode: 'SK4 2AB', lat: 53.475, lng: -2.05, pcnCode: 'U', subIcbCode: '02B', listSize: 1532, imd2019: 6.7 },
];

/** An LSOA of the fixture with its need indicators. */
export interface FixtureLsoa {
  code: string;
  name: string;
  box: Box;
  subIcbCode: string;
  icbCode: string;
  ladCode: string;
  ladName: string;
  imdScore: number;
  imdDecile: number;
  imdRank: number;
  incomeScore: number;
  employmentScore: number;
  educationScore: number;
  healthScore: number;
  housingScore: number;
  residents: number;
  households: number;
  pctAsian: number;
  pctBlack: number;
  pctMixed: number;
  pctWhite: number;
  pctOther: number;
  pctDisabled: number;
  pctDeprived2plus: number;
  urbanRural: 'Urban' | 'Rural';
}

const cell = (col: number, row: number): Box => ({
  west: round6(-2.4 + 0.1 * col),
  east: round6(-2.3 + 0.1 * col),
  south: round6(53.44 + 0.02 * row),
  north: round6(53.46 + 0.02 * row),
});
function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

type LsoaValues = Omit<FixtureLsoa, 'code' | 'name' | 'box' | 'subIcbCode' | 'icbCode' | 'ladCode' | 'ladName'>;
const lsoa = (n: number, col: number, row: number, v: LsoaValues): FixtureLsoa => {
  const west = col < 2;
  return {
    code: `E0190000${n}`,
    name: `${west ? 'Alphaton' : 'Betaby'} 00${n}A`,
    box: cell(col, row),
    subIcbCode: west ? '01A' : '02B',
    icbCode: west ? 'QAA' : 'QBB',
    ladCode: west ? 'E08000901' : 'E08000902',
    ladName: west ? 'Alphaton' : 'Betaby',
    ...v,
  };
};

/** LSOAs: E01900001–4 along row 0 (south), E01900005–8 along row 1 (north). */
// prettier-ignore
export const LSOAS: readonly FixtureLsoa[] = [
  lsoa(1, 0, 0, { imdScore: 42.5, imdDecile: 1, imdRank: 2500, incomeScore: 0.31, employmentScore: 0.22, educationScore: 45.2, healthScore: 1.8, housingScore: 25.1, residents: 1620, households: 702, pctAsian: 12.4, pctBlack: 6.1, pctMixed: 3.2, pctWhite: 74.8, pctOther: 3.5, pctDisabled: 24.6, pctDeprived2plus: 12.3, urbanRural: 'Urban' }),
  lsoa(2, 1, 0, { imdScore: 21.3, imdDecile: 4, imdRank: 14000, incomeScore: 0.14, employmentScore: 0.11, educationScore: 20.5, healthScore: 0.3, housingScore: 18.4, residents: 1480, households: 655, pctAsian: 8.2, pctBlack: 3.4, pctMixed: 2.8, pctWhite: 83.1, pctOther: 2.5, pctDisabled: 19.2, pctDeprived2plus: 6.1, urbanRural: 'Urban' }),
  lsoa(3, 2, 0, { imdScore: 12.7, imdDecile: 7, imdRank: 21000, incomeScore: 0.08, employmentScore: 0.06, educationScore: 10.1, healthScore: -0.4, housingScore: 15.3, residents: 1710, households: 731, pctAsian: 2.1, pctBlack: 0.8, pctMixed: 1.5, pctWhite: 94.9, pctOther: 0.7, pctDisabled: 16.8, pctDeprived2plus: 3.9, urbanRural: 'Urban' }),
  lsoa(4, 3, 0, { imdScore: 7.9, imdDecile: 9, imdRank: 28000, incomeScore: 0.05, employmentScore: 0.04, educationScore: 6.3, healthScore: -0.9, housingScore: 30.2, residents: 1390, households: 602, pctAsian: 0.9, pctBlack: 0.2, pctMixed: 0.9, pctWhite: 97.6, pctOther: 0.4, pctDisabled: 15.1, pctDeprived2plus: 2.2, urbanRural: 'Rural' }),
  lsoa(5, 0, 1, { imdScore: 35.1, imdDecile: 2, imdRank: 5200, incomeScore: 0.26, employmentScore: 0.19, educationScore: 38.0, healthScore: 1.2, housingScore: 22.7, residents: 1555, households: 640, pctAsian: 15.6, pctBlack: 8.3, pctMixed: 3.9, pctWhite: 68.9, pctOther: 3.3, pctDisabled: 22.9, pctDeprived2plus: 10.8, urbanRural: 'Urban' }),
  lsoa(6, 1, 1, { imdScore: 28.6, imdDecile: 3, imdRank: 9100, incomeScore: 0.2, employmentScore: 0.15, educationScore: 27.4, healthScore: 0.8, housingScore: 20.1, residents: 1660, households: 688, pctAsian: 22.5, pctBlack: 9.7, pctMixed: 4.1, pctWhite: 60.2, pctOther: 3.5, pctDisabled: 18.3, pctDeprived2plus: 8.4, urbanRural: 'Urban' }),
  lsoa(7, 2, 1, { imdScore: 16.4, imdDecile: 6, imdRank: 18500, incomeScore: 0.1, employmentScore: 0.08, educationScore: 14.9, healthScore: -0.1, housingScore: 17.6, residents: 1445, households: 612, pctAsian: 3.3, pctBlack: 1.1, pctMixed: 1.8, pctWhite: 93.1, pctOther: 0.7, pctDisabled: 17.5, pctDeprived2plus: 4.6, urbanRural: 'Urban' }),
  lsoa(8, 3, 1, { imdScore: 5.2, imdDecile: 10, imdRank: 31500, incomeScore: 0.03, employmentScore: 0.03, educationScore: 4.8, healthScore: -1.3, housingScore: 33.8, residents: 1805, households: 763, pctAsian: 0.6, pctBlack: 0.3, pctMixed: 0.7, pctWhite: 98.1, pctOther: 0.3, pctDisabled: 14.2, pctDeprived2plus: 1.7, urbanRural: 'Rural' }),
];

/** Centre of a box: the LSOA "centre point" written to the need file. */
export const centreOf = (b: Box) => ({ lat: round6((b.south + b.north) / 2), lng: round6((b.west + b.east) / 2) });

/** The PCN each LSOA must be assigned to, from the layout (see the file comment). */
export const EXPECTED_LSOA_PCN: Readonly<Record<string, string>> = {
  E01900001: 'U10001',
  E01900005: 'U10001',
  E01900002: 'U10002',
  E01900006: 'U10002',
  E01900003: 'U20001',
  E01900004: 'U20001',
  E01900007: 'U20001',
  E01900008: 'U20001',
};

/** Age profile rows: one per practice (GP) and per PCN, plus the unallocated "U" PCN row the real file has. */
export const AGE_PROFILE = [
  { orgType: 'GP', orgCode: 'A10001', listSize: 6123, pct65: 17.9, pct75: 8.1, pct85: 2.1 },
  { orgType: 'GP', orgCode: 'A10002', listSize: 4051, pct65: 19.4, pct75: 9.0, pct85: 2.4 },
  { orgType: 'GP', orgCode: 'A10003', listSize: 7890, pct65: 13.1, pct75: 6.0, pct85: 1.5 },
  { orgType: 'GP', orgCode: 'A10004', listSize: 2110, pct65: 18.2, pct75: 8.8, pct85: 2.6 },
  { orgType: 'GP', orgCode: 'B20001', listSize: 9876, pct65: 23.7, pct75: 11.6, pct85: 3.2 },
  { orgType: 'GP', orgCode: 'B20002', listSize: 1532, pct65: 26.0, pct75: 13.1, pct85: 3.9 },
  { orgType: 'PCN', orgCode: 'U10001', listSize: 10174, pct65: 18.5, pct75: 8.5, pct85: 2.2 },
  { orgType: 'PCN', orgCode: 'U10002', listSize: 10000, pct65: 14.2, pct75: 6.6, pct85: 1.7 },
  { orgType: 'PCN', orgCode: 'U20001', listSize: 9876, pct65: 23.7, pct75: 11.6, pct85: 3.2 },
  { orgType: 'PCN', orgCode: 'U', listSize: 1532, pct65: 26.0, pct75: 13.1, pct85: 3.9 },
] as const;

/** Workforce returns: U10001 and U10002 only; U20001 made no return (its link-worker figures are missing, never 0). */
// prettier-ignore
export const WORKFORCE = [
  { pcnCode: 'U10001', splwFte: 2.5, splwHead: 3, splwMhFte: 0.5, splwMhHead: 1, ccFte: 3.2, ccHead: 4, hwcFte: 1.0, hwcHead: 1, allFte: 20.5, allHead: 24 },
  { pcnCode: 'U10002', splwFte: 1.2, splwHead: 2, splwMhFte: 0.0, splwMhHead: 0, ccFte: 2.0, ccHead: 2, hwcFte: 0.8, hwcHead: 1, allFte: 15.0, allHead: 17 },
] as const;

/** Full postcodes. M13 9PL is at its real (NSPL) centroid, inside E01900006. */
export const POSTCODES = [
  { postcode: 'M13 9PL', lat: 53.46692, lng: -2.23357 },
  { postcode: 'M13 9WL', lat: 53.4521, lng: -2.2512 },
  { postcode: 'M1 1AA', lat: 53.4512, lng: -2.3518 },
  { postcode: 'SK4 1AA', lat: 53.4549, lng: -2.1482 },
  { postcode: 'NPT 1AA', lat: 51.5876, lng: -2.9977 },
] as const;

/** Postcode sectors. */
export const SECTORS = [
  { sector: 'M13 9', lat: 53.46657, lng: -2.22424, n: 363 },
  { sector: 'M1 1', lat: 53.4788, lng: -2.2391, n: 410 },
] as const;

/** Postcode districts. */
export const DISTRICTS = [
  { district: 'M13', lat: 53.46222, lng: -2.21717, n: 761 },
  { district: 'M1', lat: 53.4791, lng: -2.2382, n: 1299 },
] as const;

/** The whole fixture area. */
export const FIXTURE_BOX: Box = { west: -2.4, south: 53.44, east: -2.0, north: 53.48 };

/** A point in Scotland (Edinburgh), outside every fixture polygon. */
export const OUTSIDE_ENGLAND = { lat: 55.9533, lng: -3.1883 } as const;

// ---------------------------------------------------------------------------------------------------------------
// Real column headers (checked against data/reference with zcat … | head -1)

// prettier-ignore
export const PRACTICE_COLUMNS = [
  'practice_code', 'practice_name', 'practice_postcode', 'lat', 'lng', 'pcn_code', 'pcn_name', 'sub_icb_code',
  'sub_icb_ons_code', 'sub_icb_name', 'icb_code', 'icb_ons_code', 'icb_name', 'region_code', 'region_ons_code',
  'region_name', 'gp_it_supplier', 'list_size', 'imd2019_practice_score',
] as const;

// prettier-ignore
export const AGE_PROFILE_COLUMNS = [
  'org_type', 'org_code', 'list_size', 'female', 'male', 'n_0_19', 'n_20_64', 'n_65plus', 'n_75plus', 'n_85plus',
  'pct_0_19', 'pct_65plus', 'pct_75plus', 'pct_85plus',
] as const;

// prettier-ignore
export const WORKFORCE_COLUMNS = [
  'pcn_code', 'pcn_name', 'sub_icb_code', 'icb_code', 'icb_name', 'region_name', 'splw_fte', 'splw_headcount',
  'splw_mh_fte', 'splw_mh_headcount', 'care_coordinator_fte', 'care_coordinator_headcount',
  'health_wellbeing_coach_fte', 'health_wellbeing_coach_headcount', 'splw_fte_contracted_services',
  'direct_patient_care_fte', 'all_staff_fte', 'all_staff_headcount',
] as const;

// prettier-ignore
export const NEED_COLUMNS = [
  'lsoa21_code', 'lsoa21_name', 'lat', 'lng', 'ward24_code', 'ward24_name', 'lad24_code', 'lad24_name',
  'sub_icb24_code', 'sub_icb24_code_nhs', 'sub_icb24_name', 'icb24_code', 'icb24_code_nhs', 'icb24_name',
  'imd2025_imd_decile', 'imd2025_income_decile', 'imd2025_employment_decile', 'imd2025_education_decile',
  'imd2025_health_decile', 'imd2025_crime_decile', 'imd2025_housing_and_services_decile',
  'imd2025_environment_decile', 'imd2025_imd_rank', 'imd2025_income_rank', 'imd2025_employment_rank',
  'imd2025_education_rank', 'imd2025_health_rank', 'imd2025_crime_rank', 'imd2025_housing_and_services_rank',
  'imd2025_environment_rank', 'imd2025_imd_score', 'imd2025_income_score', 'imd2025_employment_score',
  'imd2025_education_score', 'imd2025_health_score', 'imd2025_crime_score', 'imd2025_housing_and_services_score',
  'imd2025_environment_score', 'census21_residents', 'pct_asian', 'pct_black', 'pct_mixed', 'pct_white',
  'pct_other_ethnic', 'pct_disabled', 'census21_households', 'pct_households_deprived_2plus_dims', 'ruc21_code',
  'ruc21_classification', 'ruc21_urban_rural',
] as const;

/** One CSV record: column → raw text. */
export type CsvRecord = Record<string, string>;

const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
const byCode = <T extends { code: string }>(list: readonly T[], code: string): T => {
  const found = list.find((x) => x.code === code);
  if (!found) throw new Error(`fixture: no ${code}`);
  return found;
};

/** The practices file as records (edit them to make broken files). */
export function practiceRecords(): CsvRecord[] {
  return PRACTICES.map((p) => {
    const sub = byCode(SUB_ICBS, p.subIcbCode);
    const icb = byCode(ICBS, sub.icbCode);
    const region = byCode(REGIONS, icb.regionCode);
    const pcn = p.pcnCode === 'U' ? { name: 'Unallocated' } : byCode(PCNS, p.pcnCode);
    return {
      practice_code: p.code,
      practice_name: p.name,
      practice_postcode: p.postcode,
      lat: str(p.lat),
      lng: str(p.lng),
      pcn_code: p.pcnCode,
      pcn_name: pcn.name,
      sub_icb_code: sub.code,
      sub_icb_ons_code: sub.onsCode,
      sub_icb_name: sub.name,
      icb_code: icb.code,
      icb_ons_code: icb.onsCode,
      icb_name: icb.name,
      region_code: region.code,
      region_ons_code: region.onsCode,
      region_name: region.name,
      gp_it_supplier: 'EMIS',
      list_size: String(p.listSize),
      imd2019_practice_score: str(p.imd2019),
    };
  });
}

/** The LSOA need file as records. */
export function needRecords(): CsvRecord[] {
  return LSOAS.map((l, i) => {
    const sub = byCode(SUB_ICBS, l.subIcbCode);
    const icb = byCode(ICBS, l.icbCode);
    const { lat, lng } = centreOf(l.box);
    const record: CsvRecord = Object.fromEntries(NEED_COLUMNS.map((c) => [c, '']));
    Object.assign(record, {
      lsoa21_code: l.code,
      lsoa21_name: l.name,
      lat: String(lat),
      lng: String(lng),
      ward24_code: `E0590000${i + 1}`,
      ward24_name: `Ward ${i + 1}`,
      lad24_code: l.ladCode,
      lad24_name: l.ladName,
      sub_icb24_code: sub.onsCode,
      sub_icb24_code_nhs: sub.code,
      sub_icb24_name: sub.name,
      icb24_code: icb.onsCode,
      icb24_code_nhs: icb.code,
      icb24_name: icb.name,
      imd2025_imd_decile: String(l.imdDecile),
      imd2025_imd_rank: String(l.imdRank),
      imd2025_imd_score: String(l.imdScore),
      imd2025_income_score: String(l.incomeScore),
      imd2025_employment_score: String(l.employmentScore),
      imd2025_education_score: String(l.educationScore),
      imd2025_health_score: String(l.healthScore),
      imd2025_housing_and_services_score: String(l.housingScore),
      census21_residents: String(l.residents),
      pct_asian: String(l.pctAsian),
      pct_black: String(l.pctBlack),
      pct_mixed: String(l.pctMixed),
      pct_white: String(l.pctWhite),
      pct_other_ethnic: String(l.pctOther),
      pct_disabled: String(l.pctDisabled),
      census21_households: String(l.households),
      pct_households_deprived_2plus_dims: String(l.pctDeprived2plus),
      ruc21_code: l.urbanRural === 'Urban' ? 'UN1' : 'RSN1',
      ruc21_classification:
        l.urbanRural === 'Urban'
          ? 'Urban: Nearer to a major town or city'
          : 'Smaller rural: Nearer to a major town or city',
      ruc21_urban_rural: l.urbanRural,
    });
    // Columns the importer does not read still get plausible values, like the real file.
    for (const c of NEED_COLUMNS) {
      if (record[c] !== '') continue;
      if (c.endsWith('_decile')) record[c] = String(l.imdDecile);
      else if (c.endsWith('_rank')) record[c] = String(l.imdRank);
      else if (c.endsWith('_score')) record[c] = '0.5';
    }
    return record;
  });
}

/** The age-profile file as records. */
export function ageProfileRecords(): CsvRecord[] {
  return AGE_PROFILE.map((a) => {
    const n65 = Math.round((a.listSize * a.pct65) / 100);
    const n019 = Math.round(a.listSize * 0.21);
    return {
      org_type: a.orgType,
      org_code: a.orgCode,
      list_size: String(a.listSize),
      female: String(Math.round(a.listSize / 2)),
      male: String(a.listSize - Math.round(a.listSize / 2)),
      n_0_19: String(n019),
      n_20_64: String(a.listSize - n019 - n65),
      n_65plus: String(n65),
      n_75plus: String(Math.round((a.listSize * a.pct75) / 100)),
      n_85plus: String(Math.round((a.listSize * a.pct85) / 100)),
      pct_0_19: '21',
      pct_65plus: String(a.pct65),
      pct_75plus: String(a.pct75),
      pct_85plus: String(a.pct85),
    };
  });
}

/** The workforce file as records. */
export function workforceRecords(): CsvRecord[] {
  return WORKFORCE.map((w) => {
    const pcn = byCode(PCNS, w.pcnCode);
    const icb = byCode(ICBS, pcn.icbCode);
    return {
      pcn_code: pcn.code,
      pcn_name: pcn.name,
      sub_icb_code: pcn.subIcbCode,
      icb_code: icb.code,
      icb_name: icb.name,
      region_name: byCode(REGIONS, icb.regionCode).name,
      splw_fte: String(w.splwFte),
      splw_headcount: String(w.splwHead),
      splw_mh_fte: String(w.splwMhFte),
      splw_mh_headcount: String(w.splwMhHead),
      care_coordinator_fte: String(w.ccFte),
      care_coordinator_headcount: String(w.ccHead),
      health_wellbeing_coach_fte: String(w.hwcFte),
      health_wellbeing_coach_headcount: String(w.hwcHead),
      splw_fte_contracted_services: String(w.splwFte),
      direct_patient_care_fte: String(w.allFte - 2),
      all_staff_fte: String(w.allFte),
      all_staff_headcount: String(w.allHead),
    };
  });
}

/** Renders records as CSV with the given header (values with commas or quotes are quoted). */
export function toCsv(columns: readonly string[], records: readonly CsvRecord[]): string {
  const cellText = (v: string | undefined) => {
    const s = v ?? '';
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...records.map((r) => columns.map((c) => cellText(r[c])).join(','))].join('\n') + '\n';
}

const ring = (b: Box) => [
  [
    [b.west, b.south],
    [b.east, b.south],
    [b.east, b.north],
    [b.west, b.north],
    [b.west, b.south],
  ],
];

/** A GeoJSON feature of the fixture boundary files. */
export interface FixtureFeature {
  type: 'Feature';
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

/** Boundary features: LSOAs, ICBs and sub-ICBs, with the real property names. */
export function lsoaFeatures(): FixtureFeature[] {
  return LSOAS.map((l) => ({
    type: 'Feature',
    properties: { lsoa21_name: l.name, lsoa21_code: l.code },
    geometry: { type: 'Polygon', coordinates: ring(l.box) },
  }));
}
export function icbFeatures(): FixtureFeature[] {
  return ICBS.map((i) => ({
    type: 'Feature',
    properties: { icb24_code: i.onsCode, icb24_code_nhs: i.code, icb24_name: i.name },
    geometry: { type: 'Polygon', coordinates: ring(i.box) },
  }));
}
export function subIcbFeatures(): FixtureFeature[] {
  return SUB_ICBS.map((s) => {
    const icb = byCode(ICBS, s.icbCode);
    return {
      type: 'Feature',
      properties: {
        sicbl24_code: s.onsCode,
        sicbl24_code_nhs: s.code,
        sicbl24_name: s.name,
        icb24_code: icb.onsCode,
        icb24_code_nhs: icb.code,
        icb24_name: icb.name,
      },
      geometry: { type: 'Polygon', coordinates: ring(s.box) },
    };
  });
}

/** Renders a FeatureCollection the way the real files are laid out (one feature per line). */
export function toGeoJson(name: string, features: readonly FixtureFeature[]): string {
  return `{\n"type": "FeatureCollection",\n"name": "${name}",\n"features": [\n${features
    .map((f) => JSON.stringify(f))
    .join(',\n')}\n]\n}\n`;
}

/** The text of every fixture file, by FILES key. */
export function fixtureTexts(): Record<FixtureFile, string> {
  return {
    practices: toCsv(PRACTICE_COLUMNS, practiceRecords()),
    ageProfile: toCsv(AGE_PROFILE_COLUMNS, ageProfileRecords()),
    workforce: toCsv(WORKFORCE_COLUMNS, workforceRecords()),
    lsoaNeed: toCsv(NEED_COLUMNS, needRecords()),
    lsoaBoundaries: toGeoJson('lsoa21_england', lsoaFeatures()),
    icbBoundaries: toGeoJson('icb_2024_from_lsoa21', icbFeatures()),
    subIcbBoundaries: toGeoJson('sub_icb_2024_from_lsoa21', subIcbFeatures()),
    postcodes: ['postcode,lat,lng', ...POSTCODES.map((p) => `${p.postcode},${p.lat},${p.lng}`)].join('\n') + '\n',
    sectors:
      ['sector,lat,lng,n_postcodes', ...SECTORS.map((s) => `${s.sector},${s.lat},${s.lng},${s.n}`)].join('\n') + '\n',
    districts:
      ['district,lat,lng,n_postcodes', ...DISTRICTS.map((d) => `${d.district},${d.lat},${d.lng},${d.n}`)].join('\n') +
      '\n',
  };
}

/**
 * Writes the fixture into `dir` under the exact relative names of datasets.ts FILES, gzipped. `overrides` replaces a
 * file's text (to make broken files); null leaves the file out.
 */
export function writeReferenceFixture(dir: string, overrides: Partial<Record<FixtureFile, string | null>> = {}): void {
  const texts = fixtureTexts();
  for (const key of Object.keys(FILES) as FixtureFile[]) {
    const text = key in overrides ? overrides[key] : texts[key];
    const file = path.join(dir, FILES[key]);
    fs.rmSync(file, { force: true });
    if (text === null || text === undefined) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Node's gzip header has no name and a zero mtime, so identical text always gives identical bytes (checksums).
    fs.writeFileSync(file, file.endsWith('.gz') ? zlib.gzipSync(Buffer.from(text, 'utf8'), { level: 9 }) : text);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Expectations derived from the known inputs

/** Weighted mean of `value` over `items` with weights `weight`. */
export function weightedMean<T>(items: readonly T[], value: (t: T) => number, weight: (t: T) => number): number {
  const w = items.reduce((s, t) => s + weight(t), 0);
  return items.reduce((s, t) => s + value(t) * weight(t), 0) / w;
}

/** LSOAs of a PCN according to EXPECTED_LSOA_PCN. */
export const lsoasOfPcn = (pcn: string) => LSOAS.filter((l) => EXPECTED_LSOA_PCN[l.code] === pcn);
/** Practices of a PCN. */
export const practicesOfPcn = (pcn: string) => PRACTICES.filter((p) => p.pcnCode === pcn);
