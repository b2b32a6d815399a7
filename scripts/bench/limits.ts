/**
 * npm run bench:limits [-- --engine pglite|postgres] [-- --seconds 10]: what the shared rate-limit counters cost. The
 * same GET /api/taxonomy load (autocannon in a child process, 8 connections) against the app with the API limit off
 * and on (a limit too high to refuse anything, so every request still upserts its counter row), alternated twice in
 * one run. Prints one JSON line with requests/s and latency of each and the on/off ratio. Needs no reference data.
 */
import { openDatabase } from '../../server/db';
import { engineArg, loadInChild, machine, r2, serve, type LoadResult } from './support';

function secondsArg(): number {
  const i = process.argv.indexOf('--seconds');
  const n = i >= 0 ? Number(process.argv[i + 1]) : 10;
  if (!Number.isInteger(n) || n < 1) throw new Error('--seconds must be a positive whole number');
  return n;
}

async function main(): Promise<void> {
  const engine = engineArg();
  const seconds = secondsArg();
  if (engine === 'postgres' && !process.env.DATABASE_URL) throw new Error('--engine postgres needs DATABASE_URL');
  const database = await openDatabase(engine === 'postgres' ? { databaseUrl: process.env.DATABASE_URL } : {});
  await database.migrate();
  const off = await serve(database);
  const on = await serve(database, { RATE_LIMIT_API_PER_MINUTE: '1000000000' });
  const runs: Record<'off' | 'on', LoadResult[]> = { off: [], on: [] };
  try {
    for (const round of [0, 1]) {
      for (const which of round === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const target = which === 'on' ? on : off;
        runs[which].push(
          await loadInChild({ url: target.url, paths: ['/api/taxonomy'], connections: 8, duration: seconds }),
        );
      }
    }
  } finally {
    await off.close();
    await on.close();
    await database.close();
  }
  const mean = (rs: LoadResult[], k: keyof LoadResult) => r2(rs.reduce((a, r) => a + r[k], 0) / rs.length);
  const summary = (rs: LoadResult[]) => ({
    requestsPerSec: mean(rs, 'requestsPerSec'),
    p50Ms: mean(rs, 'p50Ms'),
    p97_5Ms: mean(rs, 'p97_5Ms'),
    non2xx: rs.reduce((a, r) => a + r.non2xx + r.errors, 0),
  });
  const result = { off: summary(runs.off), on: summary(runs.on) };
  process.stdout.write(
    `${JSON.stringify({
      bench: 'limits',
      engine,
      seconds,
      ...result,
      throughputRatioOnOff: r2(result.on.requestsPerSec / result.off.requestsPerSec),
      machine: machine(),
    })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:limits failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
