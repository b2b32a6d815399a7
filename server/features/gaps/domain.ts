/**
 * Rules of the gaps feature: the England-wide gap analysis (need against link workers and VCSE supply per PCN, with
 * roll-ups), PCN gap profiles, under-served flags and suggested flags. Plain data in and out. Method: docs/gaps.md.
 */
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { schema, type Db } from '../../db';
import { badField, conflict, forbidden, notFound } from '../../errors';
import { recordAudit, requireRole, type Actor } from '../accounts';
import { needComponents } from '../areas';
import { computeNeedIndex, NEED_COMPONENT_LABELS, type NeedComponent } from '../../../shared/need';
import {
  CAPACITY_CLASSES,
  canTransition,
  computeGapScores,
  DEFAULT_SUPPLY_WEIGHTS,
  explainGap,
  FLAG_TRANSITIONS,
  normaliseResourceWeights,
  per10k,
  rankDescending,
  topDecile,
  weightedSupply,
  type FlagStatus,
  type ResourceWeights,
  type SupplyCount,
  type SupplyWeights,
} from '../../../shared/gaps';
import type { GapListOptions } from '../../../shared/schemas/gaps';
import { unmetNeedReasonsForPcn } from '../demand';
import { UNMET_NEED_REASON_LABELS, type UnmetNeedReason } from '../../../shared/schemas/demand';
import {
  DEMAND_WINDOW_DAYS,
  demandOf,
  recordedDemandSignals,
  type DemandSignalSource,
  type DemandSignals,
} from './demand';
import * as repo from './repository';
import { gapCsv, gapGeoJson, presentFlag, presentFlagEvent, type FlagDto } from './presenter';

/** Default distance from a catchment's population-weighted centre within which a service counts as reachable, km. */
export const DEFAULT_REACH_KM = 3;

/** Funding ending within this many months puts provision at risk. */
export const AT_RISK_MONTHS = 6;

/** Everything the analysis depends on besides the data. */
export interface GapOptions {
  reachKm: number;
  supplyWeights: SupplyWeights;
  resourceWeights: ResourceWeights;
  category?: string;
  /** Days after which capacity counts as unconfirmed (CAPACITY_STALE_DAYS). */
  staleDays: number;
}

/** Builds analysis options from a parsed query. */
export function optionsFrom(q: Partial<GapListOptions>, staleDays: number): GapOptions {
  const d = DEFAULT_SUPPLY_WEIGHTS.status;
  return {
    reachKm: q.reachKm ?? DEFAULT_REACH_KM,
    supplyWeights: {
      status: {
        accepting: q.w_accepting ?? d.accepting,
        limited: q.w_limited ?? d.limited,
        waitlist: q.w_waitlist ?? d.waitlist,
        not_accepting: q.w_not_accepting ?? d.not_accepting,
        unset: q.w_unset ?? d.unset,
      },
      unconfirmed: q.unconfirmed ?? DEFAULT_SUPPLY_WEIGHTS.unconfirmed,
    },
    resourceWeights: normaliseResourceWeights({ linkWorkers: q.lwWeight, vcse: q.vcseWeight }),
    category: q.category,
    staleDays,
  };
}

/** Raw inputs of the analysis, cached per reference version, directory state and reach. */
interface RawInputs {
  pcns: repo.PcnInputRow[];
  supply: repo.SupplyRow[];
  periods: { dataset: string; period: string; imported_at: string }[];
  categories: { code: string; name: string }[];
}

/**
 * Caches the raw inputs (the expensive spatial part) per reference version, directory stamp, reach and freshness
 * window, for at most a minute (capacity freshness moves with the clock). Weights are applied afterwards, cheaply.
 */
export class GapCache {
  private entries = new Map<string, { at: number; value: Promise<RawInputs> }>();
  constructor(private readonly ttlMs = 60_000) {}

