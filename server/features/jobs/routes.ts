/** Routes of the jobs API (admin only): GET /api/admin/jobs, /api/admin/jobs/:id, /api/admin/jobs/:id/problems.csv. */
import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { notFound } from '../../errors';
import { parseOr400, parseQuery } from '../../middleware/validate';
import { requireRole } from '../accounts';
import type { JobWorker } from './domain';
import { presentJob, problemsCsv } from './presenter';
import * as repo from './repository';

const IdParams = z.object({ id: z.uuid({ error: 'must be a UUID' }) });
const ListQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(50),
});

/** The jobs router; `worker` answers live progress of jobs running in this process. */
export function jobsRouter({ database }: AppDeps, worker: JobWorker): Router {
  const router = Router();
  const db = database.db;
  const load = async (params: unknown) => {
    const { id } = parseOr400(IdParams, params);
    const row = await repo.findJob(db, id);
    if (!row) throw notFound('Job');
    return row;
  };

  router.get('/api/admin/jobs', async (req, res) => {
    requireRole(req.actor, 'admin');
    const { limit } = parseQuery(ListQuery, req);
    const rows = await repo.listJobs(db, limit);
    res
      .set('Cache-Control', 'no-store')
      .json({ jobs: rows.map((r) => presentJob(r, worker.liveProgress(r.id), { withResult: false })) });
  });
  router.get('/api/admin/jobs/:id', async (req, res) => {
    requireRole(req.actor, 'admin');
    const row = await load(req.params);
    res
      .set('Cache-Control', 'no-store')
      .json({ job: presentJob(row, worker.liveProgress(row.id), { withResult: true }) });
  });
  router.get('/api/admin/jobs/:id/problems.csv', async (req, res) => {
    requireRole(req.actor, 'admin');
    const row = await load(req.params);
    res
      .set('Cache-Control', 'no-store')
      .set('Content-Disposition', `attachment; filename="import-${row.id}-problems.csv"`)
      .type('text/csv; charset=utf-8')
      .send(problemsCsv(row.result));
  });
  return router;
}
