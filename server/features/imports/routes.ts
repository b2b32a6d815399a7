/**
 * Routes of the imports API (admin only; writes need the CSRF token like every admin write):
 * - POST /api/admin/imports/services (CSV or XLSX body) → 202 { job } with its Location (/api/admin/jobs/:id): the
 *   import runs as a background job; with dryRun=true it runs at once and answers the report (the check);
 * - POST /api/admin/imports/oruk (an ORUK JSON document) → 202 { job };
 * - POST /api/admin/imports/inspect (file body) → header, suggested mapping, row count, saved mappings that fit;
 * - POST /api/admin/imports/preview (file body, mapping in the query) → the first rows as they would be stored;
 * - GET /api/admin/import-mappings, GET/PUT/DELETE /api/admin/import-mappings/:name → saved mappings.
 * A mapping comes as `preset`, `mappingName` (a saved mapping), `mapping` (JSON column → field) or `map`
 * (`column=field,…`); later ones extend earlier ones. `taxonomy=code,…` sets the terms of rows without a taxonomy
 * column value (unknown codes reject those rows, naming the code).
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../app';
import { AppError, badField, notFound } from '../../errors';
import { parseBody, parseQuery } from '../../middleware/validate';
import { singleLine } from '../../../shared/schemas/common';
import { requireRole } from '../accounts';
import { enqueueJob, JobInputError, presentJob, type JobWorker } from '../jobs';
import { ORUK_FILE_JOB, orukDocumentOf, SERVICES_CSV_JOB } from './jobs';
import { importSpreadsheet, previewSpreadsheet } from './domain';
import { parseMapOption, type ColumnMapping } from './fields';
import {
  MappingBody,
  MappingName,
  TaxonomyDefaultBody,
  deleteMapping,
  getMapping,
  listMappings,
  saveMapping,
  suggestMapping,
} from './mappings';
import { PRESET_NAMES, resolveMapping, type ImportDefaults, type Preset } from './presets';
import { readSpreadsheet, XLSX_TYPE } from './spreadsheet';

/** Largest file accepted by the API. */
export const IMPORT_BODY_LIMIT = '5mb';
/** Largest ORUK document accepted by the API. */
export const ORUK_IMPORT_BODY_LIMIT = '50mb';
/** Path of the ORUK file import: the app's 100 kB JSON parser skips it (it reads its own, larger body). */
export const ORUK_IMPORT_PATH = '/api/admin/imports/oruk';

/** Media types of the file bodies. */
export const SPREADSHEET_TYPES = ['text/csv', 'text/plain', 'application/csv', XLSX_TYPE, 'application/octet-stream'];

const flag = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1');

const MappingQuery = z.object({
  preset: z.enum(PRESET_NAMES, { error: `must be one of ${PRESET_NAMES.join(', ')}` }).optional(),
  mappingName: MappingName.optional(),
  mapping: z.string().max(20_000, 'must be at most 20000 characters').optional(),
  map: singleLine().max(2000, 'must be at most 2000 characters').optional(),
  file: singleLine().trim().max(200, 'must be at most 200 characters').optional(),
  /** Taxonomy codes (comma-separated) for rows without a taxonomy column value; default the mapping's, else by keywords. */
  taxonomy: singleLine()
    .max(500)
    .regex(/^[a-z0-9_]+(?:,[a-z0-9_]+){0,9}$/, 'must be taxonomy codes separated by commas, e.g. food,advice')
    .optional(),
});

const ImportQuery = MappingQuery.extend({ dryRun: flag, skipInvalid: flag });
const PreviewQuery = MappingQuery.extend({
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100, 'must be at most 100').default(20),
});

const OrukQuery = z.object({
  skipInvalid: flag,
  file: singleLine().trim().max(200, 'must be at most 200 characters').optional(),
});

/** Refuses anonymous and non-admin callers before the body is read. */
const adminOnly = (req: Request, _res: Response, next: NextFunction) => {
  requireRole(req.actor, 'admin');
  next();
};

/** Reads the file body (CSV text or XLSX bytes) as a Buffer. */
const fileBody = express.raw({ type: SPREADSHEET_TYPES, limit: IMPORT_BODY_LIMIT });

