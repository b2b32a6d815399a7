/**
 * The figures the need page can map, sort and compare, as data: add a gap score, VCSE supply or a flag by adding an
 * entry here (and, if it is new, a field to PcnFigures) — the select, legend, tooltip, table and profile follow.
 */
import type { AreaIndicatorKey, AreaProfileDto, PcnFeatureProperties } from '../api/areas';
import { formatCount, formatPercent, formatRate, formatScore, formatSigned } from './format';

/** The flat figures of one PCN that indicators read: the need index and every profile indicator (null = no data). */
export type PcnFigures = { needIndex: number | null } & Record<AreaIndicatorKey, number | null>;

/** Which question an indicator answers, used to group the select. */
export type IndicatorGroup = 'Need' | 'Population' | 'Resource';

/** One mappable figure. */
export interface IndicatorDefinition {
  /** Stable key used in the URL (`indicator=` and `sort=`), e.g. `need` or `imd2025_score`. */
  key: string;
  /** Full label for the select, legend title and profile, e.g. "Deprivation: IMD 2025 average score". */
  label: string;
  /** Short label for table headers and tooltips, e.g. "IMD 2025". */
  shortLabel: string;
  /** One sentence saying what the figure is and where it comes from, shown under the legend. */
  description: string;
  /** Select group. */
  group: IndicatorGroup;
  /** Reads the figure from a PCN's figures; null when missing. */
  value: (figures: PcnFigures) => number | null;
  /** Formats a (present) value for display. */
  format: (value: number) => string;
  /** Property of the same figure, in the same units, on LSOA features (for the LSOA detail layer); absent when LSOAs have none. */
  lsoaProperty?: string;
  /** Part of the profile's "compared with averages" table. Default true. */
  inProfile?: boolean;
}

const indicator = (key: AreaIndicatorKey) => (figures: PcnFigures) => figures[key] ?? null;

/** Every indicator, in select and table order; the first is the default. */
export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    key: 'need',
    label: 'Need index',
    shortLabel: 'Need index',
    description:
      'Weighted mix of deprivation, disability, age 65+, household deprivation, ethnicity and rurality, standardised across England: 0 is the average PCN, +1 is one standard deviation more need.',
    group: 'Need',
    value: (figures) => figures.needIndex,
    format: formatSigned,
    inProfile: false,
  },
  {
    key: 'imd2025_score',
    label: 'Deprivation: IMD 2025 average score',
    shortLabel: 'IMD 2025',
    description:
      'English Indices of Deprivation 2025 score, averaged over the catchment’s residents; higher is more deprived.',
    group: 'Need',
    value: indicator('imd2025_score'),
    format: formatScore,
    lsoaProperty: 'imd2025_score',
  },
  {
    key: 'pct_households_deprived_2plus',
    label: '% households deprived in 2 or more dimensions',
    shortLabel: '% households deprived',
    description: 'Census 2021: households deprived in at least two of employment, education, health and housing.',
    group: 'Need',
    value: indicator('pct_households_deprived_2plus'),
    format: formatPercent,
    lsoaProperty: 'pct_households_deprived_2plus',
  },
  {
    key: 'pct_disabled',
    label: '% disabled (Equality Act)',
    shortLabel: '% disabled',
    description: 'Census 2021: residents disabled under the Equality Act.',
    group: 'Need',
    value: indicator('pct_disabled'),
    format: formatPercent,
    lsoaProperty: 'pct_disabled',
  },
  {
    key: 'pct_65plus',
    label: '% registered patients aged 65 and over',
    shortLabel: '% aged 65+',
    description: 'Patients registered at the PCN’s practices aged 65 or over (NHS England, December 2025).',
    group: 'Population',
    value: indicator('pct_65plus'),
    format: formatPercent,
  },
  {
    key: 'pct_black',
    label: '% Black, Black British, Caribbean or African',
    shortLabel: '% Black',
    description: 'Census 2021: residents of the catchment by ethnic group.',
    group: 'Population',
    value: indicator('pct_black'),
    format: formatPercent,
    lsoaProperty: 'pct_black',
  },
  {
    key: 'pct_asian',
    label: '% Asian or Asian British',
    shortLabel: '% Asian',
    description: 'Census 2021: residents of the catchment by ethnic group.',
    group: 'Population',
    value: indicator('pct_asian'),
    format: formatPercent,
    lsoaProperty: 'pct_asian',
  },
  {
    key: 'pct_rural',
    label: '% living in rural areas',
    shortLabel: '% rural',
    description: 'Census 2021 rural-urban classification: residents living in rural LSOAs.',
    group: 'Population',
    value: indicator('pct_rural'),
    format: formatPercent,
    lsoaProperty: 'pct_rural',
  },
  {
    key: 'splw_fte_per_10k',
    label: 'Social prescribing link workers (FTE per 10,000 patients)',
    shortLabel: 'Link workers per 10k',
    description:
      'Full-time equivalent social prescribing link workers per 10,000 registered patients (PCN workforce, November 2025). PCNs that sent no return show “no data”.',
    group: 'Resource',
    value: indicator('splw_fte_per_10k'),
    format: formatRate,
  },
  {
    key: 'personalised_care_fte_per_10k',
    label: 'Personalised care staff (FTE per 10,000 patients)',
    shortLabel: 'Personalised care per 10k',
    description:
      'Link workers, care coordinators and health and wellbeing coaches, full-time equivalent per 10,000 registered patients (November 2025).',
    group: 'Resource',
    value: indicator('personalised_care_fte_per_10k'),
    format: formatRate,
  },
  {
    key: 'population',
    label: 'Residents in the catchment',
    shortLabel: 'Residents',
    description: 'Census 2021 usual residents of the LSOAs in the approximate catchment.',
    group: 'Population',
    value: indicator('population'),
    format: formatCount,
  },
  {
    key: 'list_size',
    label: 'Registered patients (list size)',
    shortLabel: 'Patients',
    description: 'Patients registered at the PCN’s practices (NHS England, December 2025).',
    group: 'Population',
    value: indicator('list_size'),
    format: formatCount,
  },
];

/** The default indicator (the need index). */
export const DEFAULT_INDICATOR: IndicatorDefinition = INDICATORS[0]!;

/** Finds an indicator by key, or undefined. */
export function findIndicator(key: string | null | undefined): IndicatorDefinition | undefined {
  return INDICATORS.find((i) => i.key === key);
}

/** The figures of a PCN from its list profile. */
export function figuresOfProfile(profile: AreaProfileDto): PcnFigures {
  return { needIndex: profile.need.index, ...profile.indicators };
}

/** The figures of a PCN from its catchment feature's properties (absent indicators are missing). */
export function figuresOfFeature(properties: PcnFeatureProperties): PcnFigures {
  const figures = { needIndex: properties.needIndex ?? null } as PcnFigures;
  for (const key of Object.keys(properties) as (keyof PcnFeatureProperties)[]) {
    const value = properties[key];
    if (typeof value === 'number') (figures as Record<string, number | null>)[key] = value;
  }
  return figures;
}
