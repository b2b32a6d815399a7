/** /healthz (process alive) and /readyz (database reachable and migrated). */
import { Router } from 'express';
import type { AppDeps } from '../../app';

/** Health router; never cached. */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    const migrated = await deps.database.isReady().catch(() => false);
    const startup = deps.startupStatus;
    const ready = migrated && (!startup || startup.state === 'ready');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: ready ? 'ready' : 'not_ready',
        engine: deps.database.engine,
        ...(startup && startup.state !== 'ready' ? { startup } : {}),
      });
  });
  return router;
}
