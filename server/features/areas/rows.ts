/** zod schemas for one row of each reference CSV: what a valid row is, field by field. */
import { z } from 'zod';

const text = z.string().trim().min(1, 'is required');
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' || v === 'NA' ? undefined : v));
const number = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .transform(Number)
    .pipe(
      z.number({ error: 'must be a number' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`),
    );
const optionalNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' || v === 'NA' ? undefined : Number(v)))
    .pipe(
      z
        .number({ error: 'must be a number' })
        .min(min, `must be at least ${min}`)
        .max(max, `must be at most ${max}`)
        .optional(),
    );
const integer = (min: number, max: number) => number(min, max).pipe(z.number().int('must be a whole number'));
const percent = number(0, 100);
/** Latitude and longitude bounds of the UK (with the Channel Islands and Shetland). */
const LAT = [49, 61] as const;
const LNG = [-9, 2.5] as const;

/** A row of gp_practices_pcn: one GP practice with its PCN, sub-ICB, ICB, region and list size. */
export const PracticeRow = z.object({
  practice_code: z.string().regex(/^[A-Z0-9]{5,6}$/, 'must be an ODS practice code'),
  practice_name: text,
  practice_postcode: optionalText,
  lat: optionalNumber(...LAT),
  lng: optionalNumber(...LNG),
  pcn_code: z.string().regex(/^(U|U\d{5})$/, 'must be a PCN code like U12345, or U for unallocated'),
  pcn_name: text,
  sub_icb_code: text,
  sub_icb_ons_code: z.string().regex(/^E38\d{6}$/, 'must be an ONS sub-ICB code (E38…)'),
  sub_icb_name: text,
  icb_code: z.string().regex(/^Q[A-Z0-9]{2}$/, 'must be an ODS ICB code (Q…)'),
  icb_ons_code: z.string().regex(/^E54\d{6}$/, 'must be an ONS ICB code (E54…)'),
  icb_name: text,
  region_code: text,
  region_ons_code: z.string().regex(/^E40\d{6}$/, 'must be an ONS region code (E40…)'),
  region_name: text,
  list_size: integer(0, 1_000_000),
  imd2019_practice_score: optionalNumber(0, 100),
});

/** A row of the age profile: registered patients by broad age band for a practice (GP) or PCN. */
export const AgeProfileRow = z.object({
  org_type: z.enum(['GP', 'PCN'], { error: 'must be GP or PCN' }),
  org_code: text,
  list_size: integer(0, 2_000_000),
  pct_65plus: percent,
  pct_75plus: percent,
  pct_85plus: percent,
});

/** A row of the PCN workforce file: FTE and headcount of personalised-care roles in one PCN. */
export const WorkforceRow = z.object({
  pcn_code: z.string().regex(/^U\d{5}$/, 'must be a PCN code like U12345'),
  splw_fte: number(0, 500),
  splw_headcount: integer(0, 500),
  splw_mh_fte: number(0, 500),
  splw_mh_headcount: integer(0, 500),
  care_coordinator_fte: number(0, 500),
  care_coordinator_headcount: integer(0, 500),
  health_wellbeing_coach_fte: number(0, 500),
  health_wellbeing_coach_headcount: integer(0, 500),
  all_staff_fte: number(0, 5000),
  all_staff_headcount: integer(0, 5000),
});

/** A row of lsoa21_need_england: an LSOA's geography, IMD 2025 and Census 2021 indicators. */
export const LsoaNeedRow = z.object({
  lsoa21_code: z.string().regex(/^E01\d{6}$/, 'must be an English LSOA code (E01…)'),
  lsoa21_name: text,
  lat: number(...LAT),
  lng: number(...LNG),
  lad24_code: text,
  lad24_name: text,
  sub_icb24_code_nhs: text,
  icb24_code_nhs: text,
  imd2025_imd_score: number(0, 100),
  imd2025_imd_decile: integer(1, 10),
  imd2025_imd_rank: integer(1, 40_000),
  imd2025_income_score: number(0, 1),
  imd2025_employment_score: number(0, 1),
  imd2025_education_score: number(0, 100),
  imd2025_health_score: number(-10, 10),
  imd2025_housing_and_services_score: number(0, 100),
  census21_residents: integer(0, 100_000),
  census21_households: integer(0, 50_000),
  pct_asian: percent,
  pct_black: percent,
  pct_mixed: percent,
  pct_white: percent,
  pct_other_ethnic: percent,
  pct_disabled: percent,
  pct_households_deprived_2plus_dims: percent,
  ruc21_urban_rural: z.enum(['Urban', 'Rural'], { error: 'must be Urban or Rural' }),
});

/** A row of a postcode sector or district centroid file. */
export const PostcodeAreaRow = z.object({
  lat: number(...LAT),
  lng: number(...LNG),
});

/** LSOA indicators stored in area_indicators: indicator name → [column, period kind]. */
export const LSOA_INDICATORS: Record<string, [keyof z.output<typeof LsoaNeedRow>, 'imd' | 'census']> = {
  imd2025_score: ['imd2025_imd_score', 'imd'],
  imd2025_decile: ['imd2025_imd_decile', 'imd'],
  imd2025_rank: ['imd2025_imd_rank', 'imd'],
  imd2025_income_score: ['imd2025_income_score', 'imd'],
  imd2025_employment_score: ['imd2025_employment_score', 'imd'],
  imd2025_education_score: ['imd2025_education_score', 'imd'],
  imd2025_health_score: ['imd2025_health_score', 'imd'],
  imd2025_housing_score: ['imd2025_housing_and_services_score', 'imd'],
  residents: ['census21_residents', 'census'],
  households: ['census21_households', 'census'],
  pct_asian: ['pct_asian', 'census'],
  pct_black: ['pct_black', 'census'],
  pct_mixed: ['pct_mixed', 'census'],
  pct_white: ['pct_white', 'census'],
  pct_other_ethnic: ['pct_other_ethnic', 'census'],
  pct_disabled: ['pct_disabled', 'census'],
  pct_households_deprived_2plus: ['pct_households_deprived_2plus_dims', 'census'],
};
