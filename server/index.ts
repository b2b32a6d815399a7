/** Entry point: loadConfig → openDatabase → migrate → reference data → createApp → listen; graceful shutdown on SIGTERM/SIGINT. */
import type { Server } from 'node:http';
import { loadConfig, ConfigError } from './config';
import { createLogger } from './logger';
import { sql } from 'drizzle-orm';
import { openDatabase, DataDirLockedError, query, type Database } from './db';
import { createApp, jobHandlers, type StartupStatus } from './app';
import { importReferenceData, loadProgressTracker, referenceDatasetStates } from './features/areas';
import { createMailer } from './features/email';
import { scheduleCapacityNudges } from './features/nudges';
import {
  databaseIsEmpty,
  DEFAULT_DEMO_PASSWORD,
  DEMO_ACCOUNTS,
  demoAtStart,
  demoEverLoaded,
  seedDemo,
} from './features/demo';
import { startFeedScheduler } from './features/feeds';
import { createJobWorker } from './features/jobs';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Signpost cannot start. ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.hostExplicit && config.nodeEnv !== 'production') {
    logger.warn(
      { host: config.host, nodeEnv: config.nodeEnv },
      `HOST=${config.host} is set outside production: Signpost is reachable from other machines with development defaults (random session secret per start, no HTTPS-only cookies). Set NODE_ENV=production for a shared server.`,
    );
  }
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      logger.fatal({ lock: err.lockPath, holderPid: err.holderPid }, err.message);
      process.stderr.write(`Signpost cannot start. ${err.message}\n`);
      process.exit(75); // EX_TEMPFAIL
    }
    throw err;
  }
  const engine = database.engine === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL server';
  logger.info({ engine: database.engine }, `database open (${engine})`);
  await database.migrate();
  logger.info('migrations applied');

  // The demo: on the first start of an empty database (never in production, on DATABASE_URL only with DEMO=on), after
  // the reference data. A demo cleared with npm run demo:clear does not come back.
  const loadDemo = demoAtStart(config) && (await databaseIsEmpty(database.db)) && !(await demoEverLoaded(database.db));
  const seedDemoNow = async () => {
    if (!loadDemo) return;
    const started = performance.now();
    const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
    const summary = await seedDemo({ db: database.db, password, log: (line) => logger.info(line) });
    logger.info(
      {
        services: summary.services,
        referrals: summary.referrals,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      },
      `demo loaded (DEMO=off to start empty; npm run demo:clear removes it): sign in with one click on /sign-in, or as ${DEMO_ACCOUNTS.filter(
        (a) => a.oneClick,
      )
        .map((a) => a.email)
        .join(', ')} (password ${process.env.DEMO_PASSWORD ? 'DEMO_PASSWORD' : DEFAULT_DEMO_PASSWORD})`,
    );
  };

  const startupStatus: StartupStatus = { state: 'ready' };
  // Every dataset is checked against the bundled files: a first start, a load killed part-way (each dataset commits
  // with its record, so a record means complete) or newer bundled files all reload what is missing, with no operator step.
  const toLoad =
    config.referenceData === 'auto'
      ? (await referenceDatasetStates(database.db, config.referenceDataDir)).filter((d) => d.state !== 'loaded')
      : [];
  const needsReference = toLoad.length > 0;
  if (needsReference) {
    logger.info(
      { datasets: toLoad.map((d) => ({ dataset: d.dataset, state: d.state })) },
      `reference datasets to load: ${toLoad.map((d) => `${d.dataset} (${d.state})`).join(', ')}`,
    );
  }
  if (needsReference) startupStatus.state = 'loading_reference_data';
  // Reference data already there (or skipped): the demo loads before the first request, so the first page shows it.
  if (!needsReference) {
    await seedDemoNow().catch((err: unknown) =>
      logger.error({ err }, 'the demo did not load; Signpost runs without it'),
    );
  }
  // Background jobs (imports): jobs left running by a dead process are marked failed, then queued ones are run.
  const jobs = createJobWorker({ database, handlers: jobHandlers(config), logger });
  await jobs.start();
  const app = createApp({ config, logger, database, startupStatus, jobs });
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  logger.info(
    { port, startupSeconds: Number(seconds), pid: process.pid },
    needsReference
      ? `Signpost serving on http://localhost:${port} after ${seconds} s; loading reference data (see /readyz)`
      : `Signpost ready on http://localhost:${port} in ${seconds} s`,
  );

  // Registered ORUK feeds are synced on their schedules once England's reference data is there (places need it).
  let stopFeeds = () => {};
  const startFeeds = () => {
    stopFeeds = startFeedScheduler({ db: database.db, worker: jobs, logger });
  };
  if (!needsReference) {
    startFeeds();
    void warmAreaCaches(config.host, port);
  }

  if (needsReference) {
    // First start: load England's reference data while already serving /healthz and a "loading" /readyz.
    const loadStarted = performance.now();
    logger.info(`loading reference data (${toLoad.length} datasets; a whole first load takes about a minute)`);
    let lastLogged = '';
    const track = loadProgressTracker(toLoad.map((d) => d.dataset));
    importReferenceData({
      db: database.db,
      dataRoot: config.referenceDataDir,
      onProgress: ({ step, done, total }) => {
        const progress = track(step, done, total);
        Object.assign(startupStatus, progress);
        const bucket = `${step}:${Math.floor(progress.stepPercent / 25)}`;
        if (bucket !== lastLogged) {
          lastLogged = bucket;
          logger.info(progress, `loading reference data: ${progress.percent}% (${step} ${progress.stepPercent}%)`);
        }
      },
    })
      .then(async (results) => {
        const missing = (await referenceDatasetStates(database.db, config.referenceDataDir)).filter(
          (d) => d.state !== 'loaded',
        );
        if (missing.length) throw new Error(`still not loaded: ${missing.map((d) => d.dataset).join(', ')}`);
        await seedDemoNow().catch((err: unknown) =>
          logger.error({ err }, 'the demo did not load; Signpost runs without it'),
        );
        Object.assign(startupStatus, { state: 'ready', step: undefined, percent: undefined, stepPercent: undefined });
        const seconds = Number(((performance.now() - loadStarted) / 1000).toFixed(1));
        logger.info(
          { results, counts: await tableCounts(database) },
          `reference data loaded in ${seconds} s; Signpost is ready`,
        );
        startFeeds();
        await warmAreaCaches(config.host, port);
      })
      .catch((err: unknown) => {
        Object.assign(startupStatus, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
        logger.error(
          { err },
          'reference data failed to load; fix the data and restart (datasets already committed are kept; the failed one is not)',
        );
      });
  }

  if (config.nudges === 'on') {
    // Capacity nudges once a day; safe with several processes (each service is claimed before it is emailed).
    scheduleCapacityNudges({ db: database.db, mailer: createMailer(config), config, logger });
    logger.info('capacity nudges on: first run in a minute, then daily');
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopFeeds();
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      // A job still running after the grace is left to the next start's recovery (nothing of it is applied).
      jobs
        .stop(SHUTDOWN_GRACE_MS)
        .then(() => database.close())
        .then(() => {
          logger.info('database closed; bye');
          process.exit(0);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'database did not close cleanly');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Builds the England-wide area responses once in the background, so the first visitor to the map does not wait. */
async function warmAreaCaches(host: string, port: number): Promise<void> {
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  for (const path of ['/api/areas/pcns', '/api/areas/pcns.geojson', '/api/areas/icbs.geojson']) {
    await fetch(`http://${target}:${port}${path}`, { headers: { 'Accept-Encoding': 'gzip' } })
      .then((res) => res.arrayBuffer())
      .catch(() => undefined); // Best effort: a failure here only means the first request builds it.
  }
}

async function tableCounts(database: Database): Promise<Record<string, number>> {
  const tables = [
    'regions',
    'icbs',
    'sub_icbs',
    'pcns',
    'practices',
    'lsoas',
    'area_indicators',
    'pcn_workforce',
    'postcodes',
    'postcode_areas',
  ];
  const rows = await query<{ t: string; n: number }>(
    database.db,
    sql.raw(tables.map((t) => `select '${t}' as t, count(*)::int as n from ${t}`).join(' union all ')),
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}

main().catch((err: unknown) => {
  process.stderr.write(`Signpost failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