  async get(db: Db, reachKm: number, staleDays: number): Promise<RawInputs> {
    const key = [await repo.referenceVersion(db), await repo.directoryStamp(db), reachKm, staleDays].join('|');
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    // One transaction: a consistent read, and JIT off (the spatial joins' cost estimates make PostgreSQL spend
    // seconds compiling a query that runs in a fraction of that).
    const value = db.transaction(async (tx) => {
      await repo.disableJit(tx);
      return {
        pcns: await repo.listPcnInputs(tx),
        supply: await repo.countSupply(tx, staleDays, reachKm),
        periods: await repo.listDatasetPeriods(tx),
        categories: await repo.listCategories(tx),
      };
    });
    value.catch(() => this.entries.delete(key));
    this.entries.clear();
    this.entries.set(key, { at: now, value });
    return value;
  }
}

/** Supply of one PCN: number of services, capacity-weighted number and per 10,000 population. */
export interface SupplyFigures {
  services: number;
  weighted: number;
  per10k: number | null;
}

/** One PCN row of the gap analysis. */
export interface GapRow {
  code: string;
  name: string;
  icbCode: string;
  icbName: string;
  subIcbCode: string | null;
  subIcbName: string | null;
  regionCode: string | null;
  regionName: string | null;
  /** Catchment residents (Census 2021) and registered patients (Dec 2025); null when missing. */
  population: number | null;
  listSize: number | null;
  need: {
    index: number | null;
    z: number | null;
    values: Record<NeedComponent, number | null>;
    contributions: Record<NeedComponent, number | null>;
  };
  linkWorkers: {
    splwFte: number | null;
    splwFtePer10k: number | null;
    personalisedCareFtePer10k: number | null;
    z: number | null;
  };
  vcse: SupplyFigures & {
    /** The category the supply is restricted to, or null for all services. */
    category: string | null;
    z: number | null;
    byCategory: Record<string, SupplyFigures>;
    /** Online or phone services whose service areas cover the PCN (not reachable in person); not in the gap score. */
    remote: SupplyFigures;
  };
  demand: DemandSignals & { available: boolean };
  gap: {
    score: number | null;
    resource: number | null;
    rank: number | null;
    icbRank: number | null;
    topDecileInIcb: boolean;
    contributions: { need: number | null; linkWorkers: number | null; vcse: number | null };
    drivers: ReturnType<typeof explainGap>['drivers'];
    summary: string;
  };
}

/** The analysis of every PCN in England, with the inputs' periods and the options used. */
export interface GapAnalysis {
  meta: {
    method: string;
    computedAt: string;
    reachKm: number;
    supplyWeights: SupplyWeights;
    resourceWeights: ResourceWeights;
    staleDays: number;
    category: string | null;
    periods: Record<string, string>;
    demandSignals: string;
  };
  rows: GapRow[];
}

const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v);

function supplyFigures(counts: SupplyCount[], population: number | null, w: SupplyWeights): SupplyFigures {
  const weighted = weightedSupply(counts, w);
  return {
    services: counts.reduce((s, c) => s + c.n, 0),
    weighted,
    per10k: per10k(population === null ? null : weighted, population),
  };
}

