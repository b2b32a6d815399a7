/** Front door of the database layer. */
export { openDatabase, query, queryPrepared, embeddedDir, MIGRATIONS_FOLDER } from './client';
export type { Database, Db, Engine, OpenOptions } from './client';
export { DataDirLockedError } from './lock';
export { bulkInsert, type BulkColumn } from './bulk';
export * as schema from './schema';
