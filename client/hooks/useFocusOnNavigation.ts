/** Moves keyboard and screen-reader focus to a page's main heading after an in-app navigation. */
import { useEffect, type RefObject } from 'react';
import { useLocation } from 'react-router';

// One document, one history: the path whose heading last took (or, on first load, declined) focus.
let settledPath: string | undefined;

/**
 * Focuses `ref` when the path changes through in-app navigation, so screen readers announce the new page.
 * The first page of a visit keeps the browser's natural focus order, so Tab still reaches the skip link first.
 */
export function useFocusOnNavigation(ref: RefObject<HTMLElement | null>): void {
  const { pathname } = useLocation();
  useEffect(() => {
    if (settledPath === pathname) return;
    const isFirstPage = settledPath === undefined;
    settledPath = pathname;
    if (!isFirstPage) ref.current?.focus();
  }, [pathname, ref]);
}