/** Computes the gap analysis of all of England's PCNs (z-scores always over England), in a few set-based queries. */
export async function analyse({
  db,
  cache,
  options,
  demand = recordedDemandSignals(),
}: {
  db: Db;
  cache: GapCache;
  options: GapOptions;
  demand?: DemandSignalSource;
}): Promise<GapAnalysis> {
  const raw = await cache.get(db, options.reachKm, options.staleDays);
  const demandMap = await demand.load(db);
  // Supply counts by PCN → mode → category ('' = overall).
  const counts = new Map<string, SupplyCount[]>();
  for (const r of raw.supply) {
    const key = `${r.pcn_code}|${r.mode}|${r.category ?? ''}`;
    const list = counts.get(key) ?? [];
    list.push({ cls: r.cls, confirmed: r.confirmed, n: r.n });
    counts.set(key, list);
  }
  const categoriesPresent = new Set(raw.supply.map((r) => r.category).filter((c): c is string => c !== null));
  const needScores = computeNeedIndex(Object.fromEntries(raw.pcns.map((p) => [p.code, needComponents(p.indicators)])));
  const partial = raw.pcns.map((p) => {
    const population = num(p.indicators.population);
    const supplyOf = (mode: string, category = '') =>
      supplyFigures(counts.get(`${p.code}|${mode}|${category}`) ?? [], population, options.supplyWeights);
    const overall = supplyOf('in_person', options.category ?? '');
    const byCategory = Object.fromEntries(
      [...categoriesPresent].sort().map((c) => [c, supplyOf('in_person', c)]),
    ) as Record<string, SupplyFigures>;
    return { p, population, overall, byCategory, remote: supplyOf('remote', options.category ?? '') };
  });
  const scores = computeGapScores(
    Object.fromEntries(
      partial.map(({ p, overall }) => [
        p.code,
        {
          needIndex: needScores[p.code]?.index ?? null,
          linkWorkersPer10k: num(p.indicators.splw_fte_per_10k),
          vcsePer10k: overall.per10k,
        },
      ]),
    ),
    options.resourceWeights,
  );
  const gaps = Object.fromEntries(Object.entries(scores).map(([c, s]) => [c, s.gap]));
  const rank = rankDescending(gaps);
  const icbRank: Record<string, number | null> = {};
  const topInIcb = new Set<string>();
  for (const icb of new Set(raw.pcns.map((p) => p.icb_code))) {
    const inIcb = Object.fromEntries(raw.pcns.filter((p) => p.icb_code === icb).map((p) => [p.code, gaps[p.code]!]));
    Object.assign(icbRank, rankDescending(inIcb));
    for (const c of topDecile(inIcb)) topInIcb.add(c);
  }
  const rows: GapRow[] = partial.map(({ p, population, overall, byCategory, remote }) => {
    const need = needScores[p.code]!;
    const score = scores[p.code]!;
    const needDrivers = (Object.entries(need.contributions) as [NeedComponent, number | null][])
      .filter((e): e is [NeedComponent, number] => e[1] !== null && e[1] > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 2)
      .map(([k]) => NEED_COMPONENT_LABELS[k]);
    const explanation = explainGap(score, score.needZ !== null && score.needZ > 0 ? needDrivers : []);
    return {
      code: p.code,
      name: p.name,
      icbCode: p.icb_code,
      icbName: p.icb_name,
      subIcbCode: p.sub_icb_code,
      subIcbName: p.sub_icb_name,
      regionCode: p.region_code,
      regionName: p.region_name,
      population,
      listSize: num(p.indicators.list_size),
      need: {
        index: need.index,
        z: score.needZ,
        values: needComponents(p.indicators) as Record<NeedComponent, number | null>,
        contributions: need.contributions,
      },
      linkWorkers: {
        splwFte: num(p.indicators.splw_fte),
        splwFtePer10k: num(p.indicators.splw_fte_per_10k),
        personalisedCareFtePer10k: num(p.indicators.personalised_care_fte_per_10k),
        z: score.linkWorkersZ,
      },
      vcse: { ...overall, category: options.category ?? null, z: score.vcseZ, byCategory, remote },
      demand: { ...demandOf(demand, demandMap, p.code, population), available: demand.available },
      gap: {
        score: score.gap,
        resource: score.resource,
        rank: rank[p.code] ?? null,
        icbRank: icbRank[p.code] ?? null,
        topDecileInIcb: topInIcb.has(p.code),
        contributions: score.contributions,
        drivers: explanation.drivers,
        summary: explanation.summary,
      },
    };
  });
  const periods: Record<string, string> = {};
  for (const d of raw.periods) periods[d.dataset] = d.period;
  return {
    meta: {
      method: 'docs/gaps.md',
      computedAt: new Date().toISOString(),
      reachKm: options.reachKm,
      supplyWeights: options.supplyWeights,
      resourceWeights: options.resourceWeights,
      staleDays: options.staleDays,
      category: options.category ?? null,
      periods,
      demandSignals: demand.available
        ? `referrals and unmet need recorded by link workers (${demand.period}) per 10,000 population`
        : 'not available: shown as missing',
    },
    rows,
  };
}

async function checkFilters(db: Db, icb?: string, category?: string): Promise<string | undefined> {
  if (category && !(await repo.categoryExists(db, category)))
    throw badField('category', 'is not a top-level taxonomy category');
  if (!icb) return undefined;
  const code = await repo.resolveIcb(db, icb);
  if (!code) throw notFound(`ICB ${icb}`);
  return code;
}

