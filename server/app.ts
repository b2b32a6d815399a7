/** createApp(deps): middleware, feature routers, 404 and the error handler. Never listens: tests build the same app. */
import path from 'node:path';
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import compression from 'compression';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Database } from './db';
import { errorHandler, notFoundHandler } from './middleware/errorHandler';
import { healthRouter } from './features/health';
import { areasRouter } from './features/areas';
import { directoryRouter } from './features/directory';
import { searchRouter } from './features/search';
import { importJobHandlers, importsRouter, ORUK_IMPORT_PATH } from './features/imports';
import { createJobWorker, jobsRouter, type JobHandlers, type JobWorker } from './features/jobs';
import { feedJobHandlers, feedsRouter } from './features/feeds';
import { demandRouter } from './features/demand';
import { orukRouter } from './features/oruk';
import { gapsRouter } from './features/gaps';
import { apiDocsRouter } from './features/apidocs';
import { accountsRouter, csrfProtection, sessionMiddleware } from './features/accounts';
import { devOutboxRouter, type Mailer } from './features/email';
import { createMetrics, metricsRouter } from './features/metrics';
import { demoIsOn, demoRouter } from './features/demo';
import { isClientRoute } from '../shared/clientRoutes';
import { perMinuteLimit } from './middleware/rateLimit';
import { rejectUnsafeInput } from './middleware/safeInput';

/** Everything the app needs from outside; tests pass their own. */
export interface AppDeps {
  /** Validated configuration. */
  config: Config;
  /** Process logger. */
  logger: Logger;
  /** Open, migrated database. */
  database: Database;
  /** Folder of the built client (index.html and assets). Default dist/client; absent folder → API only. */
  clientDir?: string;
  /** State of the start-up reference-data load, reported by /readyz; absent means nothing is loading. */
  startupStatus?: StartupStatus;
  /** Outgoing email; default built from config (SMTP_URL, or record-only when unset). */
  mailer?: Mailer;
  /** Waits `ms` milliseconds (sign-in slow-down); default a timer. Tests pass a recorder to observe waits without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Services per batch of the whole-directory exports; default 500. Tests use a small one to exercise several. */
  exportBatchSize?: number;
  /**
   * The background-job worker (server/index.ts starts it: recovery and polling, and stops it on shutdown). Absent: the
   * app makes one that is never started, so jobs run when an enqueue kicks it (tests).
   */
  jobs?: JobWorker;
}

/** What the process is doing at start-up, for /readyz and the client banner. */
export interface StartupStatus {
  /** ready, or loading reference data (first start), or failed. */
  state: 'ready' | 'loading_reference_data' | 'failed';
  /** Current step while loading. */
  step?: string;
  /** Percent of the whole load done, 0–99 while loading; never goes down. */
  percent?: number;
  /** Percent of the current step done, 0–100. */
  stepPercent?: number;
  /** Why it failed. */
  error?: string;
}

/** Maximum JSON body size accepted by the API. */
export const JSON_BODY_LIMIT = '100kb';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The image hosts the map tiles come from, for the Content-Security-Policy. */
export function tileSources(tileUrl: string): string[] {
  const match = /^(https?):\/\/([^/]+)/.exec(tileUrl);
  if (!match) return [];
  // "{s}.tile.example.org" templates rotate subdomains: allow them all.
  return [`${match[1]}://${match[2]!.replace('{s}', '*')}`];
}

/** Every kind of background job the app runs: imports (file, spreadsheet) and feed syncs. */
export function jobHandlers(config: Config): JobHandlers {
  const outbound = { outboundAllow: config.outboundAllow };
  return { ...importJobHandlers(outbound), ...feedJobHandlers(outbound) };
}

/** Builds the Express application. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Who the client is (req.ip, the key of every per-address limit): by default the TCP peer; TRUST_PROXY opts in.
  app.set('trust proxy', deps.config.trustProxy);
  app.set('etag', 'strong');
  // First, so that every response is timed, 429 refusals included.
  const metrics = createMetrics(deps);
  app.use(metrics.httpMiddleware);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', ...tileSources(deps.config.tileUrl)],
          styleSrc: ["'self'"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: deps.config.nodeEnv === 'production' ? [] : null,
        },
      },
      strictTransportSecurity: deps.config.nodeEnv === 'production',
    }),
  );
  app.use(compression());
  // Before anything that may touch the database: /healthz never waits for it (see healthRouter).
  app.use(healthRouter(deps));
  // Browsing fails open: a database outage must not turn every API request into an error because of the limiter.
  app.use(
    '/api',
    perMinuteLimit({
      db: deps.database.db,
      logger: deps.logger,
      name: 'api',
      perMinute: deps.config.rateLimitApiPerMinute,
      onStoreError: 'allow',
    }),
  );
  const json = express.json({ limit: JSON_BODY_LIMIT });
  // The ORUK file import reads its own (larger) JSON body as bytes.
  app.use((req, res, next) => (req.path === ORUK_IMPORT_PATH ? next() : json(req, res, next)));
  app.use(rejectUnsafeInput);
  // Sessions are read for the API and /metrics only: the health checks, the app shell and its assets need no
  // database, so they answer even while the embedded database is busy with a long transaction (the first load).
  const session = sessionMiddleware(deps.database.db);
  app.use((req, res, next) =>
    req.path.startsWith('/api/') || req.path === '/metrics' ? session(req, res, next) : next(),
  );
  app.use(csrfProtection);
  app.use(metricsRouter(deps, metrics.registry));
  app.get('/api/config', async (_req, res) => {
    res.json({
      tileUrl: deps.config.tileUrl,
      tileAttribution: deps.config.tileAttribution,
      devOutbox: deps.config.devOutbox,
      // The configuration must answer during a database outage (the map still loads); the demo is then "off".
      demo: await demoIsOn(deps).catch(() => false),
    });
  });
  app.use(demoRouter(deps));
  app.use(areasRouter(deps));
  // Before the directory: its /api/services/:id would otherwise swallow /api/services/search and /map.
  app.use(searchRouter(deps));
  app.use(directoryRouter(deps));
  const jobs =
    deps.jobs ?? createJobWorker({ database: deps.database, handlers: jobHandlers(deps.config), logger: deps.logger });
  app.use(importsRouter(deps, jobs));
  app.use(jobsRouter(deps, jobs));
  app.use(feedsRouter(deps, jobs));
  app.use(demandRouter(deps));
  app.use(orukRouter(deps));
  app.use(gapsRouter(deps));
  app.use(accountsRouter(deps));
  app.use(devOutboxRouter(deps));
  app.use(apiDocsRouter(deps));
  app.use('/api', notFoundHandler);

  const clientDir = deps.clientDir ?? path.resolve(__dirname, '..', 'dist', 'client');
  const indexHtml = path.join(clientDir, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h', immutable: false }));
    // Client-side routes get the app shell; any other GET that accepts HTML gets it too (the app shows its
    // not-found page) but with 404, so crawlers, link checkers and monitors see a missing page as missing.
    app.get(/^\/(?!api\/).*/, (req, res, next) => {
      if (!req.accepts('html')) return next();
      res
        .status(isClientRoute(req.path) ? 200 : 404)
        .set('Cache-Control', 'no-cache')
        .sendFile(indexHtml);
    });
  }

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
