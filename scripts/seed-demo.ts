/**
 * npm run seed:demo [-- --seed N] [-- --allow-production]: loads (or reloads) the demo: the curated Trafford / Greater
 * Manchester directory from data/vcse/, one demo account per role (password DEMO_PASSWORD, default
 * signpost-demo-2026), capacity and 8–12 weeks of its history, 90 days of referrals and "nothing suitable" records,
 * funding end dates, concerns and gap flags (server/features/demo). Replaces an earlier demo; records a person added
 * stay. Same seed on the same day → same data.
 */
import { loadConfig } from '../server/config';
import { DataDirLockedError, openDatabase } from '../server/db';
import { DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_SEED, seedDemo } from '../server/features/demo';

export { DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, seedDemo } from '../server/features/demo';

/** The one line said when the embedded database is in use (usually by the running server). */
export function lockedMessage(command: string, holderPid: number): string {
  return `${command} cannot run while Signpost is running: the embedded database is in use (pid ${holderPid}). Stop the server (Ctrl+C) and run ${command} again; the running server already offers the demo accounts on its sign-in page.`;
}

async function main() {
  const config = loadConfig();
  if (config.nodeEnv === 'production' && !process.argv.includes('--allow-production')) {
    process.stderr.write(
      'Refusing to create demo accounts with a known password in production (--allow-production).\n',
    );
    process.exit(2);
  }
  const password = process.env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
  if (password.length < 12) {
    process.stderr.write('DEMO_PASSWORD must be at least 12 characters.\n');
    process.exit(2);
  }
  const seedArg = process.argv.indexOf('--seed');
  const seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : DEFAULT_DEMO_SEED;
  if (!Number.isInteger(seed)) {
    process.stderr.write('--seed must be a whole number.\n');
    process.exit(2);
  }
  let database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`${lockedMessage('npm run seed:demo', err.holderPid)}\n`);
      process.exit(75);
    }
    throw err;
  }
  try {
    await database.migrate();
    const started = Date.now();
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const s = await seedDemo({ db: database.db, password, seed, log });
    for (const a of s.accounts) {
      const scope = a.pcnCode ? ` (PCN ${a.pcnCode})` : a.icbCode ? ` (ICB ${a.icbCode})` : '';
      log(`${a.role.padEnd(17)} ${a.email}${scope}`);
    }
    log(
      `${s.services} services (${Object.entries(s.capacityByStatus)
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )}), ${s.capacityHistory} capacity updates, ${s.referrals} referrals, ${s.unmetNeeds} "nothing suitable", ${s.concerns} concerns, ${s.gapFlags} gap flags`,
    );
    log(`Seeded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    log(`Password for every demo account: ${process.env.DEMO_PASSWORD ? '(DEMO_PASSWORD)' : password}`);
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`seed:demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
