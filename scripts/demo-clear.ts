/**
 * npm run demo:clear: removes every demo record and account in one transaction (server/features/demo clearDemo),
 * leaving the reference data and anything a person added. A cleared demo is not loaded again at the next start.
 */
import { loadConfig } from '../server/config';
import { DataDirLockedError, openDatabase } from '../server/db';
import { clearDemo } from '../server/features/demo';
import { lockedMessage } from './seed-demo';

async function main() {
  const config = loadConfig();
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${lockedMessage('npm run demo:clear', err.holderPid)}\n`);
      process.exit(75);
    }
    throw err;
  }
  try {
    await database.migrate();
    const { organizations, accounts } = await clearDemo(database.db);
    process.stdout.write(`Demo cleared: ${organizations} organisations and ${accounts} accounts removed.\n`);
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`demo:clear failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