/** The analysis rows of England or one ICB (ranks and z-scores stay national). */
export async function listPcnGaps({
  db,
  cache,
  query,
  staleDays,
}: {
  db: Db;
  cache: GapCache;
  query: GapListOptions;
  staleDays: number;
}): Promise<GapAnalysis> {
  const icb = await checkFilters(db, query.icb, query.category);
  const analysis = await analyse({ db, cache, options: optionsFrom(query, staleDays) });
  const rows = icb ? analysis.rows.filter((r) => r.icbCode === icb) : analysis.rows;
  rows.sort((a, b) => (a.gap.rank ?? Infinity) - (b.gap.rank ?? Infinity) || a.code.localeCompare(b.code));
  return { meta: analysis.meta, rows };
}

/** Default simplification of catchment polygons in the GeoJSON export, degrees (~100 m), as the areas layer. */
export const GEOJSON_SIMPLIFY = 0.001;

/** The analysis of England or one ICB as GeoJSON catchments (approximate) with gap properties. */
export async function pcnGapGeoJson({
  db,
  cache,
  query,
  staleDays,
}: {
  db: Db;
  cache: GapCache;
  query: GapListOptions;
  staleDays: number;
}): Promise<string> {
  const { rows } = await listPcnGaps({ db, cache, query, staleDays });
  const icb = query.icb ? await repo.resolveIcb(db, query.icb) : undefined;
  return gapGeoJson(await repo.pcnShapes(db, GEOJSON_SIMPLIFY, icb), rows);
}

/** Writes the analysis of England or one ICB as CSV to a file (npm run report:gaps); returns the rows written. */
export async function writeGapReport({
  db,
  query,
  staleDays,
  out,
}: {
  db: Db;
  query: GapListOptions;
  staleDays: number;
  out: string;
}): Promise<{ rows: number; periods: Record<string, string> }> {
  const { rows, meta } = await listPcnGaps({ db, cache: new GapCache(), query, staleDays });
  fs.writeFileSync(out, gapCsv(rows));
  return { rows: rows.length, periods: meta.periods };
}

/** One ICB or sub-ICB roll-up of the PCN analysis. */
export interface GapAreaRow {
  code: string;
  name: string;
  pcnCount: number;
  population: number | null;
  listSize: number | null;
  /** Population-weighted mean of its PCNs' need index. */
  needIndex: number | null;
  /** Σ link-worker FTE ÷ Σ registered patients × 10,000 over its PCNs with a workforce return. */
  splwFtePer10k: number | null;
  /** Σ capacity-weighted supply ÷ Σ population × 10,000 (the population-weighted mean of its PCNs' supply). */
  vcsePer10k: number | null;
  /** Population-weighted mean of its PCNs' gap scores (PCNs with a score). */
  gapScore: number | null;
  /** PCNs with a gap score in the top decile of their ICB. */
  topDecilePcns: number;
}

/** Rolls the PCN analysis up to ICBs or sub-ICBs. */
export async function listAreaGaps({
  db,
  cache,
  query,
  staleDays,
  level,
}: {
  db: Db;
  cache: GapCache;
  query: Omit<GapListOptions, 'icb'>;
  staleDays: number;
  level: 'icb' | 'sub_icb';
}) {
  await checkFilters(db, undefined, query.category);
  const analysis = await analyse({ db, cache, options: optionsFrom(query, staleDays) });
  const groups = new Map<string, GapRow[]>();
  for (const r of analysis.rows) {
    const code = level === 'icb' ? r.icbCode : r.subIcbCode;
    if (!code) continue;
    groups.set(code, [...(groups.get(code) ?? []), r]);
  }
  const weightedMean = (rows: GapRow[], f: (r: GapRow) => number | null) => {
    const present = rows.filter((r) => f(r) !== null && r.population !== null);
    const w = present.reduce((s, r) => s + r.population!, 0);
    return w > 0 ? present.reduce((s, r) => s + f(r)! * r.population!, 0) / w : null;
  };
  const rows: GapAreaRow[] = [...groups.entries()].map(([code, rs]) => {
    const reporting = rs.filter((r) => r.linkWorkers.splwFte !== null && r.listSize !== null);
    const list = reporting.reduce((s, r) => s + r.listSize!, 0);
    const pop = rs.filter((r) => r.population !== null).reduce((s, r) => s + r.population!, 0);
    return {
      code,
      name: level === 'icb' ? rs[0]!.icbName : (rs[0]!.subIcbName ?? code),
      pcnCount: rs.length,
      population: rs.some((r) => r.population !== null) ? pop : null,
      listSize: rs.some((r) => r.listSize !== null) ? rs.reduce((s, r) => s + (r.listSize ?? 0), 0) : null,
      needIndex: weightedMean(rs, (r) => r.need.index),
      splwFtePer10k: reporting.length
        ? per10k(
            reporting.reduce((s, r) => s + r.linkWorkers.splwFte!, 0),
            list,
          )
        : null,
      vcsePer10k: per10k(
        rs.reduce((s, r) => s + r.vcse.weighted, 0),
        pop || null,
      ),
      gapScore: weightedMean(rs, (r) => r.gap.score),
      topDecilePcns: rs.filter((r) => r.gap.topDecileInIcb).length,
    };
  });
  rows.sort((a, b) => (b.gapScore ?? -Infinity) - (a.gapScore ?? -Infinity) || a.code.localeCompare(b.code));
  return { meta: analysis.meta, level, rows };
}

