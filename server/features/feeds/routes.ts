/** Routes of registered ORUK feeds (admin only): list, register, change, remove, and sync now. */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import { parseBody, parseOr400 } from '../../middleware/validate';
import { IdParams } from '../../../shared/schemas/directory';
import { FeedBody, FeedPatch } from '../../../shared/schemas/feeds';
import { requireRole } from '../accounts';
import { presentJob, type JobWorker } from '../jobs';
import * as domain from './domain';

/** The feeds router. */
export function feedsRouter({ database }: AppDeps, worker: Pick<JobWorker, 'kick'>): Router {
  const router = Router();
  const db = database.db;
  const id = (params: unknown) => parseOr400(IdParams, params).id;
  // Refuse anonymous and non-admin callers before reading anything they sent (the domain checks again).
  router.use('/api/admin/feeds', (req, _res, next) => {
    requireRole(req.actor, 'admin');
    next();
  });

  router.get('/api/admin/feeds', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await domain.listFeeds(db, req.actor));
  });
  router.get('/api/admin/feeds/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await domain.getFeed(db, req.actor, id(req.params)));
  });
  router.post('/api/admin/feeds', async (req, res) => {
    const body = parseBody(FeedBody, req);
    const feed = await domain.createFeed(db, req.actor, body);
    res.set('Cache-Control', 'no-store').status(201).location(`/api/admin/feeds/${feed.id}`).json(feed);
  });
  router.patch('/api/admin/feeds/:id', async (req, res) => {
    const feedId = id(req.params);
    const patch = parseBody(FeedPatch, req);
    res.set('Cache-Control', 'no-store').json(await domain.updateFeed(db, req.actor, feedId, patch));
  });
  router.delete('/api/admin/feeds/:id', async (req, res) => {
    await domain.deleteFeed(db, req.actor, id(req.params));
    res.status(204).end();
  });
  router.post('/api/admin/feeds/:id/sync', async (req, res) => {
    const job = await domain.syncFeedNow(db, req.actor, id(req.params));
    worker.kick();
    res
      .status(202)
      .set('Cache-Control', 'no-store')
      .location(`/api/admin/jobs/${job.id}`)
      .json({ job: presentJob(job, undefined, { withResult: false }) });
  });
  return router;
}
