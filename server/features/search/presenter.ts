/** Search rows → the DTOs of shared/schemas/search.ts: results with distance, capacity freshness and why they matched. */
import { presentCapacity } from '../directory';
import { CAPACITY_STATUSES, capacityFreshness, type CapacityStatus } from '../../../shared/capacity';
import { languageName } from '../../../shared/schemas/directory';
import { weekdayName } from '../../../shared/weekdays';
import type { MapFeatureDto, MapResponseDto, MatchReasonDto, SearchResultDto } from '../../../shared/schemas/search';
import type { ClusterRow, FilterParams, PointRow, SearchHitRow } from './repository';

/** The freshness window and clock. */
export interface Policy {
  staleDays: number;
  now: Date;
}

/** What the presenter needs to explain a match. */
export interface PresentContext {
  policy: Policy;
  filters: FilterParams;
  /** Requested taxonomy terms. */
  terms: { id: string; code: string; name: string }[];
  /** The centre's label (postcode or PCN name), for remote reasons. */
  areaLabel: string | null;
  /** Whether the search was by PCN. */
  pcn: boolean;
}

const MODE_WORDS: Record<string, string> = { phone: 'phone', online: 'online', in_person: 'in person' };

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Plain-English distance, e.g. "1.2 km away" or "350 m away". */
export const distanceText = (km: number): string =>
  km < 0.005 ? 'Under 10 m away' : km < 1 ? `${Math.round((km * 1000) / 10) * 10} m away` : `${km.toFixed(1)} km away`;

/** Presents a page of hits (each with its details) in order. */
export function presentResults(hits: SearchHitRow[], ctx: PresentContext): SearchResultDto[] {
  return hits.map((h) => {
    const s = h.details;
    const loc = s.location;
    const distanceKm = h.d == null ? null : round3(h.d);
    return {
      serviceId: h.service_id,
      name: s.name,
      organization: { id: s.organizationId, name: s.organizationName },
      summary: s.description.length > 300 ? `${s.description.slice(0, 299)}…` : s.description,
      location: loc
        ? {
            id: loc.id,
            name: loc.name,
            address: [loc.address1, loc.city].filter(Boolean).join(', ') || null,
            postcode: loc.postcode,
            lat: loc.lat,
            lng: loc.lng,
          }
        : null,
      distanceKm,
      remote: h.by_area,
      deliveryModes: s.deliveryModes,
      categories: s.categories,
      isFree: s.isFree,
      capacity: presentCapacity(s, ctx.policy),
      pressure: s.highPressure ? 'high' : null,
      matched: reasons(h, s.deliveryModes, distanceKm, ctx),
    };
  });
}

function reasons(h: SearchHitRow, modes: string[], distanceKm: number | null, ctx: PresentContext): MatchReasonDto[] {
  const out: MatchReasonDto[] = [];
  const f = ctx.filters;
  if (h.by_area) {
    const how = modes
      .filter((m) => m !== 'in_person')
      .map((m) => MODE_WORDS[m] ?? m)
      .join(' and ');
    out.push({
      kind: 'remote',
      text: `Covers ${ctx.areaLabel ? `the area of ${ctx.areaLabel}` : 'this area'}${how ? ` (${how})` : ''}`,
    });
  } else if (ctx.pcn) {
    out.push({
      kind: 'area',
      text: `In or near ${ctx.areaLabel ?? 'the PCN'}${distanceKm != null ? ` (${distanceText(distanceKm)} from its centre)` : ''}`,
    });
  } else if (distanceKm != null) {
    out.push({ kind: 'distance', text: distanceText(distanceKm) });
  }
  const matchedTerms = ctx.terms.filter((t) => h.term_ids.includes(t.id));
  if (matchedTerms.length) out.push({ kind: 'category', text: matchedTerms.map((t) => t.name).join(', ') });
  if (f.q) out.push({ kind: 'keyword', text: `Matches “${f.q}”` });
  if (f.openOn) {
    out.push({
      kind: 'open',
      text: `Open on ${weekdayName(f.openOn.day)}s${f.openOn.time ? ` at ${f.openOn.time}` : ''}`,
    });
  }
  if (f.age != null) out.push({ kind: 'age', text: `Suitable for age ${f.age}` });
  if (f.language) out.push({ kind: 'language', text: `Offered in ${languageName(f.language) ?? f.language}` });
  return out;
}

/** Presents the map answer. */
export function presentMap(args: {
  mode: 'clusters' | 'points';
  points: PointRow[];
  clusters: ClusterRow[];
  policy: Policy;
}): MapResponseDto {
  const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
  if (args.mode === 'points') {
    const features: MapFeatureDto[] = args.points.map((p) => ({
      kind: 'point',
      lat: r6(p.lat),
      lng: r6(p.lng),
      serviceId: p.service_id,
      name: p.name,
      status: (CAPACITY_STATUSES as readonly string[]).includes(p.capacity_status ?? '')
        ? (p.capacity_status as CapacityStatus)
        : null,
      freshness: capacityFreshness(
        p.capacity_confirmed_at ? new Date(p.capacity_confirmed_at) : null,
        args.policy.now,
        args.policy.staleDays,
      ),
    }));
    return { mode: 'points', total: features.length, features };
  }
  const features: MapFeatureDto[] = args.clusters.map((c) => ({
    kind: 'cluster',
    lat: r6(c.lat),
    lng: r6(c.lng),
    count: c.count,
    byStatus: c.by_status,
  }));
  return { mode: 'clusters', total: args.clusters.reduce((n, c) => n + c.count, 0), features };
}
