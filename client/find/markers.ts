/**
 * How capacity shows on the map: each status has a letter and a shape as well as a colour (never colour alone), and
 * capacity nobody has confirmed recently gets a dashed outline. Shared by the map's markers and the legend. Pure.
 */
import type { CapacityFreshness, CapacityStatus } from '@shared/capacity';
import { CAPACITY_SHORT_LABELS } from '../capacity/format';

/** A marker kind: a capacity status, or "none" when capacity was never set. */
export type MarkerKind = CapacityStatus | 'none';

/** Look of one marker kind. */
export interface MarkerStyle {
  /** Letter drawn in the marker. */
  letter: string;
  /** Words for the legend and the marker's accessible name. */
  label: string;
  /** Modifier class (colour and shape), e.g. `signpost-marker--accepting`. */
  className: string;
}

/** Every marker kind, in legend order. */
export const MARKER_KINDS: readonly MarkerKind[] = ['accepting', 'limited', 'waitlist', 'not_accepting', 'none'];

/** Look of each kind: circle (accepting), rounded square (limited), diamond (waitlist), square (full), grey (not set). */
export const MARKER_STYLES: Record<MarkerKind, MarkerStyle> = {
  accepting: { letter: 'A', label: CAPACITY_SHORT_LABELS.accepting, className: 'signpost-marker--accepting' },
  limited: { letter: 'L', label: CAPACITY_SHORT_LABELS.limited, className: 'signpost-marker--limited' },
  waitlist: { letter: 'W', label: CAPACITY_SHORT_LABELS.waitlist, className: 'signpost-marker--waitlist' },
  not_accepting: { letter: 'F', label: CAPACITY_SHORT_LABELS.not_accepting, className: 'signpost-marker--full' },
  none: { letter: '?', label: 'Capacity not set', className: 'signpost-marker--none' },
};

/** The look of a capacity, with whether it is unconfirmed. */
export function markerStyleOf(status: CapacityStatus | null, freshness: CapacityFreshness | null) {
  const style = MARKER_STYLES[status ?? 'none'];
  const isUnconfirmed = status !== null && freshness === 'unconfirmed';
  return { ...style, isUnconfirmed, label: isUnconfirmed ? `${style.label} (unconfirmed)` : style.label };
}

/** A cluster's label, e.g. "12 services: 5 accepting". */
export function clusterLabel(count: number, byStatus: Record<string, number>): string {
  const accepting = (byStatus.accepting ?? 0) + (byStatus.limited ?? 0);
  const services = count === 1 ? '1 service' : `${count} services`;
  return `${services}, ${accepting} accepting or with limited places. Zoom in to see them`;
}

/** Short count drawn in a cluster bubble: 999, 1.2k, 15k. */
export function clusterCountText(count: number): string {
  if (count < 1000) return String(count);
  if (count < 10_000) return `${(count / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return `${Math.round(count / 1000)}k`;
}
