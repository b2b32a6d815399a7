/** Test factories for the directory: a tiny geography (two ICBs), postcodes, organisations, services and DB snapshots. */
import { sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../server/db';

/** Postcodes the fixture knows: one in ICB QAA (PCN U10001), one in ICB QBB (PCN U20001). */
export const POSTCODES = {
  inA: { postcode: 'M13 9PL', lat: 53.46, lng: -2.3 },
  inB: { postcode: 'M20 2LL', lat: 53.46, lng: -2.1 },
} as const;

/** ICBs of the fixture geography. */
export const ICB_A = 'QAA';
export const ICB_B = 'QBB';

/** Inserts two ICBs, each with a sub-ICB, a PCN and one LSOA rectangle, and the fixture postcodes. */
export async function seedGeography(db: Db): Promise<void> {
  const box = (w: number, s: number, e: number, n: number) =>
    sql`ST_Multi(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326))`;
  const areas = [
    {
      icb: ICB_A,
      ons: 'E54000901',
      sub: '01A',
      subOns: 'E38000901',
      pcn: 'U10001',
      lsoa: 'E01900001',
      lad: 'E08000901',
      w: -2.4,
      e: -2.2,
    },
    {
      icb: ICB_B,
      ons: 'E54000902',
      sub: '02B',
      subOns: 'E38000902',
      pcn: 'U20001',
      lsoa: 'E01900002',
      lad: 'E08000902',
      w: -2.2,
      e: -2.0,
    },
  ];
  for (const a of areas) {
    await db.execute(
      sql`insert into icbs (code, ons_code, name, geom) values (${a.icb}, ${a.ons}, ${`ICB ${a.icb}`}, ${box(a.w, 53.44, a.e, 53.48)})`,
    );
    await db.execute(
      sql`insert into sub_icbs (code, ons_code, name, icb_code) values (${a.sub}, ${a.subOns}, ${`Sub-ICB ${a.sub}`}, ${a.icb})`,
    );
    await db.execute(
      sql`insert into pcns (code, name, sub_icb_code, icb_code, geom) values (${a.pcn}, ${`PCN ${a.pcn}`}, ${a.sub}, ${a.icb}, ${box(a.w, 53.44, a.e, 53.48)})`,
    );
    await db.execute(
      sql`insert into lsoas (code, name, lad_code, lad_name, sub_icb_code, icb_code, pcn_code, residents, geom, centroid)
          values (${a.lsoa}, ${`LSOA ${a.lsoa}`}, ${a.lad}, 'Manchester', ${a.sub}, ${a.icb}, ${a.pcn}, 1500,
                  ${box(a.w, 53.44, a.e, 53.48)}, ST_SetSRID(ST_MakePoint(${(a.w + a.e) / 2}, 53.46), 4326))`,
    );
  }
  for (const p of Object.values(POSTCODES)) {
    await db
      .insert(schema.postcodes)
      .values({ key: p.postcode.replace(' ', ''), postcode: p.postcode, lat: p.lat, lng: p.lng });
  }
}

/** Inserts an organisation directly (arrange step). */
export async function createOrganization(
  db: Db,
  overrides: Partial<typeof schema.organizations.$inferInsert> = {},
): Promise<typeof schema.organizations.$inferSelect> {
  const [row] = await db
    .insert(schema.organizations)
    .values({
      name: `Org ${Math.random().toString(36).slice(2, 8)}`,
      status: 'approved',
      source: 'import',
      ...overrides,
    })
    .returning();
  return row!;
}

/** Inserts a service directly, with a location in ICB A and capacity set 1 day ago (arrange step). */
export async function createService(
  db: Db,
  organizationId: string,
  overrides: Partial<typeof schema.services.$inferInsert> = {},
): Promise<typeof schema.services.$inferSelect> {
  const dayAgo = new Date(Date.now() - 86_400_000);
  const [row] = await db
    .insert(schema.services)
    .values({
      organizationId,
      name: 'Walking group',
      capacityStatus: 'accepting',
      capacityPlaces: 5,
      capacitySetAt: dayAgo,
      capacityConfirmedAt: dayAgo,
      ...overrides,
    })
    .returning();
  const [loc] = await db
    .insert(schema.locations)
    .values({
      organizationId,
      postcode: POSTCODES.inA.postcode,
      geom: sql`ST_SetSRID(ST_MakePoint(${POSTCODES.inA.lng}, ${POSTCODES.inA.lat}), 4326)` as unknown as string,
    })
    .returning();
  await db.insert(schema.serviceAtLocations).values({ serviceId: row!.id, locationId: loc!.id });
  return row!;
}

/** A complete, valid service body exercising every field. */
export function serviceBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Chorlton walking for health',
    alternateName: 'Health walks',
    description: 'Gentle guided walks in the park, every week.',
    url: 'https://walks.example.org',
    email: 'Walks@Example.org',
    status: 'active',
    referralMethod: 'either',
    referralInstructions: 'Phone or email us.',
    referralUrl: 'https://walks.example.org/refer',
    feesDescription: 'Free',
    isFree: true,
    eligibilityDescription: 'Adults who can walk for 30 minutes',
    minimumAge: 18,
    maximumAge: 99,
    deliveryModes: ['in_person', 'phone'],
    accessibility: 'Step-free route',
    alert: null,
    locations: [{ name: 'Park gates', address1: '1 Park Road', city: 'Manchester', postcode: 'm13 9pl' }],
    schedules: [
      { freq: 'WEEKLY', byday: 'MO,WE', opensAt: '10:00', closesAt: '11:30', sessionPlaces: 12, locationIndex: 0 },
    ],
    contacts: [{ name: 'Sam Lee', title: 'Coordinator', email: 'sam@example.org', phone: '0161 123 4567' }],
    costOptions: [{ option: 'Session', amount: 0, amountDescription: 'Free' }],
    languages: ['en', 'ur'],
    serviceAreas: [{ areaType: 'pcn', areaCode: 'U10001', name: 'PCN U10001' }],
    taxonomy: ['physical_activity', 'nature_and_green_space'],
    funding: [{ source: 'National Lottery', endsOn: '2099-03-31' }],
    ...overrides,
  };
}

const SNAPSHOT_TABLES = [
  'organizations',
  'services',
  'locations',
  'service_at_locations',
  'schedules',
  'contacts',
  'cost_options',
  'service_languages',
  'service_areas',
  'taxonomy_terms',
  'service_taxonomy',
  'capacity_history',
  'funding',
  'concerns',
  'concern_messages',
  'organization_claims',
  'memberships',
  'audit_log',
] as const;

/** Every row of every directory table (and memberships and the audit log), to assert that nothing changed. */
export async function snapshotDirectory(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of SNAPSHOT_TABLES) {
    out[table] = await query(db, sql.raw(`select to_jsonb(t) as row from ${table} t order by to_jsonb(t)::text`));
  }
  return out;
}

/** Number of rows in a table. */
export async function countRows(db: Db, table: (typeof SNAPSHOT_TABLES)[number]): Promise<number> {
  const [row] = await query<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`));
  return row!.n;
}
