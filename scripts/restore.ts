/**
 * npm run restore -- FILE [--force]: restores a backup made by `npm run backup` into the database Signpost uses
 * (DATABASE_URL: pg_restore in one transaction; else DATA_DIR, with Signpost stopped). A target that already holds a
 * database is replaced only with --force; the embedded one is then kept aside, renamed. One summary line on stdout.
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../server/config';
import { BackupError, restore, summaryLine } from '../server/db/backup';

const USAGE = `Usage: npm run restore -- FILE [--force]

Restores FILE (made by npm run backup) into the database Signpost is configured to use:
  DATABASE_URL set   pg_restore into that database, in one transaction (a .dump file); stop Signpost first.
  otherwise          unpacks a .tar.gz into DATA_DIR (default ./.data); stop Signpost first.
A target that already has tables or a database is replaced only with --force: pg_restore then drops and recreates
the backed-up objects; the embedded database folder is kept aside as DATA_DIR/pglite.before-restore-<timestamp>.
`;

/** Runs the restore command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runRestoreCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, force: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (e) {
    err(`restore: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length) {
    err(USAGE);
    return 2;
  }
  try {
    const config = loadConfig(env);
    const target = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
    const summary = await restore(target, file, (line) => err(`${line}\n`), { force: parsed.values.force });
    if (summary.keptAside) err(`restore: the previous database is kept in ${summary.keptAside}\n`);
    out(`${summaryLine('restore: restored', summary)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof BackupError || e instanceof ConfigError) {
      err(`restore failed: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  runRestoreCommand(
    process.argv.slice(2),
    process.env,
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  )
    .then((code) => (process.exitCode = code))
    .catch((e: unknown) => {
      process.stderr.write(`restore failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
