/** Opens the database: embedded PGlite with PostGIS (default) or a PostgreSQL server (DATABASE_URL). The only module that imports a driver. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
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
  let client: PGlite;
  try {
    client = await PGlite.create({
      dataDir,
      loadDataDir: opts.loadDataDir,
      extensions: { postgis },
      // A persistent database serves England's 2.7 M postcodes (~250 MB with index): PGlite's default 128 MB of
      // shared buffers makes random lookups miss often (p95 2×). In-memory test databases keep the default.
      ...(dataDir
        ? { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${EMBEDDED_SHARED_BUFFERS}`] }
        : {}),
    });
  } catch (err) {
    try {
      undo?.();
    } finally {
      lock?.release();
    }
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    engine: 'pglite',
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
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection closed by the server (restart, failover) must not crash the process: the pool drops it and
  // opens a new one; queries in flight still get their own errors.
  pool.on('error', () => undefined);
  // Fail fast with a clear message if the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    engine: 'postgres',
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
