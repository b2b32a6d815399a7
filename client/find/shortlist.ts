/**
 * The shortlist of services a link worker pins while searching: service ids and names only, never anything about the
 * person being helped. Kept in sessionStorage, so it lasts while the tab is open and is gone when it closes (shared
 * practice computers). Pure helpers plus a tiny storage wrapper; the React side is client/hooks/useShortlist.ts.
 */
import { RECORD_ID } from '../../shared/schemas/common';

/** One pinned service. */
export interface ShortlistItem {
  /** Service id (UUID). */
  id: string;
  /** Service name, as shown when it was pinned. */
  name: string;
}

/** Storage key. */
export const SHORTLIST_KEY = 'signpost:shortlist';

/** Most services a shortlist holds (a handout longer than this helps nobody). */
export const SHORTLIST_MAX = 20;

const ID_PATTERN = RECORD_ID;

/** Reads a stored shortlist, dropping anything malformed (never throws). */
export function parseShortlist(raw: string | null): ShortlistItem[] {
  if (!raw) return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const items: ShortlistItem[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { id, name } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !ID_PATTERN.test(id) || typeof name !== 'string' || seen.has(id)) continue;
    seen.add(id);
    // Only the two known fields survive, whatever else was stored.
    items.push({ id, name: name.slice(0, 200) });
  }
  return items.slice(0, SHORTLIST_MAX);
}

/** Adds the service when absent, removes it when present. */
export function toggleShortlist(items: readonly ShortlistItem[], item: ShortlistItem): ShortlistItem[] {
  if (items.some((i) => i.id === item.id)) return items.filter((i) => i.id !== item.id);
  if (items.length >= SHORTLIST_MAX) return [...items];
  return [...items, { id: item.id, name: item.name }];
}

/** Path of the printable handout of these services. */
export function printPath(items: readonly ShortlistItem[]): string {
  return `/find/print?ids=${items.map((i) => i.id).join(',')}`;
}

/** Service ids of a print URL's `ids` parameter (valid UUIDs only, no duplicates, at most SHORTLIST_MAX). */
export function parsePrintIds(params: URLSearchParams): string[] {
  const ids = params
    .getAll('ids')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => ID_PATTERN.test(v));
  return [...new Set(ids)].slice(0, SHORTLIST_MAX);
}

/**
 * A plain-text summary to paste into clinical notes: one line per service with the link to its page. It names the
 * services only; the link worker adds anything about the person in their own record system.
 */
export function shortlistSummary(items: readonly ShortlistItem[], origin: string, date: Date): string {
  const day = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  }).format(date);
  const lines = items.map((item, i) => `${i + 1}. ${item.name} – ${origin}/services/${item.id}`);
  return [`Services suggested (Signpost, ${day}):`, ...lines].join('\n');
}

/** Reads the shortlist from storage (empty when storage is unavailable). */
export function loadShortlist(storage: Pick<Storage, 'getItem'> | undefined): ShortlistItem[] {
  try {
    return parseShortlist(storage?.getItem(SHORTLIST_KEY) ?? null);
  } catch {
    return [];
  }
}

/** Writes the shortlist to storage; an empty list removes the key. Ignores storage that refuses (private mode). */
export function saveShortlist(
  storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined,
  items: readonly ShortlistItem[],
): void {
  try {
    if (items.length === 0) storage?.removeItem(SHORTLIST_KEY);
    else storage?.setItem(SHORTLIST_KEY, JSON.stringify(items.map(({ id, name }) => ({ id, name }))));
  } catch {
    // Storage full or disabled: the shortlist still works for this page view.
  }
}