const mean = (xs: (number | null)[]) => {
  const present = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
};

/** The figures compared on a profile: the PCN, its ICB's PCNs and England's PCNs (means of PCN values). */
function comparable(r: GapRow): Record<string, number | null> {
  return {
    needIndex: r.need.index,
    ...r.need.values,
    splwFtePer10k: r.linkWorkers.splwFtePer10k,
    personalisedCareFtePer10k: r.linkWorkers.personalisedCareFtePer10k,
    vcsePer10k: r.vcse.per10k,
    gapScore: r.gap.score,
  };
}

/** The gap profile of one PCN: its row, indicators against its ICB and England, practices, services, provision at risk. */
export async function getPcnGapProfile({
  db,
  cache,
  code,
  query,
  staleDays,
  actor = null,
  now = new Date(),
}: {
  db: Db;
  cache: GapCache;
  code: string;
  /** The caller; unmet-need reasons are shown only to the PCN's ICB commissioners and admins (as the demand summary). */
  actor?: Actor | null;
  query: Omit<GapListOptions, 'icb'>;
  staleDays: number;
  now?: Date;
}) {
  await checkFilters(db, undefined, query.category);
  const options = optionsFrom(query, staleDays);
  const analysis = await analyse({ db, cache, options });
  const row = analysis.rows.find((r) => r.code === code);
  if (!row) throw notFound(`PCN ${code}`);
  const keys = Object.keys(comparable(row));
  const averages = (rows: GapRow[]) =>
    Object.fromEntries(keys.map((k) => [k, mean(rows.map((r) => comparable(r)[k] ?? null))]));
  const services = await db.transaction(async (tx) => {
    await repo.disableJit(tx);
    return repo.listReachableServices(tx, code, options.staleDays, options.reachKm);
  });
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() + AT_RISK_MONTHS);
  const limitText = limit.toISOString().slice(0, 10);
  const byCategory: Record<string, Record<string, number>> = {};
  for (const s of services.filter((x) => x.mode === 'in_person')) {
    for (const c of s.categories) {
      const key = s.cls === 'unset' ? 'unset' : `${s.cls}${s.confirmed ? '' : '_unconfirmed'}`;
      byCategory[c] ??= {};
      byCategory[c][key] = (byCategory[c][key] ?? 0) + 1;
    }
  }
  return {
    meta: analysis.meta,
    pcn: row,
    comparison: {
      pcn: comparable(row),
      icb: averages(analysis.rows.filter((r) => r.icbCode === row.icbCode)),
      england: averages(analysis.rows),
    },
    practices: (await repo.listPractices(db, code)).map((p) => ({
      code: p.code,
      name: p.name,
      postcode: p.postcode,
      listSize: p.list_size,
    })),
    services: services.map((s) => ({
      id: s.id,
      name: s.name,
      organizationName: s.organization_name,
      mode: s.mode,
      capacity: s.cls,
      confirmed: s.confirmed,
      capacityConfirmedAt: s.capacity_confirmed_at,
      categories: s.categories,
      fundingEndsOn: s.funding_ends_on,
      weight:
        options.supplyWeights.status[s.cls] *
        (s.cls === 'unset' || s.confirmed ? 1 : options.supplyWeights.unconfirmed),
    })),
    servicesByCategory: byCategory,
    capacityClasses: CAPACITY_CLASSES,
    atRisk: services
      .filter((s) => s.funding_ends_on !== null && s.funding_ends_on <= limitText)
      .map((s) => ({
        id: s.id,
        name: s.name,
        organizationName: s.organization_name,
        fundingEndsOn: s.funding_ends_on,
      })),
    atRiskWithinMonths: AT_RISK_MONTHS,
    unmetNeedReasons:
      actor && (actor.role === 'admin' || (actor.role === 'icb_commissioner' && actor.icbCode === row.icbCode))
        ? {
            period: `last ${DEMAND_WINDOW_DAYS} days`,
            reasons: (await unmetNeedReasonsForPcn(db, code, DEMAND_WINDOW_DAYS, now))
              .map((r) => ({ ...r, label: UNMET_NEED_REASON_LABELS[r.reason as UnmetNeedReason] ?? r.reason }))
              .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, 'en-GB')),
          }
        : null,
    capacityTrend: {
      weeks: (
        await repo.capacityTrend(
          db,
          services.filter((s) => s.mode === 'in_person').map((s) => s.id),
          now,
          CAPACITY_TREND_WEEKS,
        )
      ).map((w) => ({
        weekEnding: w.week_ending,
        accepting: w.accepting,
        limited: w.limited,
        waitlist: w.waitlist,
        not_accepting: w.not_accepting,
        unknown: w.unknown,
      })),
    },
  };
}