function fileOf(req: Request): Buffer {
  if (!Buffer.isBuffer(req.body))
    throw new AppError(
      415,
      'unsupported_media_type',
      `Send the file as the body with Content-Type: text/csv or ${XLSX_TYPE}`,
    );
  if (!req.body.length || !req.body.toString('utf8', 0, Math.min(req.body.length, 4096)).trim())
    throw badField('body', 'must not be empty');
  return req.body;
}

/** The mapping and defaults a request names (see the file comment); 400 naming the parameter when it is wrong. */
async function mappingOf(
  db: AppDeps['database']['db'],
  q: z.output<typeof MappingQuery>,
  { required }: { required: boolean },
): Promise<Preset | null> {
  let base: Preset | null = null;
  if (q.mappingName) {
    const saved = await getMapping(db, q.mappingName);
    if (!saved) throw badField('mappingName', `there is no saved mapping called "${q.mappingName}"`);
    base = { mapping: saved.mapping, defaults: saved.defaults };
  }
  let json: ColumnMapping | undefined;
  if (q.mapping !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(q.mapping);
    } catch {
      throw badField('mapping', 'must be a JSON object of column → field');
    }
    const parsed = MappingBody.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badField(['mapping', ...issue.path.map(String)].join('.'), issue.message);
    }
    json = parsed.data;
  }
  let extra: ColumnMapping | undefined;
  try {
    extra = q.map ? parseMapOption(q.map) : undefined;
  } catch (err) {
    throw badField('map', (err as Error).message);
  }
  if (!q.preset && !base && !json && !extra) {
    if (required) throw badField('mapping', 'give a mapping (mapping, mappingName, preset or map)');
    return null;
  }
  try {
    const preset = resolveMapping({
      preset: q.preset,
      map: { ...(base?.mapping ?? {}), ...(json ?? {}), ...(extra ?? {}) },
    });
    const defaults: ImportDefaults = base && !q.preset ? base.defaults : preset.defaults;
    return {
      mapping: preset.mapping,
      defaults: q.taxonomy ? { ...defaults, taxonomy: { codes: q.taxonomy.split(',') } } : defaults,
    };
  } catch (err) {
    throw badField(q.preset && !q.mapping && !q.map && !q.mappingName ? 'preset' : 'mapping', (err as Error).message);
  }
}

