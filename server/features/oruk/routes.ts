/** Routes of the Open Referral UK 3.0 API (/api/oruk/…) and the directory exports (/api/exports/…): public, read-only, CORS-open. */
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../../app';
import { parseQuery } from '../../middleware/validate';
import {
  OrukOrganizationQuery,
  OrukOrganizationsQuery,
  OrukServiceAtLocationsQuery,
  OrukServicesQuery,
  OrukTaxonomiesQuery,
  OrukTaxonomyTermsQuery,
} from '../../../shared/schemas/oruk';
import * as domain from './domain';
import { exportCsv, exportGeoJson, exportOrukJson } from './exports';

/** Folder of the vendored ORUK 3.0 standard (openapi.json, schema/, examples/). */
export const ORUK_STANDARD_DIR = path.resolve(__dirname, '..', '..', '..', 'data', 'standards', 'oruk-3.0');

/** Anyone may read: no key, no cookies; preflights answered here. */
const openCors: RequestHandler = (req, res, next) => {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Cross-Origin-Resource-Policy', 'cross-origin');
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
    res.set('Access-Control-Allow-Headers', req.get('Access-Control-Request-Headers') ?? '');
    res.set('Access-Control-Max-Age', '86400');
    res.status(204).end();
    return;
  }
  next();
};

/** The ORUK and exports router. */
export function orukRouter({ database, config }: AppDeps): Router {
  const router = Router();
  const db = database.db;
  router.use(['/api/oruk', '/api/exports'], openCors);

  router.get('/api/oruk', (_req, res) => {
    res.json(domain.apiDetails(config.publicBaseUrl));
  });
  router.get('/api/oruk/openapi.json', (_req, res) => {
    res.sendFile(path.join(ORUK_STANDARD_DIR, 'openapi.json'));
  });
  router.get('/api/oruk/services', async (req, res) => {
    res.json(await domain.listServices(db, parseQuery(OrukServicesQuery, req)));
  });
  router.get('/api/oruk/services/:id', async (req, res) => {
    res.json(await domain.getService(db, String(req.params.id)));
  });
  router.get('/api/oruk/service_at_locations', async (req, res) => {
    res.json(await domain.listServiceAtLocations(db, parseQuery(OrukServiceAtLocationsQuery, req)));
  });
  router.get('/api/oruk/service_at_locations/:id', async (req, res) => {
    res.json(await domain.getServiceAtLocation(db, String(req.params.id)));
  });
  router.get('/api/oruk/organizations', async (req, res) => {
    res.json(await domain.listOrganizations(db, parseQuery(OrukOrganizationsQuery, req)));
  });
  router.get('/api/oruk/organizations/:id', async (req, res) => {
    const q = parseQuery(OrukOrganizationQuery, req);
    res.json(await domain.getOrganization(db, String(req.params.id), q.full_service ?? false));
  });
  router.get('/api/oruk/taxonomies', async (req, res) => {
    res.json(await domain.listTaxonomies(db, parseQuery(OrukTaxonomiesQuery, req)));
  });
  router.get('/api/oruk/taxonomies/:id', async (req, res) => {
    res.json(await domain.getTaxonomy(db, String(req.params.id)));
  });
  router.get('/api/oruk/taxonomy_terms', async (req, res) => {
    res.json(await domain.listTaxonomyTerms(db, parseQuery(OrukTaxonomyTermsQuery, req)));
  });
  router.get('/api/oruk/taxonomy_terms/:id', async (req, res) => {
    res.json(await domain.getTaxonomyTerm(db, String(req.params.id)));
  });

  router.get('/api/exports/directory.oruk.json', async (_req, res) => {
    res.set('Content-Disposition', 'attachment; filename="directory.oruk.json"').json(await exportOrukJson(db));
  });
  router.get('/api/exports/directory.csv', async (_req, res) => {
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', 'attachment; filename="directory.csv"')
      .send(await exportCsv(db));
  });
  router.get('/api/exports/services.geojson', async (_req, res) => {
    res.type('application/geo+json').json(await exportGeoJson(db));
  });
  return router;
}
