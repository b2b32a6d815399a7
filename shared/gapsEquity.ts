/** The equity view and provision-at-risk layer of the gap analysis (docs/gaps.md "Equity"): shared types and rule. */

/** A PCN counts as having a high % Black or % Asian population when it is in England's top fifth on either. */
export const EQUITY_HIGH_FRACTION = 0.2;

/** One PCN of the equity view. Missing figures are null, never 0. */
export interface EquityRow {
  code: string;
  name: string;
  icbCode: string;
  icbName: string;
  population: number | null;
  pctBlack: number | null;
  pctAsian: number | null;
  /** In England's top fifth of PCNs by % Black (rank ≤ ceil(n × 0.2) among PCNs with the figure). */
  highBlack: boolean;
  highAsian: boolean;
  /** Services reachable in person (the gap analysis's reach). */
  services: number;
  /** Of those, services listing a language other than English. */
  languageServices: number;
  /** languageServices per 10,000 residents (null without a population). */
  languageServicesPer10k: number | null;
  /** Remote (online/phone, area covered) services listing a language other than English. */
  remoteLanguageServices: number;
  /** Non-English languages offered in person, most services first. */
  languages: { code: string; name: string; services: number }[];
}

export interface EquityResponse {
  meta: { reachKm: number; highFraction: number; thresholds: { pctBlack: number | null; pctAsian: number | null } };
  rows: EquityRow[];
}

/** A service location whose funding ends within the at-risk window. */
export interface AtRiskPoint {
  serviceId: string;
  name: string;
  organizationName: string;
  fundingEndsOn: string;
  lng: number;
  lat: number;
  pcnCodes: string[];
}

export interface AtRiskResponse {
  meta: { months: number; until: string; reachKm: number };
  points: AtRiskPoint[];
}

/**
 * The smallest value that is still in the top `fraction` of `values` (rank ≤ ceil(n × fraction), ties included);
 * null when there are no values.
 */
export function topFractionThreshold(values: readonly number[], fraction = EQUITY_HIGH_FRACTION): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => b - a);
  return sorted[Math.max(1, Math.ceil(sorted.length * fraction)) - 1]!;
}
