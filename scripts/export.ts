/**
 * npm run export -- <format> FILE: writes the whole public directory. Formats:
 *   oruk     ORUK 3.0 JSON (one list response of fully nested services; `npm run import -- oruk FILE` reads it back)
 *   csv      one row per service-at-location, with capacity (cells neutralised against formula injection)
 *   geojson  services as GeoJSON points
 * The same files are served at /api/exports/directory.oruk.json, /api/exports/directory.csv, /api/exports/services.geojson.
 */
import fs from 'node:fs';
import { loadConfig } from '../server/config';
import { openDatabase, type Db } from '../server/db';
import { exportCsv, exportGeoJson, exportOrukJson } from '../server/features/oruk';

const USAGE = 'Usage: npm run export -- oruk|csv|geojson FILE\n';
const FORMATS = ['oruk', 'csv', 'geojson'] as const;

/** Writes one export to a file; returns the exit code. */
export async function runExportCommand(db: Db, argv: string[], err: (t: string) => void): Promise<number> {
  const [format, file, ...extra] = argv;
  if (!FORMATS.includes(format as (typeof FORMATS)[number]) || !file || extra.length) {
    err(USAGE);
    return 2;
  }
  const text =
    format === 'csv'
      ? await exportCsv(db)
      : JSON.stringify(format === 'oruk' ? await exportOrukJson(db) : await exportGeoJson(db));
  fs.writeFileSync(file, text);
  return 0;
}

async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    process.exitCode = await runExportCommand(database.db, process.argv.slice(2), (t) => process.stderr.write(t));
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`export failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
