/** The shortlist as React state, shared by every component of the page and kept in sessionStorage (see find/shortlist.ts). */
import { useCallback, useSyncExternalStore } from 'react';
import { loadShortlist, saveShortlist, toggleShortlist, type ShortlistItem } from '../find/shortlist';

const listeners = new Set<() => void>();
let snapshot: ShortlistItem[] | null = null;

const storage = (): Storage | undefined => (typeof window === 'undefined' ? undefined : window.sessionStorage);

function read(): ShortlistItem[] {
  snapshot ??= loadShortlist(storage());
  return snapshot;
}

function write(items: ShortlistItem[]): void {
  saveShortlist(storage(), items);
  snapshot = items;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const EMPTY: ShortlistItem[] = [];

/** The shortlist and ways to change it. */
export function useShortlist() {
  const items = useSyncExternalStore(subscribe, read, () => EMPTY);
  const toggle = useCallback((item: ShortlistItem) => write(toggleShortlist(read(), item)), []);
  const remove = useCallback((id: string) => write(read().filter((i) => i.id !== id)), []);
  const clear = useCallback(() => write([]), []);
  return { items, toggle, remove, clear };
}
