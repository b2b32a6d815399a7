/** /healthz (process alive) and /readyz (database reachable and migrated, every reference dataset loaded). */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import { referenceDatasetStates, type DatasetState } from '../areas';

/** Health router; never cached. */
export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  router.get('/readyz', async (_req, res) => {
    const migrated = await deps.database.isReady().catch(() => false);
    const datasets: DatasetState[] | undefined = migrated
      ? await referenceDatasetStates(deps.database.db, deps.config.referenceDataDir).catch(() => undefined)
      : undefined;
    const startup = deps.startupStatus;
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
