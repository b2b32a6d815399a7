/** The reference datasets Signpost bundles under data/reference/, their files, periods and sources (see data/README.md). */
import path from 'node:path';

/** Default folder of the bundled reference data. */
export const DEFAULT_DATA_ROOT = path.resolve(__dirname, '..', '..', '..', 'data', 'reference');

/** Files of each dataset, relative to the data root. */
export const FILES = {
  practices: 'practices/gp_practices_pcn_2025-12.csv.gz',
  ageProfile: 'practices/gp_practice_and_pcn_age_profile_2025-12.csv.gz',
  workforce: 'pcn/pcn_workforce_personalised_care_2025-11.csv.gz',
  lsoaNeed: 'need/lsoa21_need_england.csv.gz',
  lsoaBoundaries: 'boundaries/lsoa21_england.geojson.gz',
  icbBoundaries: 'boundaries/icb_2024_from_lsoa21.geojson.gz',
  subIcbBoundaries: 'boundaries/sub_icb_2024_from_lsoa21.geojson.gz',
  postcodes: 'postcodes/uk_postcode_centroids_2025-05.csv.gz',
  sectors: 'postcodes/postcode_sector_centroids.csv.gz',
  districts: 'postcodes/postcode_district_centroids.csv.gz',
} as const;

/** Period and source label of each dataset, stored with every indicator for traceability. */
export const PERIODS = {
  practices: { period: '2025-12', source: 'NHS England, Patients Registered at a GP Practice, Dec 2025' },
  practiceImd: { period: '2019', source: 'OHID Fingertips 93553, practice IMD 2019' },
  ageProfile: { period: '2025-12', source: 'NHS England, registered patients by age, Dec 2025' },
  workforce: { period: '2025-11', source: 'NHS England, PCN Workforce, Nov 2025' },
  imd: { period: '2025', source: 'MHCLG English Indices of Deprivation 2025' },
  census: { period: '2021', source: 'ONS Census 2021' },
  postcodes: { period: '2025-05', source: 'ONS National Statistics Postcode Lookup, May 2025' },
  boundaries: { period: '2024', source: 'ONS, ICB and sub-ICB 2024 built from LSOA 2021' },
  derived: { period: 'derived', source: 'Signpost, derived (docs/catchments.md, docs/need-index.md)' },
} as const;

/** Names of the import steps, in the order they run. */
export const STEPS = [
  'practices',
  'boundaries',
  'lsoas',
  'age_profile',
  'workforce',
  'postcodes',
  'catchments',
  'profiles',
] as const;

/** One import step's name. */
export type StepName = (typeof STEPS)[number];
