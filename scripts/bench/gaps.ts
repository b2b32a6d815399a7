/**
 * npm run bench:gaps [-- --engine pglite|postgres]: the full England gap analysis (every PCN: need, link workers,
 * capacity-weighted VCSE supply, gap score, ranks), cold (nothing cached) and warm, directly and over HTTP. Prints one
 * JSON line. Targets: all PCNs under 500 ms on PostgreSQL and under 2 s on PGlite (uncached, warm buffers).
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { analyse, GapCache, optionsFrom } from '../../server/features/gaps';
import { engineArg, machine, openBenchDatabase, percentile, r2, serve, timedGet } from './support';

async function main() {
  const engine = engineArg();
  const database = await openBenchDatabase(engine);
  const server = await serve(database);
  try {
    const db = database.db;
    const [dir] = await query<{ services: number; locations: number }>(
      db,
      sql`select (select count(*)::int from services) as services, (select count(*)::int from locations) as locations`,
    );
    const options = optionsFrom({}, 14);
    // Cold: a new cache each time, so every run does the spatial reach and every query.
    const cold: number[] = [];
    let pcns = 0;
    for (let i = 0; i < 6; i++) {
      const started = process.hrtime.bigint();
      const result = await analyse({ db, cache: new GapCache(), options });
      cold.push(Number(process.hrtime.bigint() - started) / 1e6);
      pcns = result.rows.length;
    }
    const cache = new GapCache();
    await analyse({ db, cache, options });
    const warm: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = process.hrtime.bigint();
      await analyse({ db, cache, options });
      warm.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    await timedGet(`${server.url}/api/gaps/pcns`);
    const http: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await timedGet(`${server.url}/api/gaps/pcns`, { 'Accept-Encoding': 'gzip' });
      if (r.status !== 200) throw new Error(`/api/gaps/pcns answered ${r.status}`);
      http.push(r.ms);
    }
    const target = engine === 'postgres' ? 500 : 2000;
    process.stdout.write(
      JSON.stringify({
        bench: 'gaps',
        engine,
        pcns,
        directory: dir,
        analysis: {
          // The first run also warms the database's buffers (after a start or an import); the later ones are the
          // steady state after every directory change (the cache is keyed on the directory, so it misses).
          firstMs: r2(cold[0]!),
          coldP50Ms: r2(percentile(cold.slice(1), 50)),
          coldMaxMs: r2(Math.max(...cold.slice(1))),
          cachedP50Ms: r2(percentile(warm, 50)),
          targetMs: target,
          withinTarget: percentile(cold.slice(1), 50) < target,
        },
        httpPcnsWarmP50Ms: r2(percentile(http, 50)),
        machine: { ...machine(), loadAvg1m: r2(os.loadavg()[0]!) },
      }) + '\n',
    );
  } finally {
    await server.close();
    await database.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
