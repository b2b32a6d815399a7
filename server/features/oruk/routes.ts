/** Routes of the Open Referral UK 3.0 API (/api/oruk/…) and the directory exports (/api/exports/…): public, read-only, CORS-open. */
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type RequestHandler, type Response } from 'express';
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
import { csvChunks, geoJsonChunks, orukJsonChunks } from './exports';

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

/**
 * Streams an export with backpressure (Readable.from reads at most one chunk ahead of the client). Nothing is sent
 * until the first chunk (which holds the first batch) is ready, so a failure up to then gets the error handler's
 * proper response. A later failure destroys the response: the client sees a cut-short download (no final chunk),
 * never a complete-looking file, and the failure is logged.
 */
async function sendExport(
  req: Request,
  res: Response,
  chunks: AsyncGenerator<string>,
  type: string,
  attachment?: string,
): Promise<void> {
  const first = await chunks.next();
  res.set('Content-Type', `${type}; charset=utf-8`);
  if (attachment) res.set('Content-Disposition', `attachment; filename="${attachment}"`);
  if (req.method === 'HEAD') {
    // HEAD wants only the headers: stop the export rather than render a body nobody receives.
    await chunks.return(undefined);
    res.end();
    return;
  }
  async function* all() {
    if (!first.done) yield first.value;
    yield* chunks;
  }
  try {
    await pipeline(Readable.from(all()), res);
  } catch (err) {
    // pipeline has already destroyed the response and stopped the export.
    if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE')
      req.log.info('export closed by the client');
    else req.log.error({ err }, 'export failed mid-stream');
  }
}

/** The ORUK and exports router. */
export function orukRouter({ database, config, exportBatchSize }: AppDeps): Router {
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

  const batches = { batchSize: exportBatchSize };
  router.get('/api/exports/directory.oruk.json', (req, res) =>
    sendExport(req, res, orukJsonChunks(db, batches), 'application/json', 'directory.oruk.json'),
  );
  router.get('/api/exports/directory.csv', (req, res) =>
    sendExport(req, res, csvChunks(db, batches), 'text/csv', 'directory.csv'),
  );
  router.get('/api/exports/services.geojson', (req, res) =>
    sendExport(req, res, geoJsonChunks(db, batches), 'application/geo+json'),
  );
  return router;
}
