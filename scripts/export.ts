/**
 * npm run export -- <format> FILE: writes the whole public directory. Formats:
 *   oruk     ORUK 3.0 JSON (one list response of fully nested services; `npm run import -- oruk FILE` reads it back)
 *   csv      one row per service-at-location, with capacity (cells neutralised against formula injection)
 *   geojson  services as GeoJSON points
 * The same files are served at /api/exports/directory.oruk.json, /api/exports/directory.csv, /api/exports/services.geojson.
 * The file is streamed a batch at a time into a temporary file beside FILE and renamed over it only when complete, so a
 * failed export never leaves a partial FILE (an existing one is left as it was).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '../server/config';
import { openDatabase, type Db } from '../server/db';
import { csvChunks, geoJsonChunks, orukJsonChunks, type ExportOptions } from '../server/features/oruk';

const USAGE = 'Usage: npm run export -- oruk|csv|geojson FILE\n';
/** The export of each format. */
const EXPORTS = { oruk: orukJsonChunks, csv: csvChunks, geojson: geoJsonChunks };

/** Writes one export to a file; returns the exit code. */
export async function runExportCommand(
  db: Db,
  argv: string[],
  err: (t: string) => void,
  options: ExportOptions = {},
): Promise<number> {
  const [format, file, ...extra] = argv;
  if (!format || !Object.hasOwn(EXPORTS, format) || !file || extra.length) {
    err(USAGE);
    return 2;
  }
  // Same directory, so the rename cannot cross file systems.
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await pipeline(Readable.from(EXPORTS[format as keyof typeof EXPORTS](db, options)), fs.createWriteStream(temp));
    fs.renameSync(temp, file);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    err(`Export to ${file} failed, nothing written: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
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
