/** Routes of the API documentation: GET /api/openapi.json (OpenAPI 3.1), GET /api/docs (HTML) and its stylesheet. */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import { openApiDocument } from './document';
import { DOCS_CSS, renderDocsPage } from './html';

/** The API documentation router. */
export function apiDocsRouter(_deps: AppDeps): Router {
  const router = Router();
  let page: string | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    res.set('Access-Control-Allow-Origin', '*').set('Cache-Control', 'public, max-age=300').json(openApiDocument());
  });
  router.get('/api/docs', (_req, res) => {
    page ??= renderDocsPage(openApiDocument());
    res.set('Cache-Control', 'public, max-age=300').type('html').send(page);
  });
  router.get('/api/docs/docs.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').type('css').send(DOCS_CSS);
  });
  return router;
}
