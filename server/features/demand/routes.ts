/** Routes of demand signals: referrals, unmet need, reopen subscriptions and the summary; validate → domain → present. */
import { Router, type Response } from 'express';
import type { AppDeps } from '../../app';
import { parseBody, parseOr400, parseQuery } from '../../middleware/validate';
import { IdParams } from '../../../shared/schemas/directory';
import { DemandSummaryQuery, ReferralBody, UnmetNeedBody } from '../../../shared/schemas/demand';
import * as domain from './domain';

/** The demand router. */
/** 201 for a new record, 200 when a repeat returned the existing one; never cached. */
function sendRecorded(res: Response, created: boolean, body: unknown): void {
  res
    .set('Cache-Control', 'no-store')
    .status(created ? 201 : 200)
    .json(body);
}

export function demandRouter({ database }: AppDeps): Router {
  const router = Router();
  const db = database.db;
  const id = (params: unknown) => parseOr400(IdParams, params).id;

  router.post('/api/services/:id/referrals', async (req, res) => {
    const serviceId = id(req.params);
    parseBody(ReferralBody, req);
    const { referral, created } = await domain.recordReferral({ db, actor: req.actor, serviceId });
    sendRecorded(res, created, referral);
  });

  router.post('/api/unmet-needs', async (req, res) => {
    const body = parseBody(UnmetNeedBody, req);
    const { unmetNeed, created } = await domain.recordUnmetNeed({ db, actor: req.actor, body });
    sendRecorded(res, created, unmetNeed);
  });

  router.get('/api/services/:id/reopen-subscription', async (req, res) => {
    const serviceId = id(req.params);
    res.set('Cache-Control', 'no-store').json(await domain.getReopenSubscription({ db, actor: req.actor, serviceId }));
  });
  router.post('/api/services/:id/reopen-subscription', async (req, res) => {
    const serviceId = id(req.params);
    parseBody(ReferralBody, req);
    const { subscription, created } = await domain.subscribeReopen({ db, actor: req.actor, serviceId });
    sendRecorded(res, created, subscription);
  });
  router.delete('/api/services/:id/reopen-subscription', async (req, res) => {
    const serviceId = id(req.params);
    await domain.unsubscribeReopen({ db, actor: req.actor, serviceId });
    res.set('Cache-Control', 'no-store').status(204).end();
  });

  router.get('/api/demand/summary', async (req, res) => {
    const q = parseQuery(DemandSummaryQuery, req);
    res.set('Cache-Control', 'no-store').json(await domain.demandSummary({ db, actor: req.actor, q }));
  });
  return router;
}
