/** buildTestApp(): the real app on a fresh test database, for Supertest. */
import type { Express } from 'express';
import { createApp, type AppDeps } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/logger';
import type { Database } from '../../server/db';
import { createTestDatabase } from './db';

/** A test app and its database. */
export interface TestApp {
  /** The Express app (not listening). */
  app: Express;
  /** Its database, for arranging and asserting state. */
  database: Database;
  /** Its configuration. */
  config: Config;
  /** Closes the database. */
  close(): Promise<void>;
}

/** Test configuration: silent, no reference data, `env` on top. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REFERENCE_DATA: 'skip', ...env });
}

/** Extra dependencies a test may pass to createApp (e.g. a `sleep` recorder). */
export type TestDeps = Partial<Omit<AppDeps, 'config' | 'database'>>;

/** Builds the app on a fresh database; `env` overrides configuration variables. */
export async function buildTestApp(env: Record<string, string> = {}, deps: TestDeps = {}): Promise<TestApp> {
  const config = testConfig(env);
  const database = await createTestDatabase();
  const app = createApp({ config, logger: createLogger(config.logLevel), database, ...deps });
  return { app, database, config, close: () => database.close() };
}

/**
 * Another app instance on an existing database, as a second server process would be (its own limiters and
 * caches, the same tables). Closing it is the first app's job: it shares that database.
 */
export function buildAppOn(database: Database, env: Record<string, string> = {}, deps: TestDeps = {}): Express {
  const config = testConfig(env);
  return createApp({ config, logger: createLogger(config.logLevel), database, ...deps });
}
