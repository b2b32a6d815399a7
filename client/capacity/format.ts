/** Words for capacity as every screen shows it: short status names, waits, "as of" times. Pure. */
import type { CapacityStatus } from '@shared/capacity';

/** Short status names used on buttons and badges (the words, not the colour, carry the meaning). */
export const CAPACITY_SHORT_LABELS: Record<CapacityStatus, string> = {
  accepting: 'Accepting',
  limited: 'Limited places',
  waitlist: 'Waitlist',
  not_accepting: 'Full',
};

/** What each short name means, for hints and the public page. */
export const CAPACITY_EXPLANATIONS: Record<CapacityStatus, string> = {
  accepting: 'Accepting referrals now',
  limited: 'Few places left: check before referring',
  waitlist: 'New people join a waiting list',
  not_accepting: 'Not accepting referrals for now',
};

/** A typical wait in words: whole weeks as weeks ("3 weeks"), otherwise days ("10 days"). */
export function formatWait(days: number): string {
  if (days === 0) return 'no wait';
  if (days % 7 === 0) return days === 7 ? '1 week' : `${days / 7} weeks`;
  return days === 1 ? '1 day' : `${days} days`;
}

/** The badge text of a capacity, e.g. "Waitlist · 3 weeks" or "Accepting · 5 places"; "Not set" when never set. */
export function capacitySummary(c: { status: CapacityStatus | null; places: number | null; waitDays: number | null }) {
  if (!c.status) return 'Capacity not set';
  const parts = [CAPACITY_SHORT_LABELS[c.status]];
  if (c.status === 'waitlist' && c.waitDays != null) parts.push(formatWait(c.waitDays));
  if ((c.status === 'accepting' || c.status === 'limited') && c.places != null) {
    parts.push(c.places === 1 ? '1 place' : `${c.places} places`);
  }
  return parts.join(' · ');
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: 'Europe/London',
});

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  timeZone: 'Europe/London',
});

/** An ISO time in UK words, e.g. "14 May 2025 at 10:32" (UK time). */
export function formatDateTime(iso: string): string {
  const parts = Object.fromEntries(DATE_TIME.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}`;
}

/** An ISO time as a short date, e.g. "14 May" (chart axis). */
export function formatShortDate(iso: string): string {
  return DATE.format(new Date(iso));
}
