/**
 * The figures the need page can map, sort and compare, as data: add a gap score, VCSE supply or a flag by adding an
 * entry here (and, if it is new, a field to PcnFigures) — the select, legend, tooltip, table and profile follow.
 */
import type { AreaIndicatorKey, AreaProfileDto, PcnFeatureProperties } from '../api/areas';
import type { GapRowDto } from '../api/gaps';
import { formatCount, formatPercent, formatRate, formatScore, formatSigned } from './format';

/** Figures of the gap analysis (GET /api/gaps/pcns), merged into a PCN's figures by code; absent until it loads. */
export type GapFigureKey = 'gap_score' | 'vcse_per_10k' | 'referrals_per_10k' | 'unmet_need_per_10k';

/**
 * The flat figures of one PCN that indicators read: the need index, every profile indicator and the gap figures
 * (null or absent = no data).
 */
export type PcnFigures = { needIndex: number | null } & Record<AreaIndicatorKey, number | null> &
  Partial<Record<GapFigureKey, number | null>>;

/** Which question an indicator answers, used to group the select. */
export type IndicatorGroup = 'Gap' | 'Need' | 'Population' | 'Resource' | 'Demand';

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
  /** Draw a small bar beside the number in the table, so the eye can compare rows. Default false. */
  hasBar?: boolean;
}

const indicator = (key: AreaIndicatorKey | GapFigureKey) => (figures: PcnFigures) => figures[key] ?? null;

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
    hasBar: true,
  },
  {
    key: 'gap_score',
    label: 'Gap score: need against link workers and VCSE supply',
    shortLabel: 'Gap score',
    description:
      'Standardised need minus standardised resource (link workers and capacity-weighted VCSE services, half each), over England’s PCNs: positive means more need than resource. PCNs without a workforce return have no score.',
    group: 'Gap',
    value: indicator('gap_score'),
    format: formatSigned,
    inProfile: false,
    hasBar: true,
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
    hasBar: true,
  },
  {
    key: 'vcse_per_10k',
    label: 'VCSE supply (capacity-weighted services per 10,000 residents)',
    shortLabel: 'VCSE supply per 10k',
    description:
      'Community services reachable from the catchment, each weighted by its capacity (accepting 1, limited 0.75, waiting list 0.5, not accepting 0; half when not re-confirmed), per 10,000 residents; of the chosen category when one is chosen.',
    group: 'Resource',
    value: indicator('vcse_per_10k'),
    format: formatRate,
    inProfile: false,
    hasBar: true,
  },
  {
    key: 'referrals_per_10k',
    label: 'Referrals recorded (per 10,000 patients, last 90 days)',
    shortLabel: 'Referrals per 10k',
    description: 'Referrals link workers recorded in Signpost in the last 90 days, per 10,000 registered patients.',
    group: 'Demand',
    value: indicator('referrals_per_10k'),
    format: formatRate,
    inProfile: false,
    hasBar: true,
  },
  {
    key: 'unmet_need_per_10k',
    label: 'Unmet need: “nothing suitable” records (per 10,000 patients, last 90 days)',
    shortLabel: 'Unmet need per 10k',
    description:
      'Reasoned “nothing suitable found” records link workers made in the last 90 days, per 10,000 registered patients.',
    group: 'Demand',
    value: indicator('unmet_need_per_10k'),
    format: formatRate,
    inProfile: false,
    hasBar: true,
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

/** The gap figures of a PCN from its gap-analysis row. */
export function figuresOfGapRow(row: GapRowDto): Partial<Record<GapFigureKey, number | null>> {
  return {
    gap_score: row.gap.score,
    vcse_per_10k: row.vcse.per10k,
    referrals_per_10k: row.demand.referralsPer10k,
    unmet_need_per_10k: row.demand.unmetNeedPer10k,
  };
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
