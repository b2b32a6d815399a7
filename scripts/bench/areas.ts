/**
 * npm run bench:areas [-- --engine pglite|postgres]: geocode latency over random real postcodes and the warm
 * all-England PCN GeoJSON response. Prints one JSON line. Targets: geocode p95 < 5 ms; PCN GeoJSON warm < 300 ms.
 */
import { sql } from 'drizzle-orm';
import { query } from '../../server/db';
import { engineArg, machine, openBenchDatabase, percentile, r2, serve, timedGet } from './support';

async function main() {
  const engine = engineArg();
  const database = await openBenchDatabase(engine);
  const server = await serve(database);
  try {
    const sample = await query<{ postcode: string }>(
      database.db,
      sql`select postcode from postcodes order by md5(key) limit 2000`,
    );
    // Mixed spellings, as users type them.
    const queries = sample.map((s, i) =>
      i % 3 === 0 ? s.postcode.toLowerCase() : i % 3 === 1 ? s.postcode.replace(' ', '') : s.postcode,
    );
    for (const q of queries.slice(0, 100)) await timedGet(`${server.url}/api/geocode?q=${encodeURIComponent(q)}`); // warm-up
    const geocode: number[] = [];
    for (const q of queries) {
      const r = await timedGet(`${server.url}/api/geocode?q=${encodeURIComponent(q)}`);
      if (r.status !== 200) throw new Error(`geocode ${q} answered ${r.status}`);
      geocode.push(r.ms);
    }
    // Baselines in the same run (the machine is shared and noisy): a trivial endpoint and the bare database lookup.
    const healthz: number[] = [];
    for (let i = 0; i < queries.length; i++) healthz.push((await timedGet(`${server.url}/healthz`)).ms);
    const dbOnly: number[] = [];
    for (const q of queries) {
      const started = process.hrtime.bigint();
      await query(
        database.db,
        sql`select postcode, lat, lng from postcodes where key = ${q.toUpperCase().replace(/\s+/g, '')}`,
      );
      dbOnly.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const cold = await timedGet(`${server.url}/api/areas/pcns.geojson`, { 'Accept-Encoding': 'gzip' });
    const warm: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 30; i++) {
      const r = await timedGet(`${server.url}/api/areas/pcns.geojson`, { 'Accept-Encoding': 'gzip' });
      warm.push(r.ms);
      bytes = r.bytes;
    }
    process.stdout.write(
      JSON.stringify({
        bench: 'areas',
        engine,
        geocode: {
          n: geocode.length,
          p50Ms: r2(percentile(geocode, 50)),
          p95Ms: r2(percentile(geocode, 95)),
          targetP95Ms: 5,
        },
        baseline: {
          healthzP50Ms: r2(percentile(healthz, 50)),
          healthzP95Ms: r2(percentile(healthz, 95)),
          dbLookupP50Ms: r2(percentile(dbOnly, 50)),
          dbLookupP95Ms: r2(percentile(dbOnly, 95)),
          geocodeToDbP95Ratio: r2(percentile(geocode, 95) / percentile(dbOnly, 95)),
        },
        pcnGeoJson: {
          coldMs: r2(cold.ms),
          warmP50Ms: r2(percentile(warm, 50)),
          warmP95Ms: r2(percentile(warm, 95)),
          gzipBytes: bytes,
          targetWarmMs: 300,
          targetGzipBytes: 1_500_000,
        },
        machine: machine(),
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
