/**
 * npm run report:gaps -- [--icb CODE] [--category CODE] [--reach-km N] --out FILE.csv [--summary]
 *
 * Writes the gap analysis (every PCN of England, or of one ICB; z-scores and ranks always national) as the same CSV
 * the API exports, from the database of DATABASE_URL or DATA_DIR. `--summary` also prints the link-worker table of
 * docs/gaps.md (SPLW FTE per 10,000 registered patients by NHS region and by IMD quintile of PCNs) as Markdown.
 * Exit code 2 on bad arguments.
 */
import fs from 'node:fs';
import { loadConfig, ConfigError } from '../server/config';
import { openDatabase } from '../server/db';
import { AppError } from '../server/errors';
import { GapCache, gapCsv, linkWorkerSummary, listPcnGaps, type LinkWorkerSummary } from '../server/features/gaps';
import { GapListQuery } from '../shared/schemas/gaps';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The summary as a Markdown table. */
export function summaryMarkdown(s: LinkWorkerSummary): string {
  const lines = [
    `Workforce period ${s.period ?? 'none'}; FTE = social prescribing link workers + link workers (mental health).`,
    '',
    '| By | Group | PCNs | PCNs reporting | SPLW FTE | Registered patients (reporting PCNs) | SPLW FTE per 10,000 |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of s.rows)
    lines.push(
      `| ${r.by === 'region' ? 'Region' : 'IMD quintile'} | ${r.by === 'region' ? r.group : `${r.group}${r.group === '1' ? ' (most deprived)' : r.group === '5' ? ' (least deprived)' : ''}`} | ${r.pcns} | ${r.reportingPcns} | ${r.splwFte.toFixed(2)} | ${r.listSize.toLocaleString('en-GB')} | ${r.splwFtePer10k === null ? 'no data' : r.splwFtePer10k.toFixed(3)} |`,
    );
  return lines.join('\n') + '\n';
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
      const { rows, meta } = await listPcnGaps({
        db: database.db,
        cache: new GapCache(),
        query: parsed.data,
        staleDays: config.capacityStaleDays,
      });
      fs.writeFileSync(out, gapCsv(rows));
      process.stderr.write(
        `report:gaps: ${rows.length} PCNs written to ${out} (periods ${JSON.stringify(meta.periods)})\n`,
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