/** How many week ends the profile's capacity trend covers. */
const CAPACITY_TREND_WEEKS = 8;

// ---------------------------------------------------------------------------------------------------------------
// Flags

/** A commissioner (of an ICB) or an admin; others are refused. */
function flagActor(actor: Actor | undefined): Actor {
  const a = requireRole(actor, 'icb_commissioner', 'admin');
  if (a.role === 'icb_commissioner' && !a.icbCode) throw forbidden('Your account is not linked to an ICB');
  return a;
}

/** The ICB whose flags the actor may see: their own for a commissioner (403 for another), any (or all) for an admin. */
async function scopeIcb(db: Db, a: Actor, icb?: string): Promise<string | undefined> {
  const code = icb ? await repo.resolveIcb(db, icb) : undefined;
  if (icb && !code) throw notFound(`ICB ${icb}`);
  if (a.role === 'admin') return code;
  if (code && code !== a.icbCode) throw forbidden('You can only see flags of your own ICB');
  return a.icbCode!;
}

const canSee = (a: Actor, flag: repo.FlagRow) => a.role === 'admin' || flag.icb_code === a.icbCode;

/** Lists flags the actor may see. */
export async function listFlags({
  db,
  actor,
  filter,
}: {
  db: Db;
  actor: Actor | undefined;
  filter: { icb?: string; status?: string; pcn?: string };
}): Promise<FlagDto[]> {
  const a = flagActor(actor);
  const icb = await scopeIcb(db, a, filter.icb);
  return (await repo.listFlags(db, { ...filter, icb })).map(presentFlag);
}

/** One flag with its history and comments; 404 when the actor may not see it. */
export async function getFlag({ db, actor, id }: { db: Db; actor: Actor | undefined; id: string }) {
  const a = flagActor(actor);
  const flag = await repo.findFlag(db, id);
  if (!flag || !canSee(a, flag)) throw notFound(`Flag ${id}`);
  return { ...presentFlag(flag), history: (await repo.listFlagEvents(db, id)).map(presentFlagEvent) };
}

async function insertFlag(
  tx: Db,
  a: Actor,
  input: { pcnCode: string; icbCode: string; category: string | null; reason: string; evidence: string },
  origin: 'manual' | 'suggestion',
): Promise<string> {
  const [row] = await tx
    .insert(schema.gapFlags)
    .values({ ...input, origin, createdBy: a.userId })
    .returning();
  await tx.insert(schema.gapFlagEvents).values({
    flagId: row!.id,
    kind: 'created',
    toValue: 'open',
    body: input.reason,
    actorUserId: a.userId,
  });
  await recordAudit(tx, {
    actorUserId: a.userId,
    action: 'gap_flag.create',
    entityType: 'gap_flag',
    entityId: row!.id,
    after: { ...input, status: 'open', origin },
  });
  return row!.id;
}

