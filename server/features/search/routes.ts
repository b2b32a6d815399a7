/** Routes of service search: GET /api/services/search and GET /api/services/map; validate → domain → JSON. */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import { parseQuery } from '../../middleware/validate';
import { MapQuery, SearchQuery } from '../../../shared/schemas/search';
import * as domain from './domain';

/** The search router; mount before the directory router (its /api/services/:id would match /search). */
export function searchRouter({ database, config }: AppDeps): Router {
  const router = Router();
  const db = database.db;
  const staleDays = config.capacityStaleDays;

  router.get('/api/services/search', async (req, res) => {
    const query = parseQuery(SearchQuery, req);
    res
      .set('Cache-Control', 'no-store')
      .json(await domain.search({ db, query, staleDays, missingHideDays: config.missingHideDays }));
  });
  router.get('/api/services/map', async (req, res) => {
    const query = parseQuery(MapQuery, req);
    res.set('Cache-Control', 'no-store').json(await domain.map({ db, query, staleDays }));
  });
  return router;
}
