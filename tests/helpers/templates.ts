/** Migrated database templates shared by every test file of a run: a PGlite dump on disk and a PostgreSQL template database. */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { MIGRATIONS_FOLDER } from '../../server/db';

/** Folder for cached test artefacts (git-ignored). */
export const CACHE_DIR = path.resolve(__dirname, '..', '..', '.test-cache');

/** Hash of the committed migrations: a template is reused only while migrations are unchanged. */
export function migrationsHash(): string {
  const hash = crypto.createHash('sha256');
  for (const file of fs
    .readdirSync(MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(file).update(fs.readFileSync(path.join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Path of the migrated PGlite template for the current migrations. */
export function pgliteTemplatePath(): string {
  return path.join(CACHE_DIR, `pglite-template-${migrationsHash()}.tar.gz`);
}

/** Name of the migrated PostgreSQL template database: the database named in TEST_DATABASE_URL. */
export function postgresTemplateUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL;
}
