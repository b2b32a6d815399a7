/** Routes of the areas API: /api/geocode and /api/areas/…; each validates, calls one domain function, presents. */
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../app';
import { parseOr400, parseQuery } from '../../middleware/validate';
import {
  AreaLookupQuery,
  GeocodeQuery,
  LsoaGeoJsonQuery,
  PcnGeoJsonQuery,
  PcnListQuery,
  PcnParams,
} from '../../../shared/schemas/areas';
import * as domain from './domain';

/** Sends a cached body, honouring If-None-Match and Accept-Encoding: gzip. */
function sendCached(req: Request, res: Response, entry: domain.CachedBody): void {
  res
    .set('ETag', entry.etag)
    .set('Cache-Control', 'public, max-age=300')
    .set('Vary', 'Accept-Encoding')
    .type(entry.type);
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (req.acceptsEncodings('gzip')) res.set('Content-Encoding', 'gzip').send(entry.gzip);
  else res.send(entry.body);
}

/** The areas router. */
export function areasRouter({ database }: AppDeps): Router {
  const router = Router();
  const cache = new domain.AreaCache();
  const db = database.db;

  router.get('/api/geocode', async (req, res) => {
    const { q } = parseQuery(GeocodeQuery, req);
    res.json(await domain.geocode({ db, q }));
  });
  router.get('/api/areas/lookup', async (req, res) => {
    const { lat, lng } = parseQuery(AreaLookupQuery, req);
    res.json(await domain.lookupAreas({ db, lat, lng }));
  });
  router.get('/api/areas/icbs', async (req, res) => {
    sendCached(req, res, await domain.listIcbProfiles({ db, cache }));
  });
  router.get('/api/areas/icbs.geojson', async (req, res) => {
    sendCached(req, res, await domain.icbGeoJson({ db, cache }));
  });
  router.get('/api/areas/pcns', async (req, res) => {
    const { icb } = parseQuery(PcnListQuery, req);
    sendCached(req, res, await domain.listPcnProfiles({ db, cache, icb }));
  });
  router.get('/api/areas/pcns.geojson', async (req, res) => {
    const { icb, simplify } = parseQuery(PcnGeoJsonQuery, req);
    sendCached(req, res, await domain.pcnGeoJson({ db, cache, icb, simplify }));
  });
  router.get('/api/areas/pcns/:code', async (req, res) => {
    const { code } = parseOr400(PcnParams, req.params);
    res.json(await domain.getPcnProfile({ db, cache, code }));
  });
  router.get('/api/areas/lsoas.geojson', async (req, res) => {
    const { bbox } = parseQuery(LsoaGeoJsonQuery, req);
    res.type('application/geo+json').send(await domain.lsoaGeoJson({ db, bbox }));
  });
  return router;
}
