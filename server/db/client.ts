/** Opens the database: embedded PGlite with PostGIS (default) or a PostgreSQL server (DATABASE_URL). The only module that imports a driver. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import { EmbeddedClient } from './embedded';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg, NodePgSession } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema';
import { lockDataDir, type DirLock } from './lock';

/** Shared buffers of a persistent embedded database (PostgreSQL's own default is 128MB). */
export const EMBEDDED_SHARED_BUFFERS = '384MB';

/** Folder of the committed SQL migrations. */
export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

/** Drizzle database typed with Signpost's schema; the same type for both engines. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Which engine a Database runs on. */
export type Engine = 'pglite' | 'postgres';

/** An open database and what the app needs to manage it. */
export interface Database {
  /** Drizzle handle for queries. */
  db: Db;
  /** pglite (embedded) or postgres (server). */
  engine: Engine;
  /** Applies pending migrations in one transaction (serialised across processes on a server). */
  migrate(): Promise<void>;
  /** Whether the database answers and has every committed migration applied. */
  isReady(): Promise<boolean>;
  /** Closes connections (and the embedded database cleanly) and releases the data-directory lock. */
  close(): Promise<void>;
  /** Dumps the embedded database as a gzipped tarball (tests use it as a template). Embedded only. */
  dump?(): Promise<Blob>;
  /** Adds an observer told of every query's duration (for metrics); returns a function that removes it. */
  observeQueries(observer: QueryObserver): () => void;
  /** The server engine's connection pool right now; absent on the embedded engine (one in-process connection). */
  poolStats?(): PoolStats;
}

/** Told of each finished query: how long it took in seconds and whether it succeeded. Must not throw. */
export type QueryObserver = (seconds: number, ok: boolean) => void;

/** Connections of the server engine's pool. */
export interface PoolStats {
  /** Open connections, idle or in use. */
  total: number;
  /** Open connections not in use. */
  idle: number;
  /** Queries (or transactions) waiting for a connection. */
  waiting: number;
}

/** The observers of one database, and a wrapper that times a driver method returning a promise. */
function queryObservers() {
  const observers = new Set<QueryObserver>();
  const report = (started: number, ok: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    for (const observer of observers) {
      try {
        observer(seconds, ok);
      } catch {
        // An observer's bug must never fail a query.
      }
    }
  };
  return {
    observe(observer: QueryObserver): () => void {
      observers.add(observer);
      return () => observers.delete(observer);
    },
    /** Wraps `fn` so that every call returning a promise reports its duration; other calls pass through untimed. */
    timed<F extends (...args: never[]) => unknown>(fn: F): F {
      return ((...args: Parameters<F>) => {
        if (observers.size === 0) return fn(...args);
        const started = performance.now();
        const result = fn(...args);
        if (result instanceof Promise) {
          result.then(
            () => report(started, true),
            () => report(started, false),
          );
        }
        return result;
      }) as F;
    },
  };
}

/** Options for openDatabase. */
export interface OpenOptions {
  /** PostgreSQL URL; absent means embedded. */
  databaseUrl?: string;
  /** Folder for the embedded database (lock file inside it); absent with no URL means in-memory. */
  dataDir?: string;
  /** A gzipped PGlite data directory to start from (tests' migrated template). */
  loadDataDir?: Blob;
  /** Connection pool size for the server engine. Default 10. */
  poolSize?: number;
  /**
   * Embedded only: called with the database folder once the data-directory lock is held and before PGlite opens it
   * (restore moves the old folder aside here). The returned function, if any, is called if opening then fails, still
   * under the lock (restore puts the old folder back).
   */
  beforeOpen?: (pgliteDir: string) => (() => void) | void;
}

/** Folder of the embedded database inside a DATA_DIR (the lock file sits beside it). */
export function embeddedDir(dataDir: string): string {
  return path.resolve(dataDir, 'pglite');
}

