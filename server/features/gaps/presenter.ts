/** Gaps rows → API DTOs: flags and their history, and the CSV export of the PCN analysis (formula-safe). */
import { toCsv } from '../../../shared/csv';
import type { GapRow } from './domain';
import type { FlagRow } from './repository';

/** A flag as the API returns it. */
export interface FlagDto {
  id: string;
  pcnCode: string;
  pcnName: string;
  icbCode: string;
  category: string | null;
  reason: string;
  evidence: string;
  status: string;
  owner: { id: string; name: string | null } | null;
  origin: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Presents a flag row. */
export const presentFlag = (f: FlagRow): FlagDto => ({
  id: f.id,
  pcnCode: f.pcn_code,
  pcnName: f.pcn_name,
  icbCode: f.icb_code,
  category: f.category,
  reason: f.reason,
  evidence: f.evidence,
  status: f.status,
  owner: f.owner_user_id ? { id: f.owner_user_id, name: f.owner_name } : null,
  origin: f.origin,
  createdBy: f.created_by,
  createdAt: f.created_at,
  updatedAt: f.updated_at,
});

/** Presents one history entry (created, status, owner, comment). */
export const presentFlagEvent = (e: {
  id: number;
  kind: string;
  from_value: string | null;
  to_value: string | null;
  body: string | null;
  actor_user_id: string;
  actor_name: string | null;
  at: string;
}) => ({
  id: e.id,
  kind: e.kind,
  from: e.from_value,
  to: e.to_value,
  body: e.body,
  actor: { id: e.actor_user_id, name: e.actor_name },
  at: e.at,
});

/** Columns of the CSV export, in order. */
export const GAP_CSV_COLUMNS = [
  'rank',
  'icb_rank',
  'pcn_code',
  'pcn_name',
  'sub_icb_code',
  'icb_code',
  'icb_name',
  'region',
  'population',
  'list_size',
  'need_index',
  'need_z',
  'imd2025_score',
  'pct_black_asian',
  'pct_disabled',
  'pct_65plus',
  'pct_households_deprived_2plus',
  'pct_rural',
  'splw_fte',
  'splw_fte_per_10k',
  'personalised_care_fte_per_10k',
  'link_workers_z',
  'vcse_category',
  'vcse_services',
  'vcse_weighted',
  'vcse_per_10k',
  'vcse_z',
  'remote_services',
  'remote_weighted',
  'referrals_per_10k',
  'unmet_need_per_10k',
  'resource_score',
  'gap_score',
  'top_decile_in_icb',
  'explanation',
] as const;

const r6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);

/** The analysis rows as CSV; missing figures are empty cells, never 0; text cells are formula-neutralised. */
export function gapCsv(rows: GapRow[]): string {
  return toCsv(
    GAP_CSV_COLUMNS,
    rows.map((r) => [
      r.gap.rank,
      r.gap.icbRank,
      r.code,
      r.name,
      r.subIcbCode,
      r.icbCode,
      r.icbName,
      r.regionName,
      r.population,
      r.listSize,
      r6(r.need.index),
      r6(r.need.z),
      r6(r.need.values.imd2025_score),
      r6(r.need.values.pct_black_asian),
      r6(r.need.values.pct_disabled),
      r6(r.need.values.pct_65plus),
      r6(r.need.values.pct_households_deprived_2plus),
      r6(r.need.values.pct_rural),
      r6(r.linkWorkers.splwFte),
      r6(r.linkWorkers.splwFtePer10k),
      r6(r.linkWorkers.personalisedCareFtePer10k),
      r6(r.linkWorkers.z),
      r.vcse.category ?? 'all',
      r.vcse.services,
      r6(r.vcse.weighted),
      r6(r.vcse.per10k),
      r6(r.vcse.z),
      r.vcse.remote.services,
      r6(r.vcse.remote.weighted),
      r6(r.demand.referralsPer10k),
      r6(r.demand.unmetNeedPer10k),
      r6(r.gap.resource),
      r6(r.gap.score),
      r.gap.topDecileInIcb ? 'yes' : 'no',
      r.gap.summary,
    ]),
  );
}

/** The flat properties of a PCN on the gap map (GeoJSON export): figures, ranks and the explanation. */
export function gapProperties(r: GapRow): Record<string, string | number | boolean | null> {
  return {
    code: r.code,
    name: r.name,
    icbCode: r.icbCode,
    approximate: true,
    gapScore: r6(r.gap.score),
    rank: r.gap.rank,
    icbRank: r.gap.icbRank,
    topDecileInIcb: r.gap.topDecileInIcb,
    needIndex: r6(r.need.index),
    needZ: r6(r.need.z),
    splwFtePer10k: r6(r.linkWorkers.splwFtePer10k),
    vcsePer10k: r6(r.vcse.per10k),
    remoteServices: r.vcse.remote.services,
    referralsPer10k: r6(r.demand.referralsPer10k),
    unmetNeedPer10k: r6(r.demand.unmetNeedPer10k),
    explanation: r.gap.summary,
  };
}

/** A GeoJSON FeatureCollection of PCN catchments with their gap properties (geometry text is not re-parsed). */
export function gapGeoJson(shapes: { code: string; geometry: string }[], rows: GapRow[]): string {
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const features = shapes
    .filter((s) => byCode.has(s.code))
    .map(
      (s) =>
        `{"type":"Feature","id":${JSON.stringify(s.code)},"properties":${JSON.stringify(gapProperties(byCode.get(s.code)!))},"geometry":${s.geometry}}`,
    );
  return `{"type":"FeatureCollection","features":[${features.join(',')}]}`;
}