/** A commissioner flags a PCN of their own ICB (optionally one category) as under-served; admins any PCN. */
export async function createFlag({
  db,
  actor,
  body,
}: {
  db: Db;
  actor: Actor | undefined;
  body: { pcnCode: string; category?: string | null; reason: string; evidence: string };
}) {
  const a = flagActor(actor);
  const pcn = await repo.findPcnIcb(db, body.pcnCode);
  if (!pcn) throw badField('pcnCode', 'is not a known PCN');
  if (a.role !== 'admin' && pcn.icb_code !== a.icbCode) throw forbidden('You can only flag PCNs of your own ICB');
  if (body.category && !(await repo.categoryExists(db, body.category)))
    throw badField('category', 'is not a top-level taxonomy category');
  const id = await db.transaction((tx) =>
    insertFlag(
      tx,
      a,
      {
        pcnCode: pcn.code,
        icbCode: pcn.icb_code,
        category: body.category ?? null,
        reason: body.reason,
        evidence: body.evidence,
      },
      'manual',
    ),
  );
  return getFlag({ db, actor: a, id });
}

/** Changes a flag's status (validated transitions) and/or owner; one history entry and audit row per change. */
export async function updateFlag({
  db,
  actor,
  id,
  patch,
}: {
  db: Db;
  actor: Actor | undefined;
  id: string;
  patch: { status?: FlagStatus; ownerId?: string | null };
}) {
  const a = flagActor(actor);
  await db.transaction(async (tx) => {
    const flag = await repo.findFlag(tx, id, true);
    if (!flag || !canSee(a, flag)) throw notFound(`Flag ${id}`);
    const from = flag.status as FlagStatus;
    if (patch.status !== undefined && patch.status !== from && !canTransition(from, patch.status))
      throw badField(
        'status',
        `cannot change from ${from} to ${patch.status}; allowed: ${FLAG_TRANSITIONS[from].join(', ')}`,
      );
    if (patch.ownerId) {
      const owner = await repo.findUser(tx, patch.ownerId);
      const ok =
        owner &&
        owner.status === 'active' &&
        (owner.role === 'admin' || (owner.role === 'icb_commissioner' && owner.icb_code === flag.icb_code));
      if (!ok) throw badField('ownerId', "must be an active commissioner of the flag's ICB or an admin");
    }
    const changes: Partial<typeof schema.gapFlags.$inferInsert> = {};
    if (patch.status !== undefined && patch.status !== from) {
      changes.status = patch.status;
      await tx
        .insert(schema.gapFlagEvents)
        .values({ flagId: id, kind: 'status', fromValue: from, toValue: patch.status, actorUserId: a.userId });
    }
    if (patch.ownerId !== undefined && patch.ownerId !== flag.owner_user_id) {
      changes.ownerUserId = patch.ownerId;
      await tx.insert(schema.gapFlagEvents).values({
        flagId: id,
        kind: 'owner',
        fromValue: flag.owner_user_id,
        toValue: patch.ownerId,
        actorUserId: a.userId,
      });
    }
    if (!Object.keys(changes).length) return;
    await tx
      .update(schema.gapFlags)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(schema.gapFlags.id, id));
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'gap_flag.update',
      entityType: 'gap_flag',
      entityId: id,
      before: { status: from, ownerUserId: flag.owner_user_id },
      after: {
        status: changes.status ?? from,
        ownerUserId: changes.ownerUserId !== undefined ? changes.ownerUserId : flag.owner_user_id,
      },
    });
  });
  return getFlag({ db, actor: a, id });
}

/** Adds a comment to a flag. */
export async function commentOnFlag({
  db,
  actor,
  id,
  body,
}: {
  db: Db;
  actor: Actor | undefined;
  id: string;
  body: string;
}) {
  const a = flagActor(actor);
  await db.transaction(async (tx) => {
    const flag = await repo.findFlag(tx, id, true);
    if (!flag || !canSee(a, flag)) throw notFound(`Flag ${id}`);
    await tx.insert(schema.gapFlagEvents).values({ flagId: id, kind: 'comment', body, actorUserId: a.userId });
    await tx.update(schema.gapFlags).set({ updatedAt: new Date() }).where(eq(schema.gapFlags.id, id));
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'gap_flag.comment',
      entityType: 'gap_flag',
      entityId: id,
      after: { comment: body },
    });
  });
  return getFlag({ db, actor: a, id });
}