/** Runs raw SQL and returns its rows, the same on both engines. */
export async function query<T>(db: Db, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

/** The parts of drizzle's database object that queryPrepared uses (public at run time, internal in its types). */
interface DrizzleInternals {
  dialect: { sqlToQuery(statement: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(
      query: { sql: string; params: unknown[] },
      fields: undefined,
      name: string,
      arrayMode: boolean,
    ): { execute(): Promise<unknown> };
  };
}

/**
 * Like query, for hot statements whose text repeats with different values: on PostgreSQL a named prepared statement
 * (named by a hash of its text), so each connection parses it once and PostgreSQL may keep a generic plan. PGlite
 * (one in-process connection) runs it as query does. Not for use behind a transaction-pooling PgBouncer.
 */
export async function queryPrepared<T>(db: Db, statement: SQL): Promise<T[]> {
  const internals = db as unknown as DrizzleInternals;
  if (!(internals.session instanceof NodePgSession)) return query<T>(db, statement);
  const prepared = internals.dialect.sqlToQuery(statement);
  const name = `sp_${createHash('sha1').update(prepared.sql).digest('hex').slice(0, 24)}`;
  const result = (await internals.session.prepareQuery(prepared, undefined, name, false).execute()) as { rows: T[] };
  return result.rows;
}

function expectedMigrations(): number {
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
}

async function appliedMigrations(db: Db): Promise<number> {
  const rows = await query<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`).catch(
    () => [{ n: 0 }],
  );
  return rows[0]?.n ?? 0;
}

/** Node network error codes that mean the database server cannot be reached right now. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a database that is down, restarting or full: class 08 (connection), 57P01–57P03, 53300. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|PGlite is clos(ed|ing)|Cannot use a pool after calling end/i;

/** Whether an error (or the driver error drizzle wrapped in it) is a unique-constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === '23505' || e?.cause?.code === '23505';
}

/**
 * Whether an error (or any error in its `cause` chain, as drizzle wraps driver errors) means the database is
 * unavailable — down, restarting, unreachable or out of connections — rather than a bug: callers answer 503.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  }
  return false;
}

/** How long the server engine waits for a pooled connection before the request gets a 503 (never hangs). */
export const CONNECT_TIMEOUT_MS = 5_000;

/** Opens the database chosen by the options. */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.databaseUrl ? openServer(opts.databaseUrl, opts.poolSize ?? 10) : openEmbedded(opts);
}

async function openEmbedded(opts: OpenOptions): Promise<Database> {
  let lock: DirLock | undefined;
  let dataDir: string | undefined;
  let undo: (() => void) | void = undefined;
  if (opts.dataDir) {
    lock = lockDataDir(opts.dataDir);
    dataDir = embeddedDir(opts.dataDir);
    try {
      undo = opts.beforeOpen?.(dataDir);
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      lock.release();
      throw err;
    }
  }
  let client: EmbeddedClient;
  try {
    client = await EmbeddedClient.open({
      dataDir,
      loadDataDir: opts.loadDataDir ? await opts.loadDataDir.arrayBuffer() : undefined,
      // A persistent database serves England's 2.7 M postcodes (~250 MB with index): PGlite's default 128 MB of
      // shared buffers makes random lookups miss often (p95 2×). In-memory test databases keep the default.
      startParams: dataDir ? ['-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] : undefined,
    });
  } catch (err) {
    try {
      undo?.();
    } finally {
      lock?.release();
    }
    throw err;
  }
  // Time queries at the driver: drizzle calls client.query, and tx.query inside client.transaction. PGlite runs on
  // its own thread (embedded.ts), so a long statement never holds this one: requests that need no database are
  // answered meanwhile; the others queue behind it, as on one connection.
  const timing = queryObservers();
  client.query = timing.timed(client.query.bind(client));
  const transaction = client.transaction.bind(client);
  client.transaction = ((callback: Parameters<EmbeddedClient['transaction']>[0]) =>
    transaction((tx) => {
      tx.query = timing.timed(tx.query);
      return callback(tx);
    })) as EmbeddedClient['transaction'];
  const db = drizzlePglite(client as unknown as PGlite, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    engine: 'pglite',
    observeQueries: timing.observe,
    async migrate() {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    },
    async isReady() {
      if (closed) return false;
      return (await appliedMigrations(db)) >= expectedMigrations();
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
    async dump() {
      return client.dumpDataDir('gzip');
    },
  };
}

async function openServer(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle connection closed by the server (restart, failover) must not crash the process: the pool drops it and
  // opens a new one; queries in flight still get their own errors.
  pool.on('error', () => undefined);
  // Time queries at the driver: drizzle calls pool.query (which runs client.query with a callback, untimed here),
  // and client.query with promises on a connection checked out for a transaction.
  const timing = queryObservers();
  pool.query = timing.timed(pool.query.bind(pool)) as typeof pool.query;
  pool.on('connect', (client) => {
    client.query = timing.timed(client.query.bind(client)) as typeof client.query;
  });
  // Fail fast with a clear message if the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    engine: 'postgres',
    observeQueries: timing.observe,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async migrate() {
      // Several app instances may start together: serialise migrations with an advisory lock.
      const conn = await pool.connect();
      try {
        await conn.query('select pg_advisory_lock(7316001)');
        await migratePg(drizzlePg(conn, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await conn.query('select pg_advisory_unlock(7316001)').catch(() => undefined);
        conn.release();
      }
    },
    async isReady() {
      try {
        return (await appliedMigrations(db)) >= expectedMigrations();
      } catch {
        return false;
      }
    },
    async close() {
      await pool.end();
    },
  };
}
