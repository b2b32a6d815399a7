/** npm run import:reference [-- --dry-run] [--only a,b] [--force]: loads the bundled reference data with a progress bar. */
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../server/config';
import { openDatabase } from '../server/db';
import { importReferenceData, ImportRejectedError, STEPS, type StepName } from '../server/features/areas';

async function main() {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const force = args.includes('--force');
  const onlyArg =
    args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ??
    (args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined);
  const only = onlyArg?.split(',') as StepName[] | undefined;
  const unknown = only?.filter((s) => !STEPS.includes(s));
  if (unknown?.length) {
    process.stderr.write(`Unknown step(s): ${unknown.join(', ')}. Steps: ${STEPS.join(', ')}\n`);
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const bar = process.stdout.isTTY
    ? new SingleBar({ format: ' {step} [{bar}] {percentage}% {value}/{total}' }, Presets.shades_classic)
    : undefined;
  let current = '';
  try {
    await database.migrate();
    const started = Date.now();
    const results = await importReferenceData({
      db: database.db,
      dryRun,
      force,
      only,
      onProgress: ({ step, done, total }) => {
        if (!bar) return;
        if (step !== current) {
          if (current) bar.stop();
          current = step;
          bar.start(total, done, { step: step.padEnd(11) });
        }
        bar.setTotal(total);
        bar.update(done);
      },
    });
    bar?.stop();
    for (const r of results)
      process.stdout.write(
        `${r.step.padEnd(12)} ${r.status.padEnd(9)} ${String(r.rows).padStart(9)} rows  ${(r.ms / 1000).toFixed(1)} s\n`,
      );
    process.stdout.write(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s${dryRun ? ' (dry run: nothing written)' : ''}.\n`,
    );
  } catch (err) {
    bar?.stop();
    if (err instanceof ImportRejectedError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    } else throw err;
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
