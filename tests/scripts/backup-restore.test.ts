/**
 * npm run backup / npm run restore on the engine of the Jest project: data arranged through the API, backed up and
 * restored by the real scripts (child processes) into a fresh target, which then has the same rows in every table and
 * serves the same service JSON, with migrations intact. Also: a non-empty target needs --force (embedded: the old
 * database is kept aside), an embedded data directory in use cannot be backed up, a missing pg_dump is named.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import { runBackupCommand } from '../../scripts/backup';
import { runRestoreCommand } from '../../scripts/restore';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { embeddedDir, openDatabase, query, type Database, type Db } from '../../server/db';
import { createLogger } from '../../server/logger';
import { buildTestApp } from '../helpers/app';
import { signedInAs } from '../helpers/auth';
import { TEST_ENGINE } from '../helpers/db';
import { seedGeography, serviceBody } from '../helpers/directory';
import { pgliteTemplatePath, postgresTemplateUrl } from '../helpers/templates';

const ROOT = path.resolve(__dirname, '..', '..');
const embedded = TEST_ENGINE === 'pglite';
// Each engine's leg defines only its own engine's cases: nothing is skipped (a skipped test would hide a missing leg).
const noTest = (() => undefined) as unknown as typeof it;
const itEmbedded = embedded ? it : noTest;
const itServer = embedded ? noTest : it;

let work: string;
/** Environment that points the scripts at the source database. */
let sourceEnv: Record<string, string>;
/** Environment that points the scripts at the (initially empty) restore target. */
let targetEnv: Record<string, string>;
let source: Database | undefined;
let closeSource: () => Promise<void> = async () => undefined;
const extraDatabases: string[] = [];
let serviceId: string;
let serviceJson: unknown;
let sourceCounts: Record<string, number>;
let backupFile: string;

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: withDatabase(postgresTemplateUrl()!, 'postgres') });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** A new empty database named signpost_..._<random> (dropped in afterAll). */
async function emptyServerDatabase(): Promise<string> {
  const template = new URL(postgresTemplateUrl()!).pathname.slice(1);
  const name = `${template}_restore_${crypto.randomBytes(4).toString('hex')}`;
  extraDatabases.push(name);
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE template0`);
  return withDatabase(postgresTemplateUrl()!, name);
}

function appOn(database: Database): Express {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', REFERENCE_DATA: 'skip' });
  return createApp({ config, logger: createLogger(config.logLevel), database });
}

/** Opens the database the given script environment points at. */
function openTarget(env: Record<string, string>): Promise<Database> {
  return env.DATABASE_URL
    ? openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 2 })
    : openDatabase({ dataDir: env.DATA_DIR! });
}

/** Row count of every table in the public schema and of the migrations journal. */
async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of [...tables, { name: 'drizzle.__drizzle_migrations' }]) {
    const quoted = name.includes('.') ? name : `"${name}"`;
    const [row] = await query<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${quoted}`));
    counts[name] = row!.n;
  }
  return counts;
}

/** Runs a script as users do: node --import tsx scripts/<name>.ts, with only the given database variables set. */
function runScript(
  name: 'backup' | 'restore',
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('scripts', `${name}.ts`), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), DATABASE_URL: '', DATA_DIR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a command in-process, collecting its output. */
async function runInProcess(
  command: typeof runBackupCommand,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await command(
    args,
    env,
    (t) => (stdout += t),
    (t) => (stderr += t),
  );
  return { code, stdout, stderr };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'signpost-backup-'));
  if (embedded) {
    const dataDir = path.join(work, 'source');
    const blob = new Blob([fs.readFileSync(pgliteTemplatePath())]);
    source = await openDatabase({ dataDir, loadDataDir: blob });
    closeSource = () => source!.close();
    sourceEnv = { DATA_DIR: dataDir };
    targetEnv = { DATA_DIR: path.join(work, 'target') };
  } else {
    const t = await buildTestApp();
    source = t.database;
    closeSource = () => t.close();
    const [row] = await query<{ name: string }>(source.db, sql`select current_database() as name`);
    sourceEnv = { DATABASE_URL: withDatabase(postgresTemplateUrl()!, row!.name) };
    targetEnv = { DATABASE_URL: await emptyServerDatabase() };
  }
  // Arrange through the app: an admin adds an organisation, approves it and adds a service with a location.
  const app = appOn(source);
  await seedGeography(source.db);
  const admin = await signedInAs(source.db, { role: 'admin' });
  const org = await request(app)
    .post('/api/organizations')
    .set(admin.headers)
    .send({ name: 'Levenshulme Lunch Club', email: 'hello@lunch.example.org' })
    .expect(201);
  await request(app)
    .post(`/api/admin/organizations/${org.body.id}/decision`)
    .set(admin.headers)
    .send({ decision: 'approve' })
    .expect(200);
  const service = await request(app)
    .post(`/api/organizations/${org.body.id}/services`)
    .set(admin.headers)
    .send(serviceBody())
    .expect(201);
  serviceId = service.body.id;
  serviceJson = (await request(app).get(`/api/services/${serviceId}`).expect(200)).body;
  sourceCounts = await tableCounts(source.db);
  if (embedded) {
    // The embedded database can only be backed up with Signpost stopped: release the data directory.
    await source.close();
  }
  backupFile = path.join(work, 'backups', `signpost-${TEST_ENGINE}.${embedded ? 'tar.gz' : 'dump'}`);
}, 300_000);

