/** GET /metrics in the Prometheus text format, for a scraper with METRICS_TOKEN (Bearer) or a signed-in admin. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { AppDeps } from '../../app';
import { forbidden } from '../../errors';
import { requireRole } from '../accounts';

/** The token of an `Authorization: Bearer <token>` header; undefined without the header, '' for another scheme. */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1]! : '';
}

/** Constant-time comparison; hashing first hides the expected token's length too. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The metrics router; not under /api, so the API-wide rate limit does not apply to scrapes. */
export function metricsRouter({ config }: AppDeps, registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const given = bearerToken(req.headers.authorization);
    if (given !== undefined) {
      // Credentials that were sent must be right, whoever is signed in.
      if (!config.metricsToken || !sameToken(given, config.metricsToken)) {
        throw forbidden('The metrics token is wrong (or no METRICS_TOKEN is configured)');
      }
    } else {
      if (!req.actor) res.set('WWW-Authenticate', 'Bearer realm="signpost-metrics"');
      requireRole(req.actor, 'admin');
    }
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