/** The imports router; jobs are run by `worker` (kicked on enqueue). */
export function importsRouter({ database }: AppDeps, worker: JobWorker): Router {
  const router = Router();
  const db = database.db;
  const accepted = (res: Response, job: Parameters<typeof presentJob>[0]) => {
    worker.kick();
    res
      .status(202)
      .set('Cache-Control', 'no-store')
      .location(`/api/admin/jobs/${job.id}`)
      .json({ job: presentJob(job, undefined, { withResult: false }) });
  };

  router.post('/api/admin/imports/services', adminOnly, fileBody, async (req, res) => {
    const q = parseQuery(ImportQuery, req);
    const file = fileOf(req);
    const resolved = (await mappingOf(db, q, { required: true }))!;
    const actor = requireRole(req.actor, 'admin');
    const fileName = q.file || 'upload.csv';
    if (!q.dryRun) {
      // The mapping is resolved now and stored with the job, so a saved mapping changed later cannot change it.
      const job = await enqueueJob(db, {
        kind: SERVICES_CSV_JOB,
        input: file,
        inputType: req.get('Content-Type') ?? null,
        options: { ...resolved, skipInvalid: q.skipInvalid, file: fileName, role: actor.role },
        createdBy: actor.userId,
      });
      accepted(res, job);
      return;
    }
    const report = await importSpreadsheet({
      db,
      file,
      contentType: req.get('Content-Type'),
      ...resolved,
      dryRun: q.dryRun,
      skipInvalid: q.skipInvalid,
      actor: { userId: actor.userId, role: actor.role },
      fileName,
    });
    res.set('Cache-Control', 'no-store');
    // 422 when the file itself is refused (row 1: unreadable, header or mapping problems) or, all or nothing, any row is.
    const fileRefused = report.problems.some((p) => p.line === 1);
    res.status(fileRefused || (report.rejected > 0 && !q.skipInvalid) ? 422 : 200).json(report);
  });

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
        services = orukDocumentOf(req.body).services;
      } catch (err) {
        if (err instanceof JobInputError) throw badField('body', err.message);
        throw err;
      }
      if (!services.length) throw badField('body', 'the document has no services');
      const actor = requireRole(req.actor, 'admin');
      const job = await enqueueJob(db, {
        kind: ORUK_FILE_JOB,
        input: req.body,
        inputType: 'application/json',
        options: { skipInvalid: q.skipInvalid, file: q.file || 'upload.json' },
        createdBy: actor.userId,
      });
      accepted(res, job);
    },
  );

  router.post('/api/admin/imports/inspect', adminOnly, fileBody, async (req, res) => {
    const q = parseQuery(MappingQuery.pick({ file: true }), req);
    const sheet = await readSpreadsheet(fileOf(req), req.get('Content-Type'), q.file);
    if (sheet.problem) throw badField('body', `row ${sheet.problem.row}: ${sheet.problem.reason}`);
    const saved = await listMappings(db);
    res.set('Cache-Control', 'no-store');
    res.json({
      header: sheet.header,
      rows: sheet.rows.length,
      suggestedMapping: suggestMapping(
        sheet.header,
        sheet.rows.slice(0, 50).map((r) => r.cells),
      ),
      /** Saved mappings whose columns are all in this header. */
      matchingMappings: saved
        .filter((m) => Object.keys(m.mapping).every((c) => sheet.header.includes(c)))
        .map((m) => m.name),
    });
  });

  router.post('/api/admin/imports/preview', adminOnly, fileBody, async (req, res) => {
    const q = parseQuery(PreviewQuery, req);
    const file = fileOf(req);
    const resolved = (await mappingOf(db, q, { required: true }))!;
    const result = await previewSpreadsheet({
      db,
      file,
      contentType: req.get('Content-Type'),
      fileName: q.file,
      ...resolved,
      limit: q.limit,
    });
    res.set('Cache-Control', 'no-store');
    res.json({ ...result, mapping: resolved.mapping, defaults: resolved.defaults });
  });

  router.get('/api/admin/import-mappings', adminOnly, async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ mappings: await listMappings(db) });
  });

  const nameOf = (req: Request) => {
    const parsed = MappingName.safeParse(req.params.name);
    if (!parsed.success) throw badField('name', parsed.error.issues[0]!.message);
    return parsed.data;
  };

  router.get('/api/admin/import-mappings/:name', adminOnly, async (req, res) => {
    const saved = await getMapping(db, nameOf(req));
    if (!saved) throw notFound('The saved mapping');
    res.set('Cache-Control', 'no-store');
    res.json(saved);
  });

  const SaveBody = z.object({
    mapping: MappingBody.refine((m) => Object.values(m).includes('organization_name'), {
      message: 'must map a column to organization_name',
    }),
    taxonomy: TaxonomyDefaultBody.default({ byKeywords: true }),
  });

  router.put('/api/admin/import-mappings/:name', adminOnly, express.json({ limit: '200kb' }), async (req, res) => {
    const name = nameOf(req);
    const body = parseBody(SaveBody, req);
    const before = await getMapping(db, name);
    if (before?.builtIn)
      throw new AppError(409, 'built_in', `"${name}" is a built-in mapping; save your changes under another name`);
    const actor = requireRole(req.actor, 'admin');
    const { saved, created } = await saveMapping(db, {
      name,
      mapping: body.mapping,
      taxonomy: body.taxonomy,
      userId: actor.userId,
    });
    res.status(created ? 201 : 200).json(saved);
  });

  router.delete('/api/admin/import-mappings/:name', adminOnly, async (req, res) => {
    const name = nameOf(req);
    const before = await getMapping(db, name);
    if (!before) throw notFound('The saved mapping');
    if (before.builtIn) throw new AppError(409, 'built_in', `"${name}" is a built-in mapping and cannot be deleted`);
    await deleteMapping(db, name);
    res.status(204).end();
  });

  return router;
}
