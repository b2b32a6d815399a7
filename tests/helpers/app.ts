/** buildTestApp(): the real app on a fresh test database, for Supertest. */
import type { Express } from 'express';
import { createApp } from '../../server/app';
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

/** Builds the app on a fresh database; `env` overrides configuration variables. */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REFERENCE_DATA: 'skip', ...env });
  const database = await createTestDatabase();
  const app = createApp({ config, logger: createLogger(config.logLevel), database });
  return { app, database, config, close: () => database.close() };
}
