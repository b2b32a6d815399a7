/**
 * npm run report:gaps -- [--icb CODE] [--category CODE] [--reach-km N] --out FILE.csv [--summary]
 *
 * Writes the gap analysis (every PCN of England, or of one ICB; z-scores and ranks always national) as the same CSV
 * the API exports, from the database of DATABASE_URL or DATA_DIR. `--summary` also prints the link-worker table of
 * docs/gaps.md (SPLW FTE per 10,000 registered patients by NHS region and by IMD quintile of PCNs) as Markdown.
 * Exit code 2 on bad arguments.
 */
import { loadConfig, ConfigError } from '../server/config';
import { openDatabase } from '../server/db';
import { AppError } from '../server/errors';
import { linkWorkerSummary, summaryMarkdown, writeGapReport } from '../server/features/gaps';
import { GapListQuery } from '../shared/schemas/gaps';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main() {
  const out = arg('out');
  const parsed = GapListQuery.safeParse({ icb: arg('icb'), category: arg('category'), reachKm: arg('reach-km') });
  if (!parsed.success || (!out && !process.argv.includes('--summary'))) {
    process.stderr.write(
      `${parsed.success ? '' : parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n') + '\n'}` +
        'usage: npm run report:gaps -- [--icb CODE] [--category CODE] [--reach-km N] --out FILE.csv [--summary]\n',
    );
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    if (out) {
      const written = await writeGapReport({
        db: database.db,
        query: parsed.data,
        staleDays: config.capacityStaleDays,
        out,
      });
      process.stderr.write(
        `report:gaps: ${written.rows} PCNs written to ${out} (periods ${JSON.stringify(written.periods)})\n`,
      );
    }
    if (process.argv.includes('--summary')) process.stdout.write(summaryMarkdown(await linkWorkerSummary(database.db)));
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof AppError;
  process.stderr.write(
    known ? `report:gaps: ${(err as Error).message}\n` : `${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(known ? 2 : 1);
});
