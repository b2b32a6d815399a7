/**
 * npm run backup -- [FILE]: backs up the database Signpost uses (DATABASE_URL set: pg_dump of the server database;
 * else the embedded database in DATA_DIR, which must not be in use). Default FILE:
 * backups/signpost-<engine>-<UTC timestamp>.<dump|tar.gz>. Progress on stderr; one summary line on stdout.
 */
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../server/config';
import { backup, BackupError, defaultBackupPath, summaryLine, targetEngine } from '../server/db/backup';

const USAGE = `Usage: npm run backup -- [FILE]

Backs up the database Signpost is configured to use, chosen as the server chooses it:
  DATABASE_URL set   pg_dump --format=custom of that database (needs pg_dump of the server's major version or newer);
                     Signpost may keep running.
  otherwise          a copy of the embedded database in DATA_DIR (default ./.data) as a .tar.gz;
                     stop Signpost first (the copy is taken under the data-directory lock).
FILE defaults to backups/signpost-<engine>-<UTC timestamp>.<dump|tar.gz>; an existing FILE is never overwritten.
Restore with: npm run restore -- FILE
`;

/** Runs the backup command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function runBackupCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  out: (t: string) => void,
  err: (t: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (e) {
    err(`backup: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    out(USAGE);
    return 0;
  }
  if (parsed.positionals.length > 1) {
    err(USAGE);
    return 2;
  }
  try {
    const config = loadConfig(env);
    const target = { databaseUrl: config.databaseUrl, dataDir: config.dataDir };
    const file = parsed.positionals[0] ?? defaultBackupPath(targetEngine(target));
    const summary = await backup(target, file, (line) => err(`${line}\n`));
    out(`${summaryLine('backup: wrote', summary)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof BackupError || e instanceof ConfigError) {
      err(`backup failed: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  runBackupCommand(
    process.argv.slice(2),
    process.env,
    (t) => process.stdout.write(t),
    (t) => process.stderr.write(t),
  )
    .then((code) => (process.exitCode = code))
    .catch((e: unknown) => {
      process.stderr.write(`backup failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    });
}
