/** A capacity badge: status in words with an icon whose shape differs per status, so colour is never the only cue. */
import type { CapacityFreshness, CapacityStatus } from '@shared/capacity';
import { capacitySummary, formatDateTime } from '../capacity/format';

/** Props of CapacityBadge. */
export interface CapacityBadgeProps {
  /** The capacity to show (status null = never set). */
  capacity: {
    status: CapacityStatus | null;
    places: number | null;
    waitDays: number | null;
    asOf: string | null;
    freshness: CapacityFreshness;
  };
  /** Show "as of <time>" after the badge. Default true. */
  showAsOf?: boolean;
}

const TAG_CLASS: Record<CapacityStatus, string> = {
  accepting: 'nhsuk-tag--green',
  limited: 'nhsuk-tag--yellow',
  waitlist: 'nhsuk-tag--orange',
  not_accepting: 'nhsuk-tag--red',
};

/** Icon per status: tick (accepting), half-filled circle (limited), clock (waitlist), cross (full), ? (unconfirmed). */
export function CapacityIcon({ status }: { status: CapacityStatus | 'unconfirmed' | null }) {
  const common = {
    className: 'signpost-capacity-icon',
    viewBox: '0 0 16 16',
    width: 16,
    height: 16,
    'aria-hidden': true,
    focusable: false,
  } as const;
  switch (status) {
    case 'accepting':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
      );
    case 'limited':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M8 1a7 7 0 0 1 0 14z" fill="currentColor" />
        </svg>
      );
    case 'waitlist':
      return (
        <svg {...common}>
          <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M8 4v4.5l3 1.8" fill="none" stroke="currentColor" strokeWidth="1.8" />
        </svg>
      );
    case 'not_accepting':
      return (
        <svg {...common}>
          <rect x="1" y="1" width="14" height="14" rx="2" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M5 5l6 6M11 5l-6 6" stroke="currentColor" strokeWidth="2" />
        </svg>
      );
    default:
      return (
        <svg {...common}>
          <path d="M8 1l7 13H1z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
          <path d="M8 6v4M8 11.5v1.2" stroke="currentColor" strokeWidth="1.8" />
        </svg>
      );
  }
}

/** Badge with the status in words, an icon, and (by default) "as of" the time it was last confirmed. */
export function CapacityBadge({ capacity, showAsOf = true }: CapacityBadgeProps) {
  const isUnconfirmed = capacity.status !== null && capacity.freshness === 'unconfirmed';
  return (
    <span className="signpost-capacity">
      <strong className={`nhsuk-tag ${capacity.status ? TAG_CLASS[capacity.status] : 'nhsuk-tag--grey'}`}>
        <CapacityIcon status={capacity.status} />
        {capacitySummary(capacity)}
      </strong>
      {isUnconfirmed && (
        <strong className="nhsuk-tag nhsuk-tag--grey">
          <CapacityIcon status="unconfirmed" />
          Unconfirmed — check before referring
        </strong>
      )}
      {showAsOf && capacity.asOf && (
        <span className="signpost-capacity__as-of">as of {formatDateTime(capacity.asOf)}</span>
      )}
    </span>
  );
}
