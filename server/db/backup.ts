/** Backup and restore of either engine: pg_dump/pg_restore for a PostgreSQL server, a locked data-directory tarball for PGlite. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { embeddedDir, openDatabase, query, type Database, type Db, type Engine } from './client';
import { DataDirLockedError } from './lock';

/** Tables whose row counts the summary line shows (the rest are compared by tests, not printed). */
export const SUMMARY_TABLES = [
  'organizations',
  'services',
  'locations',
  'users',
  'referrals',
  'practices',
  'postcodes',
] as const;

/** Where the database lives: the same choice as the server (DATABASE_URL set → server, else PGlite in DATA_DIR). */
export interface BackupTarget {
  /** PostgreSQL URL; absent means the embedded database in dataDir. */
  databaseUrl?: string;
  /** DATA_DIR of the embedded database. */
  dataDir: string;
}

/** A failure the user can act on; the scripts print its message without a stack trace. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** What a backup or restore did. */
export interface BackupSummary {
  /** Engine backed up or restored into. */
  engine: Engine;
  /** The backup file. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  /** Wall-clock time in milliseconds. */
  ms: number;
  /** Row counts of SUMMARY_TABLES. */
  counts: Record<string, number>;
  /** Migrations recorded in the (restored) database. */
  migrations: number;
  /** Restore only: where the previous embedded database was moved, if there was one. */
  keptAside?: string;
}

/** Progress lines go here (the scripts pass stderr). */
export type Log = (line: string) => void;

/** Engine a target uses. */
export function targetEngine(target: BackupTarget): Engine {
  return target.databaseUrl ? 'postgres' : 'pglite';
}

/** Default backup file: backups/signpost-<engine>-<UTC timestamp>.<dump|tar.gz>. */
export function defaultBackupPath(engine: Engine, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return path.join('backups', `signpost-${engine}-${stamp}.${engine === 'postgres' ? 'dump' : 'tar.gz'}`);
}

