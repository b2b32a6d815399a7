/** Equity view and provision-at-risk layer of the gap analysis (docs/gaps.md "Equity", "Provision at risk"). */
import type { Db } from '../../db';
import { notFound } from '../../errors';
import { per10k } from '../../../shared/gaps';
import {
  EQUITY_HIGH_FRACTION,
  topFractionThreshold,
  type AtRiskResponse,
  type EquityResponse,
  type EquityRow,
} from '../../../shared/gapsEquity';
import { AT_RISK_MONTHS, DEFAULT_REACH_KM } from './domain';
import * as repo from './repository';

async function icbOf(db: Db, icb?: string): Promise<string | undefined> {
  if (!icb) return undefined;
  const code = await repo.resolveIcb(db, icb);
  if (!code) throw notFound(`ICB ${icb}`);
  return code;
}

/** Per PCN (of one ICB, or England): % Black, % Asian and reachable services offering a non-English language. */
export async function listEquity({
  db,
  icb,
  reachKm = DEFAULT_REACH_KM,
  staleDays,
}: {
  db: Db;
  icb?: string;
  reachKm?: number;
  staleDays: number;
}): Promise<EquityResponse> {
  const code = await icbOf(db, icb);
  const { pcns, counts } = await db.transaction(async (tx) => {
    await repo.disableJit(tx);
    return {
      pcns: await repo.listPcnInputs(tx),
      counts: await repo.countLanguageSupply(tx, staleDays, reachKm),
    };
  });
  const present = (k: string) =>
    pcns.map((p) => p.indicators[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const thresholds = {
    pctBlack: topFractionThreshold(present('pct_black')),
    pctAsian: topFractionThreshold(present('pct_asian')),
  };
  const byPcn = new Map(counts.map((c) => [c.pcn_code, c]));
  const rows: EquityRow[] = pcns
    .filter((p) => !code || p.icb_code === code)
    .map((p) => {
      const c = byPcn.get(p.code);
      const population = p.indicators.population ?? null;
      const pctBlack = p.indicators.pct_black ?? null;
      const pctAsian = p.indicators.pct_asian ?? null;
      const languageServices = c?.language_services ?? 0;
      return {
        code: p.code,
        name: p.name,
        icbCode: p.icb_code,
        icbName: p.icb_name,
        population,
        pctBlack,
        pctAsian,
        highBlack: pctBlack !== null && thresholds.pctBlack !== null && pctBlack >= thresholds.pctBlack,
        highAsian: pctAsian !== null && thresholds.pctAsian !== null && pctAsian >= thresholds.pctAsian,
        services: c?.services ?? 0,
        languageServices,
        languageServicesPer10k: per10k(languageServices, population),
        remoteLanguageServices: c?.remote_language_services ?? 0,
        languages: c?.languages ?? [],
      };
    });
  const combined = (r: EquityRow) => (r.pctBlack ?? 0) + (r.pctAsian ?? 0);
  rows.sort((a, b) => combined(b) - combined(a) || a.code.localeCompare(b.code));
  return { meta: { reachKm, highFraction: EQUITY_HIGH_FRACTION, thresholds }, rows };
}

/** Locations of services reachable from the PCNs (of one ICB, or England) whose funding ends within six months. */
export async function listAtRisk({
  db,
  icb,
  reachKm = DEFAULT_REACH_KM,
  staleDays,
  now = new Date(),
}: {
  db: Db;
  icb?: string;
  reachKm?: number;
  staleDays: number;
  now?: Date;
}): Promise<AtRiskResponse> {
  const code = await icbOf(db, icb);
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() + AT_RISK_MONTHS);
  const until = limit.toISOString().slice(0, 10);
  const rows = await db.transaction(async (tx) => {
    await repo.disableJit(tx);
    return repo.listAtRiskPoints(tx, staleDays, reachKm, until, code);
  });
  return {
    meta: { months: AT_RISK_MONTHS, until, reachKm },
    points: rows.map((r) => ({
      serviceId: r.service_id,
      name: r.name,
      organizationName: r.organization_name,
      fundingEndsOn: r.funding_ends_on,
      lng: Number(r.lng),
      lat: Number(r.lat),
      pcnCodes: r.pcn_codes,
    })),
  };
}
