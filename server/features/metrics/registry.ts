/** The Prometheus metrics of one app: a per-app prom-client Registry (HTTP, database, imports) plus process-wide Node.js defaults. */
import type { Request, RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import { query, type Database, type PoolStats } from '../../db';
import type { Logger } from '../../logger';

/** Route label of a request no route matched (static files, 404s, refusals before routing such as the API-wide limit). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** Import kinds always reported, so their series exist (at 0) before the first import. */
const IMPORT_KINDS = ['services', 'oruk', 'reference_data'];

/** Methods reported by name; anything else is counted as "other" to bound the label's values. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

let processRegistry: Registry | undefined;

/**
 * Node.js process metrics (event-loop lag, heap, CPU, GC, handles…) in a registry of their own, created once per
 * process: apps built in the same process (tests) share it instead of each starting its own event-loop monitor.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The route pattern that answered a request (e.g. `/api/services/:id`), never the raw URL. */
export function routeLabel(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (!route) return UNMATCHED_ROUTE;
  return typeof route.path === 'string' ? `${req.baseUrl}${route.path}` : String(route.path);
}

/** An app's metrics: the registry /metrics serves and the middleware that times requests. */
export interface AppMetrics {
  /** Per-app registry merged with the process-wide Node.js metrics. */
  registry: Registry;
  /** Times every request and counts 429 refusals; mount before anything that may answer. */
  httpMiddleware: RequestHandler;
}

/** Creates the metrics of one app on its database (never the prom-client global registry). */
export function createMetrics({ database, logger }: { database: Database; logger: Logger }): AppMetrics {
  const registry = new Registry();

  const httpDuration = new Histogram({
    name: 'signpost_http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const refusals = new Counter({
    name: 'signpost_rate_limit_refusals_total',
    help: `Requests refused with 429 by a rate limit, by route pattern (${UNMATCHED_ROUTE}: the API-wide limit, which refuses before routing)`,
    labelNames: ['route'] as const,
    registers: [registry],
  });

  const queryDuration = new Histogram({
    name: 'signpost_db_query_duration_seconds',
    help: 'Database query time, including any wait for a pool connection, by outcome (ok or error)',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  database.observeQueries((seconds, ok) => queryDuration.observe({ outcome: ok ? 'ok' : 'error' }, seconds));

  const poolStats = database.poolStats;
  if (poolStats) {
    const pool = (name: string, help: string, read: (s: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(read(poolStats()));
        },
      });
    pool('signpost_db_pool_connections', 'Open connections of the database pool, idle or in use', (s) => s.total);
    pool('signpost_db_pool_idle_connections', 'Open connections of the database pool not in use', (s) => s.idle);
    pool('signpost_db_pool_waiting_clients', 'Queries or transactions waiting for a pool connection', (s) => s.waiting);
  }

  new Gauge({
    name: 'signpost_imports_completed',
    help: 'Imports written to the database by any process, by kind (services CSV, ORUK feed, reference_data datasets)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      // One cheap query at scrape time: import audit entries (indexed by entity type) and the small dataset table.
      const rows = await query<{ kind: string; n: number }>(
        database.db,
        sql`select substr(action, 8) as kind, count(*)::int as n from audit_log
            where entity_type = 'import' and action like 'import.%' group by action
            union all select 'reference_data', count(*)::int from dataset_imports`,
      ).catch((err: unknown) => {
        logger.warn({ err }, 'metrics: could not count imports');
        return undefined;
      });
      this.reset();
      if (!rows) return;
      for (const kind of IMPORT_KINDS) this.set({ kind }, 0);
      for (const row of rows) this.set({ kind: row.kind }, row.n);
    },
  });

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      const route = routeLabel(req);
      const status = res.statusCode;
      const method = METHODS.has(req.method) ? req.method : 'other';
      httpDuration.observe({ method, route, status: String(status) }, (performance.now() - started) / 1000);
      if (status === 429) refusals.inc({ route });
    });
    next();
  };

  return { registry: Registry.merge([processMetrics(), registry]), httpMiddleware };
}
