/** Front door of the database layer. */
export {
  openDatabase,
  query,
  queryPrepared,
  isDatabaseUnavailable,
  isUniqueViolation,
  embeddedDir,
  MIGRATIONS_FOLDER,
} from './client';
export type { Database, Db, Engine, OpenOptions, QueryObserver, PoolStats } from './client';
export { DataDirLockedError } from './lock';
export { bulkInsert, bulkCopy, type BulkColumn } from './bulk';
export * as schema from './schema';
