/** Typed paths and calls of the gaps API (docs/gaps.md): gap analysis per PCN, its profile, flags and suggestions. */
import type { FlagStatus } from '@shared/gaps';
import { sendJson } from './client';

export type { FlagStatus };

/** Capacity-weighted supply of services. */
export interface SupplyFiguresDto {
  services: number;
  weighted: number;
  per10k: number | null;
}

/** One driver of a gap score. */
export interface GapDriverDto {
  component: 'need' | 'linkWorkers' | 'vcse';
  contribution: number | null;
  text: string;
}

/** One PCN row of GET /api/gaps/pcns (the parts the page reads). */
export interface GapRowDto {
  code: string;
  name: string;
  icbCode: string;
  icbName: string;
  population: number | null;
  listSize: number | null;
  need: { index: number | null; z: number | null };
  linkWorkers: { splwFtePer10k: number | null; personalisedCareFtePer10k: number | null };
  vcse: SupplyFiguresDto & { category: string | null; remote: SupplyFiguresDto };
  demand: { referralsPer10k: number | null; unmetNeedPer10k: number | null; period: string | null };
  gap: {
    score: number | null;
    rank: number | null;
    icbRank: number | null;
    topDecileInIcb: boolean;
    drivers: GapDriverDto[];
    summary: string;
  };
}

/** GET /api/gaps/pcns. */
export interface GapListDto {
  meta: { computedAt: string; category: string | null; reachKm: number; periods: Record<string, string> };
  rows: GapRowDto[];
}

/** A service reachable from a PCN (profile). */
export interface GapServiceDto {
  id: string;
  name: string;
  organizationName: string;
  mode: string;
  capacity: string;
  confirmed: boolean;
  categories: string[];
  fundingEndsOn: string | null;
  weight: number;
}

/** GET /api/gaps/pcns/:code. */
export interface GapProfileDto {
  pcn: GapRowDto;
  comparison: Record<'pcn' | 'icb' | 'england', Record<string, number | null>>;
  practices: { code: string; name: string; postcode: string | null; listSize: number | null }[];
  services: GapServiceDto[];
  servicesByCategory: Record<string, Record<string, number>>;
  atRisk: { id: string; name: string; organizationName: string; fundingEndsOn: string }[];
  atRiskWithinMonths: number;
  /** Unmet-need ("nothing suitable") records of the PCN's link workers over `period`, by reason (most first). */
  /** Only for the PCN's ICB commissioners and admins; null for everyone else. */
  unmetNeedReasons: { period: string; reasons: { reason: string; label: string; count: number }[] } | null;
  /** In-person reachable services by their latest recorded capacity at each of the last 8 week ends (oldest first). */
  capacityTrend: { weeks: CapacityTrendWeekDto[] };
}

/** One week end of the profile's capacity trend; `unknown` = no capacity recorded by then. */
export interface CapacityTrendWeekDto {
  weekEnding: string;
  accepting: number;
  limited: number;
  waitlist: number;
  not_accepting: number;
  unknown: number;
}

/** A flag (GET /api/gaps/flags). */
export interface FlagDto {
  id: string;
  pcnCode: string;
  pcnName: string;
  icbCode: string;
  category: string | null;
  reason: string;
  evidence: string;
  status: FlagStatus;
  owner: { id: string; name: string | null } | null;
  origin: string;
  createdAt: string;
  updatedAt: string;
}

/** One history entry of a flag. */
export interface FlagEventDto {
  id: number;
  kind: string;
  from: string | null;
  to: string | null;
  body: string | null;
  actor: { id: string; name: string | null };
  at: string;
}

/** A suggested flag. */
export interface SuggestionDto {
  pcnCode: string;
  pcnName: string;
  icbCode: string;
  gapScore: number | null;
  icbRank: number | null;
}

const query = (params: Record<string, string | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Filters of the gap list and its exports. */
export interface GapFilter {
  icb?: string | null;
  category?: string | null;
}

/** Path of the gap analysis (`.csv` and `.geojson` give the exports with the same filters). */
export const gapListPath = (f: GapFilter, format: '' | '.csv' | '.geojson' = '') =>
  `/api/gaps/pcns${format}${query({ icb: f.icb, category: f.category })}`;
/** Path of one PCN's gap profile. */
export const gapProfilePath = (code: string, category?: string | null) =>
  `/api/gaps/pcns/${encodeURIComponent(code)}${query({ category })}`;
/** Path of the flags of an ICB (or all, for an admin). */
export const flagListPath = (icb?: string | null) => `/api/gaps/flags${query({ icb })}`;
/** Path of one flag with its history. */
export const flagPath = (id: string) => `/api/gaps/flags/${encodeURIComponent(id)}`;
/** Path of the suggested flags. */
export const suggestionsPath = (icb?: string | null) => `/api/gaps/suggestions${query({ icb })}`;

/** Flags a PCN (optionally one category) as under-served. */
export async function createFlag(
  body: { pcnCode: string; category?: string | null; reason: string; evidence?: string },
  csrfToken: string | null,
): Promise<FlagDto> {
  return (await sendJson<FlagDto>('POST', '/api/gaps/flags', body, { csrfToken })).body;
}

/** Moves a flag to another status. */
export async function updateFlagStatus(id: string, status: FlagStatus, csrfToken: string | null): Promise<FlagDto> {
  return (await sendJson<FlagDto>('PATCH', flagPath(id), { status }, { csrfToken })).body;
}

/** Sets a flag's owner (a commissioner of its ICB or an admin; null clears it). */
export async function assignFlagOwner(id: string, ownerId: string | null, csrfToken: string | null): Promise<FlagDto> {
  return (await sendJson<FlagDto>('PATCH', flagPath(id), { ownerId }, { csrfToken })).body;
}

/** Comments on a flag. */
export async function commentOnFlag(id: string, body: string, csrfToken: string | null): Promise<unknown> {
  return (await sendJson<unknown>('POST', `${flagPath(id)}/comments`, { body }, { csrfToken })).body;
}

/** Accepts a suggested flag (creates an open flag). */
export async function acceptSuggestion(code: string, csrfToken: string | null): Promise<FlagDto> {
  return (
    await sendJson<FlagDto>('POST', `/api/gaps/suggestions/${encodeURIComponent(code)}/accept`, {}, { csrfToken })
  ).body;
}

/** Dismisses a suggested flag with a reason. */
export async function dismissSuggestion(code: string, reason: string, csrfToken: string | null): Promise<unknown> {
  return (
    await sendJson<unknown>(
      'POST',
      `/api/gaps/suggestions/${encodeURIComponent(code)}/dismiss`,
      { reason },
      { csrfToken },
    )
  ).body;
}
/** Path of the equity view (% Black and % Asian against services offering other languages). */
export const gapEquityPath = (icb?: string | null) => `/api/gaps/equity${query({ icb })}`;
/** Path of the provision-at-risk map layer (services whose funding ends within six months). */
export const gapAtRiskPath = (icb?: string | null) => `/api/gaps/at-risk${query({ icb })}`;
