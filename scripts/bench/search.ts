/**
 * npm run bench:search -- --services 500000 [--engine pglite|postgres] [--n 200] [--seed 1]: service search and the
 * search map over a synthetic directory of N services (seeded once with scripts/seed-synthetic.ts and reused while
 * the count matches). Times, one request at a time over keep-alive HTTP on loopback, search at 5 and 20 km with and
 * without category and capacity filters, and the map at England, region and town zoom; then searches/s under
 * autocannon (concurrency 16, in a child process so the load generator does not share the server's event loop); and the bare PostGIS nearest-neighbour query for the same centres. Prints one JSON line.
 * Targets (issue 5): search p95 ≤ 25 ms (PostgreSQL) / ≤ 75 ms (PGlite); map p95 ≤ 100 ms and ≤ 200 KB; ≥ 400
 * searches/s on PostgreSQL; API p95 ÷ bare p95 ≤ 2.
 */
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../server/db';
import { generateSyntheticDirectory, mulberry32 } from '../seed-synthetic';
import { searchPassCounts } from '../../server/features/search';
import { engineArg, loadInChild, machine, openBenchDatabase, percentile, r2, serve, timedGet } from './support';

const WARM_UP = 20;

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
}

/** Seeds the synthetic directory unless it already holds exactly `services` services. */
async function ensureDirectory(db: Db, services: number, seed: number): Promise<void> {
  const [row] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from services s join organizations o on o.id = s.organization_id
        where o.source = 'synthetic'`,
  );
  if (row!.n === services) return;
  const started = Date.now();
  process.stderr.write(`bench: seeding ${services} synthetic services…\n`);
  await db.transaction(async (tx) =>
    generateSyntheticDirectory(tx as unknown as Db, {
      services,
      seed,
      onProgress: (done, total) => {
        if (done % 50_000 === 0 || done === total) process.stderr.write(`bench: ${done}/${total}\n`);
      },
    }),
  );
  await db.execute(sql`analyze`);
  process.stderr.write(`bench: seeded in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

/** Search centres: LSOA centroids picked in proportion to residents (where people, and services, are). */
async function centres(db: Db, count: number): Promise<{ lat: number; lng: number }[]> {
  const rows = await query<{ lat: number; lng: number; residents: number }>(
    db,
    sql`select ST_Y(centroid) as lat, ST_X(centroid) as lng, residents from lsoas order by code`,
  );
  const rand = mulberry32(7);
  let total = 0;
  const cumulative = rows.map((r) => (total += Math.max(1, r.residents)));
  return Array.from({ length: count }, () => {
    const x = rand() * total;
    const i = cumulative.findIndex((c) => c >= x);
    return rows[Math.max(0, i)]!;
  });
}

interface Timing {
  p50Ms: number;
  p95Ms: number;
  maxBytes?: number;
}

async function time(urls: string[], withBytes = false): Promise<Timing> {
  const ms: number[] = [];
  let maxBytes = 0;
  for (let i = 0; i < urls.length + WARM_UP; i++) {
    const url = urls[i % urls.length]!;
    const r = await timedGet(url, { 'Accept-Encoding': 'identity' });
    if (r.status !== 200) throw new Error(`${url} answered ${r.status}`);
    if (i >= WARM_UP) {
      ms.push(r.ms);
      maxBytes = Math.max(maxBytes, r.bytes);
    }
  }
  return {
    p50Ms: r2(percentile(ms, 50)),
    p95Ms: r2(percentile(ms, 95)),
    ...(withBytes ? { maxBytes } : {}),
  };
}

async function main() {
  const engine = engineArg();
  const services = intArg('services', 500_000);
  const n = intArg('n', 200);
  const seed = intArg('seed', 1);
  const database = await openBenchDatabase(engine);
  const db = database.db;
  await ensureDirectory(db, services, seed);
  const server = await serve(database);
  try {
    const points = await centres(db, n);
    const families = ['advice', 'physical_activity', 'mental_wellbeing', 'befriending_and_social_connection', 'food'];
    const url = (p: { lat: number; lng: number }, i: number, extra: string) =>
      `${server.url}/api/services/search?lat=${p.lat.toFixed(5)}&lng=${p.lng.toFixed(5)}${extra.replace('{cat}', families[i % families.length]!)}`;
    const searchTypes: Record<string, string> = {
      search_5km: '&radiusKm=5',
      search_5km_category: '&radiusKm=5&category={cat}',
      search_5km_accepting: '&radiusKm=5&capacity=accepting&unconfirmed=false',
      search_5km_category_accepting: '&radiusKm=5&category={cat}&capacity=accepting&unconfirmed=false',
      search_20km: '&radiusKm=20',
      search_20km_category: '&radiusKm=20&category={cat}',
      search_20km_accepting: '&radiusKm=20&capacity=accepting&unconfirmed=false',
      search_20km_category_accepting: '&radiusKm=20&category={cat}&capacity=accepting&unconfirmed=false',
    };
    const results: Record<string, Timing> = {};
    const nearestShare: Record<string, number> = {};
    for (const [name, extra] of Object.entries(searchTypes)) {
      const before = searchPassCounts();
      results[name] = await time(points.map((p, i) => url(p, i, extra)));
      const after = searchPassCounts();
      const nearest = after.nearest - before.nearest;
      nearestShare[name] = r2(nearest / (nearest + after.full - before.full));
    }
    const box = (p: { lat: number; lng: number }, dLng: number, dLat: number) =>
      `${(p.lng - dLng).toFixed(4)},${(p.lat - dLat).toFixed(4)},${(p.lng + dLng).toFixed(4)},${(p.lat + dLat).toFixed(4)}`;
    const mapUrl = (bbox: string, zoom: number) => `${server.url}/api/services/map?bbox=${bbox}&zoom=${zoom}`;
    results.map_england = await time(
      Array.from({ length: Math.min(n, 50) }, () => mapUrl('-6.5,49.8,2.0,55.9', 6)),
      true,
    );
    results.map_region = await time(
      points.slice(0, Math.min(n, 100)).map((p) => mapUrl(box(p, 1.2, 0.7), 8)),
      true,
    );
    results.map_town = await time(
      points.slice(0, Math.min(n, 100)).map((p) => mapUrl(box(p, 0.04, 0.025), 14)),
      true,
    );

    // The bare PostGIS nearest-neighbour query for the same centres (within 5 km: degree box on the GiST index, exact
    // sphere distance, KNN order, first 20): the floor the API is compared with.
    const bare: number[] = [];
    for (let i = 0; i < points.length + WARM_UP; i++) {
      const p = points[i % points.length]!;
      const started = process.hrtime.bigint();
      const pt = sql`ST_SetSRID(ST_MakePoint(${p.lng}, ${p.lat}), 4326)`;
      const dLat = 5 / 111.2;
      const dLng = dLat / Math.cos(((Math.abs(p.lat) + dLat) * Math.PI) / 180);
      await query(
        db,
        sql`select service_id, ST_DistanceSphere(geom, ${pt}) as d from service_search
            where geom && ST_MakeEnvelope(${p.lng - dLng}, ${p.lat - dLat}, ${p.lng + dLng}, ${p.lat + dLat}, 4326)
              and ST_DistanceSphere(geom, ${pt}) <= 5000
            order by geom <-> ${pt} limit 20`,
      );
      if (i >= WARM_UP) bare.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const bareP95 = percentile(bare, 95);

    // Baseline in the same run (the machine is shared and noisy): a trivial endpoint.
    const healthz = await time(Array.from({ length: n }, () => `${server.url}/healthz`));

    // Throughput: 5 km searches at rotating centres, 16 connections for 10 s, from a separate process.
    const cannon = await loadInChild({
      url: server.url,
      paths: points.map((p, i) => url(p, i, '&radiusKm=5').slice(server.url.length)),
      connections: 16,
      duration: 10,
    });
    const searchP95 = results.search_5km!.p95Ms;
    const worstSearchP95 = Math.max(
      ...Object.entries(results)
        .filter(([name]) => name.startsWith('search_'))
        .map(([, t]) => t.p95Ms),
    );
    const worstMapP95 = Math.max(results.map_england!.p95Ms, results.map_region!.p95Ms, results.map_town!.p95Ms);
    const maxMapBytes = Math.max(
      results.map_england!.maxBytes!,
      results.map_region!.maxBytes!,
      results.map_town!.maxBytes!,
    );
    const [{ rows } = { rows: 0 }] = await query<{ rows: number }>(
      db,
      sql`select count(*)::int as rows from service_search`,
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'search',
        engine,
        services,
        searchRows: rows,
        n,
        ...results,
        // Share of searches the nearest-neighbour pass answered alone (the rest needed the full pass too).
        nearestPassShare: nearestShare,
        bareNearest5km: { p50Ms: r2(percentile(bare, 50)), p95Ms: r2(bareP95) },
        baselineHealthz: healthz,
        ratioApiToBareP95: r2(searchP95 / bareP95),
        throughput: {
          connections: 16,
          requestsPerSec: r2(cannon.requestsPerSec),
          p50Ms: cannon.p50Ms,
          p97_5Ms: cannon.p97_5Ms,
          non2xx: cannon.non2xx,
          errors: cannon.errors,
          loadGenerator: 'child process',
        },
        targets: {
          searchP95Ms: engine === 'postgres' ? 25 : 75,
          worstSearchP95Ms: worstSearchP95,
          mapP95Ms: 100,
          worstMapP95Ms: worstMapP95,
          mapBytes: 200_000,
          maxMapBytes,
          requestsPerSec: engine === 'postgres' ? 400 : null,
          ratio: 2,
        },
        loadAverage: (await import('node:os')).loadavg().map((l) => r2(l)),
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
