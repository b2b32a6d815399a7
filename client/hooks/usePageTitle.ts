/** Sets the browser tab title for the current page, so each route is announced and bookmarked by name. */
import { useEffect } from 'react';

/** Name of the service, the suffix of every page title. */
export const SERVICE_NAME = 'Signpost';

/** Sets document.title to "`title` – Signpost" (or just the service name when `title` is empty). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} – ${SERVICE_NAME}` : SERVICE_NAME;
  }, [title]);
}
