/**
 * Routes of the imports API (admin only): POST /api/admin/imports/services (text/csv body) and
 * POST /api/admin/imports/oruk (an ORUK JSON document) enqueue a background job and answer 202 { job } with its
 * Location (/api/admin/jobs/:id); POST /api/admin/imports/services?dryRun=true stays synchronous (the preview) and
 * answers the report.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { AppError, badField } from '../../errors';
import { parseQuery } from '../../middleware/validate';
import { singleLine } from '../../../shared/schemas/common';
import { requireRole } from '../accounts';
import { enqueueJob, JobInputError, presentJob, type JobWorker } from '../jobs';
import { importServicesCsv } from './domain';
import { PRESET_NAMES } from './presets';
import { mappingOf, ORUK_FILE_JOB, orukServicesOf, SERVICES_CSV_JOB } from './jobs';

/** Largest CSV accepted by the API. */
export const IMPORT_BODY_LIMIT = '5mb';
/** Largest ORUK document accepted by the API. */
export const ORUK_IMPORT_BODY_LIMIT = '50mb';
/** Path of the ORUK file import: the app's 100 kB JSON parser skips it (it reads its own, larger body). */
export const ORUK_IMPORT_PATH = '/api/admin/imports/oruk';

const flag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1');

const file = singleLine().trim().max(200, 'must be at most 200 characters').optional();

const ImportQuery = z.object({
  preset: z.enum(PRESET_NAMES, { error: `must be one of ${PRESET_NAMES.join(', ')}` }).optional(),
  map: singleLine().max(2000, 'must be at most 2000 characters').optional(),
  dryRun: flag,
  skipInvalid: flag,
  file,
});

const OrukQuery = z.object({ skipInvalid: flag, file });

/** Refuses anonymous and non-admin callers before the body is read. */
const adminOnly = (req: Request, _res: Response, next: NextFunction) => {
  requireRole(req.actor, 'admin');
  next();
};

/** The imports router; jobs are run by `worker` (kicked on enqueue). */
export function importsRouter({ database }: AppDeps, worker: JobWorker): Router {
  const router = Router();
  const accepted = (res: Response, job: Parameters<typeof presentJob>[0]) => {
    worker.kick();
    res
      .status(202)
      .set('Cache-Control', 'no-store')
      .location(`/api/admin/jobs/${job.id}`)
      .json({ job: presentJob(job, undefined, { withResult: false }) });
  };

  router.post(
    '/api/admin/imports/services',
    adminOnly,
    express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: IMPORT_BODY_LIMIT }),
    async (req, res) => {
      const q = parseQuery(ImportQuery, req);
      if (typeof req.body !== 'string')
        throw new AppError(415, 'unsupported_media_type', 'Send the CSV as the body with Content-Type: text/csv');
      if (!req.body.trim()) throw badField('body', 'must not be empty');
      let resolved;
      try {
        resolved = mappingOf({ preset: q.preset, map: q.map });
      } catch (err) {
        throw badField((err as { field: string }).field, (err as Error).message);
      }
      const actor = requireRole(req.actor, 'admin');
      const fileName = q.file || 'upload.csv';
      if (q.dryRun) {
        const report = await importServicesCsv({
          db: database.db,
          csvText: req.body,
          ...resolved,
          dryRun: true,
          skipInvalid: q.skipInvalid,
          actor: { userId: actor.userId, role: actor.role },
          fileName,
        });
        res.set('Cache-Control', 'no-store');
        res.status(report.rejected > 0 && !q.skipInvalid ? 422 : 200).json(report);
        return;
      }
      const job = await enqueueJob(database.db, {
        kind: SERVICES_CSV_JOB,
        input: Buffer.from(req.body, 'utf8'),
        inputType: 'text/csv',
        options: {
          ...(q.preset ? { preset: q.preset } : {}),
          ...(q.map ? { map: q.map } : {}),
          skipInvalid: q.skipInvalid,
          file: fileName,
          role: actor.role,
        },
        createdBy: actor.userId,
      });
      accepted(res, job);
    },
  );

  router.post(
    ORUK_IMPORT_PATH,
    adminOnly,
    express.raw({ type: ['application/json', 'application/*+json'], limit: ORUK_IMPORT_BODY_LIMIT }),
    async (req, res) => {
      const q = parseQuery(OrukQuery, req);
      if (!Buffer.isBuffer(req.body))
        throw new AppError(
          415,
          'unsupported_media_type',
          'Send the ORUK document as the body with Content-Type: application/json',
        );
      if (!req.body.length) throw badField('body', 'must not be empty');
      let services: unknown[];
      try {
        services = orukServicesOf(req.body);
      } catch (err) {
        if (err instanceof JobInputError) throw badField('body', err.message);
        throw err;
      }
      if (!services.length) throw badField('body', 'the document has no services');
      const actor = requireRole(req.actor, 'admin');
      const job = await enqueueJob(database.db, {
        kind: ORUK_FILE_JOB,
        input: req.body,
        inputType: 'application/json',
        options: { skipInvalid: q.skipInvalid, file: q.file || 'upload.json' },
        createdBy: actor.userId,
      });
      accepted(res, job);
    },
  );
  return router;
}
