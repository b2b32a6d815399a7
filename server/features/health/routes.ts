/** /healthz (process alive) and /readyz (database reachable and migrated, every reference dataset loaded). */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import { referenceDatasetStates, type DatasetState } from '../areas';

/** Health router; never cached. */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    // From memory only: it answers whatever the database is doing. A first start's load is reported here too, so the
    // web page can show its progress without a 503 (readiness is /readyz's business).
    const startup = deps.startupStatus;
    res.set('Cache-Control', 'no-store').json({
      status: 'ok',
      uptimeSeconds: Math.round(process.uptime()),
      ...(startup && startup.state !== 'ready' ? { startup } : {}),
    });
  });
  router.get('/readyz', async (_req, res) => {
    const startup = deps.startupStatus;
    if (startup?.state === 'loading_reference_data') {
      // Answered from memory: the load holds the embedded database's one connection in a transaction per dataset, so
      // a database query here would wait for that dataset to commit.
      res.status(503).set('Cache-Control', 'no-store').set('Retry-After', '2').json({
        status: 'not_ready',
        engine: deps.database.engine,
        startup,
      });
      return;
    }
    const migrated = await deps.database.isReady().catch(() => false);
    const datasets: DatasetState[] | undefined = migrated
      ? await referenceDatasetStates(deps.database.db, deps.config.referenceDataDir).catch(() => undefined)
      : undefined;
    // With REFERENCE_DATA=skip the operator loads reference data (npm run import:reference): listed, not required.
    const datasetsReady =
      deps.config.referenceData === 'skip' || (datasets?.every((d) => d.state === 'loaded') ?? false);
    const ready = migrated && datasetsReady && (!startup || startup.state === 'ready');
    res
      .status(ready ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({
        status: ready ? 'ready' : 'not_ready',
        engine: deps.database.engine,
        ...(startup && startup.state !== 'ready' ? { startup } : {}),
        ...(datasets ? { datasets } : {}),
      });
  });
  return router;
}
