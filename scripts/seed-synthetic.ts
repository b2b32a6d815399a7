/**
 * npm run seed:synthetic -- --services 500000 --seed 1 [--dry-run]: a deterministic synthetic directory for
 * benchmarks, spread over England in proportion to Census 2021 residents (LSOA centres, jittered by up to ~400 m).
 * Re-running replaces the previous synthetic rows (source = synthetic); real and demo data are untouched.
 * Needs the reference data (LSOAs) and the taxonomy in the database. Run it inside a transaction (main does): the
 * search triggers are deferred for the load and service_search is rebuilt once at the end.
 */
import { SingleBar, Presets } from 'cli-progress';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../server/config';
import { bulkInsert, openDatabase, query, type Db } from '../server/db';

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same directory. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic UUID (v4 layout) from the PRNG. */
function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(rand() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const NAMES: Record<string, string[]> = {
  advice: ['Advice drop-in', 'Citizens advice session', 'Money and benefits clinic'],
  physical_activity: ['Walking group', 'Chair exercise class', 'Park run buddies', 'Gentle yoga'],
  arts_and_culture: ['Community choir', 'Art club', 'Craft circle', 'Drama group'],
  nature_and_green_space: ['Community garden', 'Green gym', 'Allotment project'],
  befriending_and_social_connection: ['Befriending service', 'Lunch club', 'Men’s shed', 'Telephone friendship line'],
  mental_wellbeing: ['Peer support group', 'Wellbeing café', 'Talking space'],
  carers: ['Carers’ support group', 'Carers’ respite café'],
  food: ['Food bank', 'Community pantry', 'Cook and eat club'],
  employment_learning_and_volunteering: ['Volunteering hub', 'Digital skills class', 'Job club'],
  practical_support: ['Handyperson service', 'Community transport', 'Digital help desk'],
};

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Capacity statuses and their shares in the synthetic directory (null = never set). */
const CAPACITY: [string | null, number][] = [
  ['accepting', 0.45],
  ['limited', 0.15],
  ['waitlist', 0.2],
  ['not_accepting', 0.1],
  [null, 0.1],
];

async function generate(
  db: Db,
  args: { services: number; seed: number; onProgress: (done: number, total: number) => void },
) {
  const rand = mulberry32(args.seed);
  const lsoas = await query<{
    code: string;
    lat: number;
    lng: number;
    residents: number;
    icb_code: string;
    name: string;
  }>(
    db,
    sql`select code, ST_Y(centroid) as lat, ST_X(centroid) as lng, residents, icb_code, lad_name as name from lsoas order by code`,
  );
  if (!lsoas.length)
    throw new Error('No LSOAs: load the reference data first (npm start once, or npm run import:reference).');
  const terms = await query<{ id: string; code: string }>(
    db,
    sql`select t.id, t.code from taxonomy_terms t where not exists (select 1 from taxonomy_terms c where c.parent_id = t.id) order by t.code`,
  );
  if (!terms.length) throw new Error('No taxonomy terms in the database.');
  const cumulative: number[] = [];
  let total = 0;
  for (const l of lsoas) cumulative.push((total += Math.max(1, l.residents)));
  const pickLsoa = () => {
    const r = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return lsoas[lo]!;
  };

  // Search index: row triggers would refresh each service several times; defer them for this transaction and
  // rebuild service_search once at the end (same transaction, so search never sees a half-seeded directory).
  await db.execute(sql`select set_config('signpost.search_defer', 'on', true)`);
  await db.execute(sql`delete from organizations where source = 'synthetic'`);
  const now = Date.now();
  const BATCH = 10_000;
  for (let start = 0; start < args.services; start += BATCH) {
    const n = Math.min(BATCH, args.services - start);
    const orgs: unknown[][] = [];
    const services: unknown[][] = [];
    const locations: unknown[][] = [];
    const sals: unknown[][] = [];
    const taxonomy: unknown[][] = [];
    const areas: unknown[][] = [];
    let orgId = '';
    for (let i = 0; i < n; i++) {
      const index = start + i;
      const lsoa = pickLsoa();
      // About three services per organisation, in the same place.
      if (index % 3 === 0 || !orgId) {
        orgId = uuidFrom(rand);
        orgs.push([
          orgId,
          `Synthetic community organisation ${index / 3 + 1}`,
          'Synthetic record for benchmarks.',
          'approved',
          'synthetic',
          `synthetic:${index}`,
        ]);
      }
      const term = pick(rand, terms);
      const family = term.code.split('.')[0]!;
      const serviceId = uuidFrom(rand);
      const r = rand();
      let acc = 0;
      const status = CAPACITY.find(([, share]) => (acc += share) >= r)?.[0] ?? 'accepting';
      const confirmedDaysAgo = Math.floor(rand() * 30);
      const setAt = status
        ? new Date(now - confirmedDaysAgo * 86_400_000 - Math.floor(rand() * 86_400_000)).toISOString()
        : null;
      const modeRoll = rand();
      const modes = modeRoll < 0.85 ? ['in_person'] : modeRoll < 0.95 ? ['phone'] : ['online'];
      const minAge = rand() < 0.7 ? 18 : rand() < 0.5 ? 0 : 50;
      services.push([
        serviceId,
        orgId,
        `${pick(rand, NAMES[family] ?? ['Community service'])} — ${lsoa.name}`,
        `A synthetic ${family.replace('_', ' ')} service for benchmarking.`,
        rand() < 0.8,
        minAge,
        rand() < 0.2 ? 25 : null,
        `{${modes.join(',')}}`,
        status,
        status === 'waitlist' ? Math.floor(rand() * 60) + 7 : null,
        setAt,
        setAt,
      ]);
      const lat = lsoa.lat + (rand() - 0.5) * 0.007;
      const lng = lsoa.lng + (rand() - 0.5) * 0.011;
      const locationId = uuidFrom(rand);
      locations.push([locationId, orgId, lat, lng]);
      sals.push([uuidFrom(rand), serviceId, locationId]);
      taxonomy.push([serviceId, term.id]);
      if (modes[0] !== 'in_person') areas.push([uuidFrom(rand), serviceId, 'icb', lsoa.icb_code]);
    }
    await bulkInsert(db, {
      table: 'organizations',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'name', type: 'text' },
        { name: 'description', type: 'text' },
        { name: 'status', type: 'text' },
        { name: 'source', type: 'text' },
        { name: 'source_ref', type: 'text' },
      ],
      expressions: { id: 'v.id::uuid' },
      rows: orgs,
    });
    await bulkInsert(db, {
      table: 'services',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'organization_id', type: 'text' },
        { name: 'name', type: 'text' },
        { name: 'description', type: 'text' },
        { name: 'is_free', type: 'bool' },
        { name: 'minimum_age', type: 'int4' },
        { name: 'maximum_age', type: 'int4' },
        { name: 'delivery_modes', type: 'text' },
        { name: 'capacity_status', type: 'text' },
        { name: 'capacity_wait_days', type: 'int4' },
        { name: 'capacity_set_at', type: 'text' },
        { name: 'capacity_confirmed_at', type: 'text' },
      ],
      expressions: {
        id: 'v.id::uuid',
        organization_id: 'v.organization_id::uuid',
        delivery_modes: 'v.delivery_modes::text[]',
        capacity_set_at: 'v.capacity_set_at::timestamptz',
        capacity_confirmed_at: 'v.capacity_confirmed_at::timestamptz',
      },
      rows: services,
    });
    await bulkInsert(db, {
      table: 'locations',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'organization_id', type: 'text' },
        { name: 'lat', type: 'float8' },
        { name: 'lng', type: 'float8' },
      ],
      expressions: {
        id: 'v.id::uuid',
        organization_id: 'v.organization_id::uuid',
        geom: 'ST_SetSRID(ST_MakePoint(v.lng, v.lat), 4326)',
      },
      inputOnly: ['lat', 'lng'],
      rows: locations,
    });
    await bulkInsert(db, {
      table: 'service_at_locations',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'service_id', type: 'text' },
        { name: 'location_id', type: 'text' },
      ],
      expressions: { id: 'v.id::uuid', service_id: 'v.service_id::uuid', location_id: 'v.location_id::uuid' },
      rows: sals,
    });
    await bulkInsert(db, {
      table: 'service_taxonomy',
      columns: [
        { name: 'service_id', type: 'text' },
        { name: 'taxonomy_term_id', type: 'text' },
      ],
      expressions: { service_id: 'v.service_id::uuid', taxonomy_term_id: 'v.taxonomy_term_id::uuid' },
      rows: taxonomy,
    });
    if (areas.length) {
      await bulkInsert(db, {
        table: 'service_areas',
        columns: [
          { name: 'id', type: 'text' },
          { name: 'service_id', type: 'text' },
          { name: 'area_type', type: 'text' },
          { name: 'area_code', type: 'text' },
        ],
        expressions: { id: 'v.id::uuid', service_id: 'v.service_id::uuid' },
        rows: areas,
      });
    }
    args.onProgress(start + n, args.services);
  }
  await db.execute(sql`select search_rebuild()`);
  await db.execute(sql`select set_config('signpost.search_defer', 'off', true)`);
}

function intArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 5_000_000) {
    process.stderr.write(`--${name} must be a whole number from 0 to 5,000,000\n`);
    process.exit(2);
  }
  return n;
}

async function main() {
  const services = intArg('services', 10_000);
  const seed = intArg('seed', 1);
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const bar = process.stdout.isTTY
    ? new SingleBar({ format: ' synthetic [{bar}] {percentage}% {value}/{total} services' }, Presets.shades_classic)
    : undefined;
  const started = Date.now();
  try {
    await database.migrate();
    bar?.start(services, 0);
    await database.db.transaction(async (tx) =>
      generate(tx as unknown as Db, {
        services,
        seed,
        onProgress: (done, total) =>
          bar
            ? bar.update(done)
            : done % 100_000 === 0 || done === total
              ? process.stdout.write(`${done}/${total} services\n`)
              : undefined,
      }),
    );
    bar?.stop();
    process.stdout.write(
      `Synthetic directory: ${services} services (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}

export { generate as generateSyntheticDirectory };
