/** Routes of the dev outbox: GET /api/dev/outbox (mounted only with DEV_OUTBOX=on, never in production). */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import * as domain from './domain';

/** The dev outbox router; an empty router unless DEV_OUTBOX=on outside production. */
export function devOutboxRouter({ database, config }: AppDeps): Router {
  const router = Router();
  if (config.nodeEnv === 'production' || !config.devOutbox) return router;
  router.get('/api/dev/outbox', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(await domain.listOutbox({ db: database.db, actor: req.actor, nodeEnv: config.nodeEnv }));
  });
  return router;
}
