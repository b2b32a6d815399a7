/**
 * The client's routes (client/App.tsx), as patterns the server's app-shell fallback matches: a GET for HTML of one of
 * these gets the app with 200, anything else the app's not-found page with 404. A unit test keeps this list and
 * App.tsx's <Route path>s the same.
 */
export const CLIENT_ROUTES = [
  '/',
  '/find',
  '/find/print',
  '/my-organisation',
  '/my-organisation/services/new',
  '/my-organisation/services/:id/edit',
  '/organisations/new',
  '/organisations/claim',
  '/organisations/:id/claim',
  '/need',
  '/need/concerns',
  '/sign-in',
  '/reset-password',
  '/accept-invite',
  '/services/:id',
  '/unmet-need',
  '/admin',
  '/admin/outbox',
  '/admin/taxonomy',
  '/admin/imports',
  '/admin/imports/spreadsheet',
  '/capacity-link',
] as const;

const patterns = CLIENT_ROUTES.map(
  (route) => new RegExp(`^${route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-zA-Z]+/g, '[^/]+')}/?$`),
);

/** Whether a path (no query string) is one of the client's routes. */
export function isClientRoute(pathname: string): boolean {
  return patterns.some((p) => p.test(pathname));
}
