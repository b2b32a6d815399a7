/**
 * Demand signals (referrals and reasoned "nothing suitable" records per 10,000) — a pluggable component. The tables
 * they come from belong to the search feature, which is not part of this branch: until it is wired in, the default
 * source reports every figure as missing (null), never zero.
 */
import type { Db } from '../../db';

/** Demand figures of one PCN; null = missing. */
export interface DemandSignals {
  /** Referrals recorded by link workers per 10,000 registered patients. */
  referralsPer10k: number | null;
  /** Reasoned "nothing suitable" (unmet need) records per 10,000 registered patients. */
  unmetNeedPer10k: number | null;
  /** Period the figures cover, e.g. "last 90 days"; null when not available. */
  period: string | null;
}

/** Where demand figures come from: PCN code → figures (absent PCN = missing). */
export interface DemandSignalSource {
  /** Whether the source has real data. */
  readonly available: boolean;
  /** Figures for every PCN it knows. */
  load(db: Db): Promise<Map<string, DemandSignals>>;
}

/** The placeholder source: no data, every PCN missing. */
export const noDemandSignals: DemandSignalSource = {
  available: false,
  load: async () => new Map(),
};

/** The figures of a PCN from a loaded map, missing when absent. */
export const demandOf = (map: Map<string, DemandSignals>, pcn: string): DemandSignals =>
  map.get(pcn) ?? { referralsPer10k: null, unmetNeedPer10k: null, period: null };
