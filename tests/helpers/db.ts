/** A fresh, migrated database for one test file on the engine named by TEST_ENGINE (pglite | postgres). */
import fs from 'node:fs';
import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type Db, type Engine } from '../../server/db';
import { pgliteTemplatePath, postgresTemplateUrl } from './templates';

/** Engine of the current Jest project. */
export const TEST_ENGINE: Engine = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Opens an isolated database copied from the migrated template; `close` also drops it (server engine). */
export async function createTestDatabase(): Promise<Database> {
  if (TEST_ENGINE === 'pglite') {
    const blob = new Blob([fs.readFileSync(pgliteTemplatePath())]);
    return openDatabase({ loadDataDir: blob });
  }
  const { url, drop } = await createServerTestDatabaseUrl();
  const database = await openDatabase({ databaseUrl: url, poolSize: 20 });
  return {
    ...database,
    async close() {
      await database.close();
      await drop();
    },
  };
}

/** Creates an isolated server database copied from the migrated template; returns its URL and how to drop it. */
export async function createServerTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const templateUrl = postgresTemplateUrl();
  if (!templateUrl) throw new Error('TEST_DATABASE_URL is not set');
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(templateUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(templateUrl, name),
    async drop() {
      const drop = new pg.Client({ connectionString: withDatabase(templateUrl, 'postgres') });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).finally(() => drop.end());
    },
  };
}

/** A Db that counts its queries and, once told, fails every query after the next `n` (a lost connection). */
export interface FailingDb {
  /** The wrapped handle; pass it where the code under test takes a Db. */
  db: Db;
  /** Queries run through it so far. */
  readonly queries: number;
  /** Lets `n` more queries run, then fails the rest; Infinity (the default) never fails. */
  failAfter(n: number): void;
}

/** Wraps `db` for testing failures part-way through a job. */
export function failingDb(db: Db): FailingDb {
  let queries = 0;
  let allowed = Infinity;
  const execute = (...args: Parameters<Db['execute']>) => {
    queries += 1;
    if (allowed-- <= 0) return Promise.reject(new Error('injected failure: connection to the database lost'));
    return db.execute(...args);
  };
  return {
    db: new Proxy(db, { get: (target, key) => (key === 'execute' ? execute : Reflect.get(target, key)) }),
    get queries() {
      return queries;
    },
    failAfter(n) {
      allowed = n;
    },
  };
}
