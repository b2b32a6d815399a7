/**
 * npm run nudges:send: emails capacity nudges now (the same run the server does daily when NUDGES=on), through
 * SMTP_URL (unset: recorded in outbound_emails only). Prints one JSON line with what it did; exit 1 if any send failed.
 */
import { loadConfig, ConfigError } from '../server/config';
import { openDatabase } from '../server/db';
import { createMailer } from '../server/features/email';
import { sendCapacityNudges } from '../server/features/nudges';

async function main() {
  const config = loadConfig();
  if (!process.env.SESSION_SECRET)
    process.stderr.write('nudges: SESSION_SECRET is not set, so the links will not work in the server process\n');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const mailer = createMailer(config);
  try {
    await database.migrate();
    const result = await sendCapacityNudges({ db: database.db, mailer, config });
    process.stdout.write(JSON.stringify({ nudges: result, mailer: mailer.kind }) + '\n');
    if (result.failed) process.exitCode = 1;
  } finally {
    mailer.close();
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    err instanceof ConfigError ? `nudges: ${err.message}\n` : `${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