afterAll(async () => {
  await closeSource();
  for (const name of extraDatabases) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 60_000);

describe(`npm run backup / npm run restore (${TEST_ENGINE})`, () => {
  it('backs up and restores into a fresh target: every table has the same rows and the service reads the same', async () => {
    // The arrange step really wrote the data the comparison relies on.
    expect(sourceCounts).toMatchObject({ organizations: 1, services: 1, locations: 1, service_at_locations: 1 });
    expect(sourceCounts['drizzle.__drizzle_migrations']).toBeGreaterThan(0);

    const backedUp = await runScript('backup', [backupFile], sourceEnv);
    expect(backedUp).toMatchObject({ code: 0 });
    expect(backedUp.stdout).toMatch(
      new RegExp(
        `^backup: wrote .*signpost-${TEST_ENGINE}\\.\\S+ \\(.*, ${TEST_ENGINE}\\) in .* s: organizations 1, services 1, locations 1, users 1, referrals 0, practices 0, postcodes 2; \\d+ migrations\\n$`,
      ),
    );
    expect(fs.statSync(backupFile).size).toBeGreaterThan(1000);
    expect(fs.readdirSync(path.dirname(backupFile))).toEqual([path.basename(backupFile)]);

    const restored = await runScript('restore', [backupFile], targetEnv);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toMatch(/^restore: restored .* organizations 1, services 1, locations 1, users 1, .*\n$/);

    const target = await openTarget(targetEnv);
    try {
      expect(await tableCounts(target.db)).toEqual(sourceCounts);
      expect(await target.isReady()).toBe(true);
      await target.migrate(); // a no-op: the migrations journal came across
      expect(await tableCounts(target.db)).toEqual(sourceCounts);
      const res = await request(appOn(target)).get(`/api/services/${serviceId}`).expect(200);
      expect(res.body).toEqual(serviceJson);
    } finally {
      await target.close();
    }
  }, 300_000);

  it('refuses to restore over a database without --force; with --force replaces it (embedded: old one kept aside)', async () => {
    const before = await openTarget(targetEnv);
    await before.db.execute(sql`delete from services`);
    const withoutService = await tableCounts(before.db);
    await before.close();

    const refused = await runInProcess(runRestoreCommand, [backupFile], targetEnv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^restore failed: .*already (has \d+ tables|holds a database).*: pass --force.*\n$/);
    const unchanged = await openTarget(targetEnv);
    expect(await tableCounts(unchanged.db)).toEqual(withoutService);
    await unchanged.close();

    const forced = await runInProcess(runRestoreCommand, [backupFile, '--force'], targetEnv);
    expect(forced).toMatchObject({ code: 0 });
    const replaced = await openTarget(targetEnv);
    try {
      expect(await tableCounts(replaced.db)).toEqual(sourceCounts);
    } finally {
      await replaced.close();
    }
    if (embedded) {
      const aside = fs.readdirSync(targetEnv.DATA_DIR!).filter((f) => f.startsWith('pglite.before-restore-'));
      expect(aside).toHaveLength(1);
      expect(forced.stderr).toContain(`the previous database is kept in ${path.join(targetEnv.DATA_DIR!, aside[0]!)}`);
      expect(fs.existsSync(path.join(targetEnv.DATA_DIR!, aside[0]!, 'PG_VERSION'))).toBe(true);
    }
  }, 300_000);

  it('refuses a backup of the other engine and a file that is not a backup', async () => {
    const other = path.join(work, embedded ? 'other.dump' : 'other.tar.gz');
    fs.writeFileSync(other, embedded ? 'PGDMP\x01\x0e' : Buffer.from([0x1f, 0x8b, 8, 0]));
    const wrong = await runInProcess(runRestoreCommand, [other, '--force'], targetEnv);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      embedded ? /PostgreSQL server backup .* set DATABASE_URL/ : /embedded database: unset DATABASE_URL/,
    );
    const junk = path.join(work, 'junk.txt');
    fs.writeFileSync(junk, 'hello');
    const notBackup = await runInProcess(runRestoreCommand, [junk, '--force'], targetEnv);
    expect(notBackup).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not a Signpost backup/) });
    if (embedded) {
      // A gzip file that is not a data directory is refused before anything is moved aside.
      const gz = path.join(work, 'junk.tar.gz');
      fs.writeFileSync(gz, zlib.gzipSync('not a tarball'));
      const before = fs.readdirSync(targetEnv.DATA_DIR!).sort();
      const refused = await runInProcess(runRestoreCommand, [gz, '--force'], targetEnv);
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a backup of an embedded Signpost/) });
      expect(fs.readdirSync(targetEnv.DATA_DIR!).sort()).toEqual(before);
    }
  });

  it('prints usage with --help and rejects unknown options', async () => {
    const help = await runInProcess(runBackupCommand, ['--help'], sourceEnv);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: npm run backup -- \[FILE\]/) });
    const restoreHelp = await runInProcess(runRestoreCommand, ['--help'], sourceEnv);
    expect(restoreHelp).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: npm run restore -- FILE/) });
    expect((await runInProcess(runRestoreCommand, [], sourceEnv)).code).toBe(2);
    expect((await runInProcess(runBackupCommand, ['--frobnicate'], sourceEnv)).code).toBe(2);
  });

  it('never overwrites an existing backup file', async () => {
    fs.writeFileSync(path.join(work, 'existing.bak'), 'keep me');
    const res = await runInProcess(runBackupCommand, [path.join(work, 'existing.bak')], sourceEnv);
    expect(res).toMatchObject({ code: 1, stderr: expect.stringMatching(/existing\.bak already exists/) });
    expect(fs.readFileSync(path.join(work, 'existing.bak'), 'utf8')).toBe('keep me');
  }, 120_000);

  itEmbedded('will not back up an embedded database that Signpost is using, and writes nothing', async () => {
    const dataDir = sourceEnv.DATA_DIR!;
    // Another live process (the Jest parent) holds the data-directory lock, as a running server does.
    const lock = path.join(dataDir, 'signpost.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString() }));
    try {
      const file = path.join(work, 'locked.tar.gz');
      const res = await runInProcess(runBackupCommand, [file], sourceEnv);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(new RegExp(`in use by Signpost \\(pid ${process.ppid}\\): stop Signpost first`));
      expect(fs.existsSync(file)).toBe(false);
      expect(JSON.parse(fs.readFileSync(lock, 'utf8')).pid).toBe(process.ppid);
    } finally {
      fs.rmSync(lock, { force: true });
    }
    const missing = await runInProcess(runBackupCommand, [path.join(work, 'none.tar.gz')], {
      DATA_DIR: path.join(work, 'no-such-dir'),
    });
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/there is no embedded database in/) });
    expect(fs.existsSync(embeddedDir(path.join(work, 'no-such-dir')))).toBe(false);
  });

  itServer(
    'names pg_dump when it is not installed or older than the server',
    async () => {
      const res = await runScript('backup', [path.join(work, 'nopgdump.dump')], {
        ...sourceEnv,
        PATH: path.join(work, 'empty-path'),
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/^backup failed: pg_dump was not found on PATH: install the PostgreSQL client tools/m);
      expect(fs.existsSync(path.join(work, 'nopgdump.dump'))).toBe(false);

      // A pg_dump older than the server cannot dump it: refused before dumping, naming both versions.
      const bin = path.join(work, 'old-bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n', { mode: 0o755 });
      const old = await runScript('backup', [path.join(work, 'old.dump')], {
        ...sourceEnv,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
      });
      expect(old.code).toBe(1);
      expect(old.stderr).toMatch(/^backup failed: pg_dump 9\.6 cannot dump a PostgreSQL \d+ server: install/m);
      expect(fs.existsSync(path.join(work, 'old.dump'))).toBe(false);
    },
    120_000,
  );
});