/** One-line summary: "<verb> FILE (size) in 1.2 s: services 3, organizations 2, ...". */
export function summaryLine(verb: string, s: BackupSummary): string {
  const counts = Object.entries(s.counts)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
  return `${verb} ${s.file} (${formatBytes(s.bytes)}, ${s.engine}) in ${(s.ms / 1000).toFixed(1)} s: ${counts}; ${s.migrations} migrations`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Row counts of the SUMMARY_TABLES that exist (a backup of an older version may lack some). */
export async function summaryCounts(db: Db): Promise<Record<string, number>> {
  const present = new Set(
    (
      await query<{ name: string }>(
        db,
        sql`select table_name as name from information_schema.tables where table_schema = 'public'`,
      )
    ).map((r) => r.name),
  );
  const counts: Record<string, number> = {};
  for (const table of SUMMARY_TABLES) {
    if (!present.has(table)) continue;
    const [row] = await query<{ n: number }>(db, sql.raw(`select count(*)::int as n from "${table}"`));
    counts[table] = row?.n ?? 0;
  }
  return counts;
}

async function migrationCount(db: Db): Promise<number> {
  const rows = await query<{ n: number }>(db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`).catch(
    () => [{ n: 0 }],
  );
  return rows[0]?.n ?? 0;
}

/** Writes to a temporary file beside `file` and renames it into place only when `write` succeeds. */
async function writeAtomically(file: string, write: (temp: string) => Promise<void>): Promise<number> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await write(temp);
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return fs.statSync(file).size;
}

/** Backs up the target database into `file`; nothing is left at `file` if it fails. */
export async function backup(target: BackupTarget, file: string, log: Log): Promise<BackupSummary> {
  const started = Date.now();
  const engine = targetEngine(target);
  if (fs.existsSync(file)) throw new BackupError(`${file} already exists; choose another file name`);
  if (target.databaseUrl) {
    const url = target.databaseUrl;
    const tools = await checkTool('pg_dump');
    const database = await openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      const server = await serverMajor(database.db);
      if (tools.major < server) {
        throw new BackupError(
          `pg_dump ${tools.version} cannot dump a PostgreSQL ${server} server: install the PostgreSQL ${server} ` +
            `client tools (e.g. apt install postgresql-client-${server}) and put them first on PATH`,
        );
      }
      log(`backup: dumping the PostgreSQL ${server} database with pg_dump ${tools.version}`);
      const counts = await summaryCounts(database.db);
      const migrations = await migrationCount(database.db);
      const bytes = await writeAtomically(file, (temp) =>
        runTool('pg_dump', ['--format=custom', '--no-owner', '--no-acl', `--file=${temp}`], url),
      );
      return { engine, file, bytes, ms: Date.now() - started, counts, migrations };
    } finally {
      await database.close();
    }
  }
  if (!fs.existsSync(path.join(embeddedDir(target.dataDir), 'PG_VERSION'))) {
    throw new BackupError(`there is no embedded database in ${path.resolve(target.dataDir)} (DATA_DIR) to back up`);
  }
  const database = await openLocked(target.dataDir, 'back it up');
  try {
    log(`backup: copying the embedded database in ${path.resolve(target.dataDir)} (locked while copying)`);
    // Flush every change into the data files so the copy does not depend on replaying the write-ahead log.
    await database.db.execute(sql`checkpoint`);
    const counts = await summaryCounts(database.db);
    const migrations = await migrationCount(database.db);
    const tarball = await database.dump!();
    const bytes = await writeAtomically(file, async (temp) => {
      fs.writeFileSync(temp, Buffer.from(await tarball.arrayBuffer()));
    });
    return { engine, file, bytes, ms: Date.now() - started, counts, migrations };
  } finally {
    await database.close();
  }
}

/** Options of restore. */
export interface RestoreOptions {
  /** Replace a target that already holds a database (embedded: the old folder is kept aside, renamed). */
  force?: boolean;
  /** Clock for the kept-aside folder's name (tests). */
  now?: Date;
}

/** Restores `file` into the target database; refuses a non-empty target unless `force`. */
export async function restore(
  target: BackupTarget,
  file: string,
  log: Log,
  options: RestoreOptions = {},
): Promise<BackupSummary> {
  const started = Date.now();
  const engine = targetEngine(target);
  const kind = backupKind(file);
  if (kind !== engine) {
    throw new BackupError(
      kind === 'pglite'
        ? `${file} is a backup of the embedded database: unset DATABASE_URL to restore it into DATA_DIR`
        : `${file} is a PostgreSQL server backup (pg_dump): set DATABASE_URL to the server database to restore it into`,
    );
  }
  const size = fs.statSync(file).size;
  let database: Database;
  let keptAside: string | undefined;
  if (target.databaseUrl) {
    const url = target.databaseUrl;
    await checkTool('pg_restore');
    const before = await openDatabase({ databaseUrl: url, poolSize: 1 });
    try {
      const tables = await userTables(before.db);
      if (tables.length && !options.force) {
        throw new BackupError(
          `the target database already has ${tables.length} tables (${tables.slice(0, 3).join(', ')}, ...): ` +
            'pass --force to replace them, or restore into a new, empty database',
        );
      }
    } finally {
      await before.close();
    }
    log(`restore: restoring ${file} with pg_restore in one transaction`);
    await runTool(
      'pg_restore',
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-acl',
        '--single-transaction',
        '--exit-on-error',
        `--dbname=${withoutPassword(url)}`,
        file,
      ],
      url,
    );
    database = await openDatabase({ databaseUrl: url, poolSize: 1 });
    // pg_restore does not restore planner statistics.
    await database.db.execute(sql`analyze`);
  } else {
    const bytes = fs.readFileSync(file);
    if (!tarballHasDataDir(bytes)) {
      throw new BackupError(`${file} is not a backup of an embedded Signpost database (no PG_VERSION inside)`);
    }
    const blob = new Blob([bytes]);
    const stamp = (options.now ?? new Date())
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    database = await openLocked(target.dataDir, 'restore into it', {
      loadDataDir: blob,
      beforeOpen(dir) {
        const occupied = fs.existsSync(dir) && fs.readdirSync(dir).length > 0;
        if (occupied && !options.force) {
          throw new BackupError(
            `${path.resolve(target.dataDir)} (DATA_DIR) already holds a database: pass --force to replace it ` +
              '(the current one is kept aside, renamed), or set DATA_DIR to an empty folder',
          );
        }
        log(`restore: unpacking ${file} into ${path.resolve(target.dataDir)}`);
        if (!occupied) return;
        keptAside = `${dir}.before-restore-${stamp}`;
        fs.renameSync(dir, keptAside);
        const aside = keptAside;
        return () => {
          fs.rmSync(dir, { recursive: true, force: true });
          fs.renameSync(aside, dir);
          keptAside = undefined;
        };
      },
    });
  }
  try {
    const counts = await summaryCounts(database.db);
    const migrations = await migrationCount(database.db);
    if (!(await database.isReady())) {
      log(`restore: the backup has ${migrations} migrations; the rest are applied when Signpost next starts`);
    }
    return { engine, file, bytes: size, ms: Date.now() - started, counts, migrations, keptAside };
  } finally {
    await database.close();
  }
}

/** Tells the two backup formats apart by their first bytes: pg_dump custom format or a gzipped tarball. */
export function backupKind(file: string): Engine {
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    head = Buffer.alloc(5);
    fs.readSync(fd, head, 0, 5, 0);
    fs.closeSync(fd);
  } catch (err) {
    throw new BackupError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (head.toString('latin1') === 'PGDMP') return 'postgres';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite';
  throw new BackupError(`${file} is not a Signpost backup (neither a pg_dump custom-format file nor a .tar.gz)`);
}

/** Whether a gzipped tarball holds a PostgreSQL data directory (an entry named PG_VERSION at its top level). */
export function tarballHasDataDir(gzipped: Buffer): boolean {
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(gzipped);
  } catch {
    return false;
  }
  // ustar: 512-byte header (name at 0..100, octal size at 124..136), then the contents padded to 512 bytes.
  for (let at = 0; at + 512 <= tar.length;) {
    const name = tar.toString('latin1', at, at + 100).replace(/\0.*$/s, '');
    if (!name) return false;
    if (/^(\.?\/)?([^/]+\/)?PG_VERSION$/.test(name)) return true;
    const size = parseInt(
      tar
        .toString('latin1', at + 124, at + 136)
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    if (!Number.isFinite(size)) return false;
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return false;
}

async function openLocked(
  dataDir: string,
  action: string,
  extra: { loadDataDir?: Blob; beforeOpen?: (dir: string) => (() => void) | void } = {},
): Promise<Database> {
  try {
    return await openDatabase({ dataDir, ...extra });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      throw new BackupError(
        `the embedded database in ${path.resolve(dataDir)} is in use by Signpost (pid ${err.holderPid}): ` +
          `stop Signpost first, then ${action}`,
      );
    }
    throw err;
  }
}

/** Tables of the target not created by an extension (PostGIS's spatial_ref_sys does not count). */
async function userTables(db: Db): Promise<string[]> {
  const rows = await query<{ name: string }>(
    db,
    sql`select n.nspname || '.' || c.relname as name
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind in ('r', 'p')
           and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%'
           and not exists (select 1 from pg_depend d
                            where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
         order by 1`,
  );
  return rows.map((r) => r.name);
}

async function serverMajor(db: Db): Promise<number> {
  const [row] = await query<{ v: string }>(db, sql`select current_setting('server_version_num') as v`);
  return Math.floor(Number(row?.v) / 10000);
}

/** The URL without its password (which goes to the tool in PGPASSWORD, so it never shows in `ps`). */
function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}

function toolEnv(url?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (url) {
    const password = new URL(url).password;
    if (password) env.PGPASSWORD = decodeURIComponent(password);
  }
  return env;
}

/** Runs a PostgreSQL client tool with an argument array (no shell); rejects with its last error lines. */
function runTool(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
  // pg_dump takes the database as --dbname; pg_restore's args already name it.
  const argv = tool === 'pg_dump' ? [...args, `--dbname=${withoutPassword(url)}`] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(tool, argv, { env: toolEnv(url), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err) => reject(toolError(tool, err)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const detail = stderr.trim().split('\n').slice(-5).join('\n  ');
      reject(new BackupError(`${tool} failed (${signal ?? `exit ${code}`}):\n  ${detail}`));
    });
  });
}

function toolError(tool: string, err: NodeJS.ErrnoException): Error {
  return err.code === 'ENOENT'
    ? new BackupError(
        `${tool} was not found on PATH: install the PostgreSQL client tools of your server's version ` +
          '(e.g. apt install postgresql-client)',
      )
    : err;
}

/** Checks that a client tool runs and returns its version, e.g. { version: '15.20', major: 15 }. */
async function checkTool(tool: 'pg_dump' | 'pg_restore'): Promise<{ version: string; major: number }> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(tool, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.on('error', (err) => reject(toolError(tool, err)));
    child.on('close', () => resolve(text));
  });
  const match = /\)\s*(\d+)(?:\.(\d+))?/.exec(out);
  if (!match) throw new BackupError(`could not read the version of ${tool} from "${out.trim()}"`);
  return { version: match[2] ? `${match[1]}.${match[2]}` : match[1]!, major: Number(match[1]) };
}
