/** Routes of the imports API: POST /api/admin/imports/services (text/csv body) → the import report. Admin only. */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { AppError, badField } from '../../errors';
import { parseQuery } from '../../middleware/validate';
import { singleLine } from '../../../shared/schemas/common';
import { requireRole } from '../accounts';
import { importServicesCsv } from './domain';
import { parseMapOption } from './fields';
import { PRESET_NAMES, resolveMapping } from './presets';

/** Largest CSV accepted by the API. */
export const IMPORT_BODY_LIMIT = '5mb';

const flag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1');

const ImportQuery = z.object({
  preset: z.enum(PRESET_NAMES, { error: `must be one of ${PRESET_NAMES.join(', ')}` }).optional(),
  map: singleLine().max(2000, 'must be at most 2000 characters').optional(),
  dryRun: flag,
  skipInvalid: flag,
  file: singleLine().trim().max(200, 'must be at most 200 characters').optional(),
});

/** Refuses anonymous and non-admin callers before the body is read. */
const adminOnly = (req: Request, _res: Response, next: NextFunction) => {
  requireRole(req.actor, 'admin');
  next();
};

/** The imports router. */
export function importsRouter({ database }: AppDeps): Router {
  const router = Router();
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
        resolved = resolveMapping({ preset: q.preset, map: q.map ? parseMapOption(q.map) : undefined });
      } catch (err) {
        throw badField(q.map ? 'map' : 'preset', (err as Error).message);
      }
      const actor = requireRole(req.actor, 'admin');
      const report = await importServicesCsv({
        db: database.db,
        csvText: req.body,
        ...resolved,
        dryRun: q.dryRun,
        skipInvalid: q.skipInvalid,
        actor: { userId: actor.userId, role: actor.role },
        fileName: q.file || 'upload.csv',
      });
      res.set('Cache-Control', 'no-store');
      res.status(report.rejected > 0 && !q.skipInvalid ? 422 : 200).json(report);
    },
  );
  return router;
}
