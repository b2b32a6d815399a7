/**
 * Demand signals of the gap analysis: referrals and reasoned "nothing suitable" (unmet need) records per 10,000
 * registered patients, counted against the recording link worker's PCN over a recent window. The counts come from
 * the demand feature's front door; a source is pluggable (tests and deployments without demand data pass
 * `noDemandSignals`, which reports every figure as missing, never zero).
 */
import type { Db } from '../../db';
import { demandCountsByPcn } from '../demand';

/** Days of demand records the gap analysis counts. */
export const DEMAND_WINDOW_DAYS = 90;

/** Demand figures of one PCN; null = missing. */
export interface DemandSignals {
  /** Referrals recorded by link workers per 10,000 registered patients. */
  referralsPer10k: number | null;
  /** Reasoned "nothing suitable" (unmet need) records per 10,000 registered patients. */
  unmetNeedPer10k: number | null;
  /** Period the figures cover, e.g. "last 90 days"; null when not available. */
  period: string | null;
}

/** Raw counts of one PCN over the source's period. */
export interface DemandCounts {
  referrals: number;
  unmetNeeds: number;
}

/** Where demand figures come from: PCN code → counts over `period` (absent PCN = no records). */
export interface DemandSignalSource {
  /** Whether the source has real data. */
  readonly available: boolean;
  /** The period the counts cover, e.g. "last 90 days". */
  readonly period: string | null;
  /** Counts for every PCN with at least one record. */
  load(db: Db): Promise<Map<string, DemandCounts>>;
}

/** No data: every PCN missing. */
export const noDemandSignals: DemandSignalSource = {
  available: false,
  period: null,
  load: async () => new Map(),
};

/** Referrals and unmet need recorded in Signpost in the last `days` days (the default source). */
export const recordedDemandSignals = (days = DEMAND_WINDOW_DAYS): DemandSignalSource => ({
  available: true,
  period: `last ${days} days`,
  load: (db) => demandCountsByPcn(db, days),
});

/**
 * The figures of a PCN: missing when the source has no data or the PCN's population is unknown; otherwise its counts
 * (zero when it has no records) per 10,000 of `population`.
 */
export function demandOf(
  source: DemandSignalSource,
  counts: Map<string, DemandCounts>,
  pcn: string,
  population: number | null,
): DemandSignals {
  if (!source.available || population === null || population <= 0) {
    return { referralsPer10k: null, unmetNeedPer10k: null, period: source.period };
  }
  const c = counts.get(pcn) ?? { referrals: 0, unmetNeeds: 0 };
  return {
    referralsPer10k: (c.referrals / population) * 10_000,
    unmetNeedPer10k: (c.unmetNeeds / population) * 10_000,
    period: source.period,
  };
}
