/** Routes of the gaps API (/api/gaps/…): each validates, calls one domain function, presents. */
import { Router } from 'express';
import { z } from 'zod';
import { recordId } from '../../../shared/schemas/common';
import type { AppDeps } from '../../app';
import { parseBody, parseOr400, parseQuery } from '../../middleware/validate';
import {
  FlagBody,
  FlagCommentBody,
  FlagListQuery,
  FlagPatch,
  GapAreasQuery,
  GapEquityQuery,
  GapListQuery,
  GapPcnParams,
  SuggestionAcceptBody,
  SuggestionDismissBody,
  SuggestionQuery,
} from '../../../shared/schemas/gaps';
import * as domain from './domain';
import { listAtRisk, listEquity } from './equity';
import { gapCsv } from './presenter';

const IdParams = z.object({ id: recordId('a UUID') });

/** The gaps router. The analysis is public (open data and public capacity); flags need a commissioner or an admin. */
export function gapsRouter({ database, config }: AppDeps): Router {
  const router = Router();
  const db = database.db;
  const staleDays = config.capacityStaleDays;
  const cache = new domain.GapCache();
  const id = (params: unknown) => parseOr400(IdParams, params).id;

  router.get('/api/gaps/pcns', async (req, res) => {
    const query = parseQuery(GapListQuery, req);
    res.set('Cache-Control', 'no-cache').json(await domain.listPcnGaps({ db, cache, query, staleDays }));
  });
  router.get('/api/gaps/pcns.csv', async (req, res) => {
    const query = parseQuery(GapListQuery, req);
    const { rows } = await domain.listPcnGaps({ db, cache, query, staleDays });
    const name = `pcn-gaps-${query.icb ?? 'england'}${query.category ? `-${query.category}` : ''}.csv`;
    res
      .set('Cache-Control', 'no-cache')
      .set('Content-Disposition', `attachment; filename="${name}"`)
      .type('text/csv; charset=utf-8')
      .send(gapCsv(rows));
  });
  router.get('/api/gaps/pcns.geojson', async (req, res) => {
    const query = parseQuery(GapListQuery, req);
    res
      .set('Cache-Control', 'no-cache')
      .type('application/geo+json')
      .send(await domain.pcnGapGeoJson({ db, cache, query, staleDays }));
  });
  router.get('/api/gaps/pcns/:code', async (req, res) => {
    const { code } = parseOr400(GapPcnParams, req.params);
    const query = parseQuery(GapListQuery.omit({ icb: true }), req);
    res
      .set('Cache-Control', 'private, no-cache')
      .json(await domain.getPcnGapProfile({ db, cache, code, query, staleDays, actor: req.actor ?? null }));
  });
  router.get('/api/gaps/areas', async (req, res) => {
    const { level, ...query } = parseQuery(GapAreasQuery, req);
    res.set('Cache-Control', 'no-cache').json(await domain.listAreaGaps({ db, cache, query, staleDays, level }));
  });
  router.get('/api/gaps/equity', async (req, res) => {
    const { icb, reachKm } = parseQuery(GapEquityQuery, req);
    res.set('Cache-Control', 'no-cache').json(await listEquity({ db, icb, reachKm, staleDays }));
  });
  router.get('/api/gaps/at-risk', async (req, res) => {
    const { icb, reachKm } = parseQuery(GapEquityQuery, req);
    res.set('Cache-Control', 'no-cache').json(await listAtRisk({ db, icb, reachKm, staleDays }));
  });

  // Flags: never cached, never public.
  router.get('/api/gaps/flags', async (req, res) => {
    const filter = parseQuery(FlagListQuery, req);
    res.set('Cache-Control', 'no-store').json({ flags: await domain.listFlags({ db, actor: req.actor, filter }) });
  });
  router.post('/api/gaps/flags', async (req, res) => {
    const body = parseBody(FlagBody, req);
    res
      .set('Cache-Control', 'no-store')
      .status(201)
      .json(await domain.createFlag({ db, actor: req.actor, body }));
  });
  router.get('/api/gaps/flags/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await domain.getFlag({ db, actor: req.actor, id: id(req.params) }));
  });
  router.patch('/api/gaps/flags/:id', async (req, res) => {
    const flagId = id(req.params);
    const patch = parseBody(FlagPatch, req);
    res.set('Cache-Control', 'no-store').json(await domain.updateFlag({ db, actor: req.actor, id: flagId, patch }));
  });
  router.post('/api/gaps/flags/:id/comments', async (req, res) => {
    const flagId = id(req.params);
    const { body } = parseBody(FlagCommentBody, req);
    res
      .set('Cache-Control', 'no-store')
      .status(201)
      .json(await domain.commentOnFlag({ db, actor: req.actor, id: flagId, body }));
  });

  // Suggested flags
  router.get('/api/gaps/suggestions', async (req, res) => {
    const { icb } = parseQuery(SuggestionQuery, req);
    res
      .set('Cache-Control', 'no-store')
      .json({ suggestions: await domain.listSuggestions({ db, cache, actor: req.actor, icb, staleDays }) });
  });
  router.post('/api/gaps/suggestions/:code/accept', async (req, res) => {
    const { code } = parseOr400(GapPcnParams, req.params);
    const body = parseBody(SuggestionAcceptBody, req);
    res
      .set('Cache-Control', 'no-store')
      .status(201)
      .json(await domain.acceptSuggestion({ db, cache, actor: req.actor, pcnCode: code, body, staleDays }));
  });
  router.post('/api/gaps/suggestions/:code/dismiss', async (req, res) => {
    const { code } = parseOr400(GapPcnParams, req.params);
    const { reason } = parseBody(SuggestionDismissBody, req);
    res
      .set('Cache-Control', 'no-store')
      .status(201)
      .json(await domain.dismissSuggestion({ db, cache, actor: req.actor, pcnCode: code, reason, staleDays }));
  });
  return router;
}