// ---------------------------------------------------------------------------------------------------------------
// Suggested flags

/** PCNs in the top decile of gap score within their ICB with no open flag and no dismissed suggestion. */
export async function listSuggestions({
  db,
  cache,
  actor,
  icb,
  staleDays,
}: {
  db: Db;
  cache: GapCache;
  actor: Actor | undefined;
  icb?: string;
  staleDays: number;
}) {
  const a = flagActor(actor);
  const scope = await scopeIcb(db, a, icb);
  const analysis = await analyse({ db, cache, options: optionsFrom({}, staleDays) });
  const excluded = await repo.flaggedOrDismissedPcns(db);
  return analysis.rows
    .filter((r) => r.gap.topDecileInIcb && !excluded.has(r.code) && (!scope || r.icbCode === scope))
    .sort((x, y) => x.icbCode.localeCompare(y.icbCode) || (x.gap.icbRank ?? 0) - (y.gap.icbRank ?? 0))
    .map((r) => ({
      pcnCode: r.code,
      pcnName: r.name,
      icbCode: r.icbCode,
      gapScore: r.gap.score,
      icbRank: r.gap.icbRank,
      summary: r.gap.summary,
    }));
}

async function currentSuggestion(db: Db, cache: GapCache, a: Actor, pcnCode: string, staleDays: number) {
  const pcn = await repo.findPcnIcb(db, pcnCode);
  if (!pcn || (a.role !== 'admin' && pcn.icb_code !== a.icbCode)) throw notFound(`Suggestion for PCN ${pcnCode}`);
  const list = await listSuggestions({ db, cache, actor: a, icb: pcn.icb_code, staleDays });
  const s = list.find((x) => x.pcnCode === pcnCode);
  if (!s) throw conflict(`PCN ${pcnCode} is not a current suggestion (flagged, dismissed or no longer top decile)`);
  return s;
}

/** Accepts a suggested flag: creates an open flag with origin "suggestion". */
export async function acceptSuggestion({
  db,
  cache,
  actor,
  pcnCode,
  body,
  staleDays,
}: {
  db: Db;
  cache: GapCache;
  actor: Actor | undefined;
  pcnCode: string;
  body: { reason?: string; evidence: string };
  staleDays: number;
}) {
  const a = flagActor(actor);
  const s = await currentSuggestion(db, cache, a, pcnCode, staleDays);
  const reason =
    body.reason ?? `Suggested: top decile of gap score in its ICB (gap ${s.gapScore!.toFixed(2)}, rank ${s.icbRank})`;
  const id = await db.transaction((tx) =>
    insertFlag(
      tx,
      a,
      { pcnCode, icbCode: s.icbCode, category: null, reason, evidence: body.evidence || s.summary },
      'suggestion',
    ),
  );
  return getFlag({ db, actor: a, id });
}

/** Dismisses a suggested flag with a reason; the PCN is not suggested again. */
export async function dismissSuggestion({
  db,
  cache,
  actor,
  pcnCode,
  reason,
  staleDays,
}: {
  db: Db;
  cache: GapCache;
  actor: Actor | undefined;
  pcnCode: string;
  reason: string;
  staleDays: number;
}) {
  const a = flagActor(actor);
  const s = await currentSuggestion(db, cache, a, pcnCode, staleDays);
  const row = await db.transaction(async (tx) => {
    const [d] = await tx
      .insert(schema.gapSuggestionDismissals)
      .values({ pcnCode, icbCode: s.icbCode, reason, dismissedBy: a.userId })
      .returning();
    await recordAudit(tx, {
      actorUserId: a.userId,
      action: 'gap_suggestion.dismiss',
      entityType: 'gap_suggestion',
      entityId: d!.id,
      after: { pcnCode, icbCode: s.icbCode, reason, gapScore: s.gapScore },
    });
    return d!;
  });
  return { id: row.id, pcnCode, icbCode: s.icbCode, reason, dismissedAt: row.dismissedAt.toISOString() };
}
