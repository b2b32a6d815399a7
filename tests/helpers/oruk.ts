/**
 * ORUK test helpers: a varied directory of N services seeded in a few set-based statements (fast on both engines),
 * and an ajv validator loaded with the vendored ORUK 3.0 JSON Schemas (and HSDS 3.1 service_capacity).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { sql } from 'drizzle-orm';
import type { Db } from '../../server/db';

const STANDARD = path.resolve(__dirname, '..', '..', 'data', 'standards');
const ORUK_BASE = 'https://openreferraluk.org/specifications/3.0/schema/';
const HSDS_BASE = 'https://openreferral.org/hsds/3.1/schema/';

/** Schema names every ORUK endpoint answers with. */
export type OrukSchema =
  | 'api_details'
  | 'service'
  | 'service_list'
  | 'organization'
  | 'organization_list'
  | 'service_at_location'
  | 'service_at_location_list'
  | 'taxonomy'
  | 'taxonomy_list'
  | 'taxonomy_term'
  | 'taxonomy_term_list';

/** An ajv (draft 2020-12, formats on, ORUK's extra keywords allowed) holding every vendored schema by its ORUK URL. */
export function orukValidator(): { validate(schema: OrukSchema | 'service_capacity', data: unknown): string[] } {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const dir = path.join(STANDARD, 'oruk-3.0', 'schema');
  for (const file of fs.readdirSync(dir)) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: ORUK_BASE + file });
  }
  // HSDS 3.1 service_capacity refers to unit.json, attribute.json and metadata.json beside it; Signpost never emits
  // attributes or metadata on capacity, so those two resolve to permissive stand-ins.
  for (const file of ['service_capacity.json', 'unit.json']) {
    const schema = JSON.parse(fs.readFileSync(path.join(STANDARD, 'hsds-3.1', file), 'utf8')) as Record<
      string,
      unknown
    >;
    ajv.addSchema({ ...schema, $id: HSDS_BASE + file });
  }
  ajv.addSchema({ $id: HSDS_BASE + 'attribute.json' });
  ajv.addSchema({ $id: HSDS_BASE + 'metadata.json' });
  return {
    validate(name, data) {
      const id = (name === 'service_capacity' ? HSDS_BASE : ORUK_BASE) + `${name}.json`;
      const fn = ajv.getSchema(id);
      if (!fn) throw new Error(`no schema ${id}`);
      return fn(data) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
    },
  };
}

/** Deterministic ids of the seeded directory. */
export const seededId = (kind: string, i: number) => {
  const hex = createHash('md5').update(`${kind}${i}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * Seeds `services` services over services/2 approved organisations (plus one pending organisation with a service
 * that must never appear), each service with a location (M13 9PL area, spread ~0–9 km east), a schedule, a contact,
 * a language, a cost option, funding, a service area, one or two taxonomy terms and varied capacity.
 */
export async function seedOrukDirectory(db: Db, services: number): Promise<void> {
  const orgs = Math.ceil(services / 2);
  const id = (kind: string, col: string) => sql.raw(`md5('${kind}' || ${col})::uuid`);
  await db.execute(sql`insert into organizations (id, name, description, email, website, phone, charity_number, status, source)
    select ${id('org', 'i')}, 'Organisation ' || lpad(i::text, 5, '0'), 'Community organisation number ' || i,
           'org' || i || '@example.org', 'https://org' || i || '.example.org', '0161 496 ' || lpad((i % 10000)::text, 4, '0'),
           case when i % 3 = 0 then (1000000 + i)::text end, 'approved', 'self'
    from generate_series(1, ${orgs}) i`);
  await db.execute(sql`insert into services (id, organization_id, name, description, url, email, status, fees_description,
        eligibility_description, minimum_age, maximum_age, capacity_status, capacity_places, capacity_wait_days,
        capacity_set_at, capacity_confirmed_at, updated_at)
    select ${id('svc', 'i')}, ${id('org', '(((i - 1) / 2) + 1)')},
           (array['Walking group', 'Lunch club', 'Food bank', 'Art club', 'Debt advice'])[1 + i % 5] || ' ' || lpad(i::text, 5, '0'),
           'Service number ' || i, 'https://svc' || i || '.example.org', 'svc' || i || '@example.org',
           case when i % 17 = 0 then 'temporarily closed' else 'active' end,
           case when i % 4 = 0 then 'Small charge' end, 'Adults', case when i % 2 = 0 then 18 end, case when i % 5 = 0 then 99 end,
           (array['accepting', 'limited', 'waitlist', 'not_accepting', null])[1 + i % 5],
           case when i % 5 in (0, 1) then i % 20 end, case when i % 5 = 2 then 7 + i % 30 end,
           timestamptz '2026-01-01T10:00:00Z' + i * interval '1 minute', timestamptz '2026-01-02T10:00:00Z' + i * interval '1 minute',
           timestamptz '2026-02-01T00:00:00Z' + i * interval '1 hour'
    from generate_series(1, ${services}) i`);
  await db.execute(sql`insert into locations (id, organization_id, name, address_1, city, region, postcode, geom)
    select ${id('loc', 'i')}, ${id('org', '(((i - 1) / 2) + 1)')}, 'Venue ' || i, i || ' High Street', 'Manchester',
           case when i % 2 = 0 then 'Greater Manchester' end, 'M13 9PL',
           ST_SetSRID(ST_MakePoint(-2.3 + (i % 100) * 0.0013, 53.46), 4326)
    from generate_series(1, ${services}) i`);
  await db.execute(sql`insert into service_at_locations (id, service_id, location_id)
    select ${id('sal', 'i')}, ${id('svc', 'i')}, ${id('loc', 'i')} from generate_series(1, ${services}) i`);
  await db.execute(sql`insert into schedules (id, service_id, freq, byday, opens_at, closes_at, description)
    select ${id('sch', 'i')}, ${id('svc', 'i')}, 'WEEKLY', (array['MO', 'TU,TH', 'WE', 'FR', 'SA'])[1 + i % 5],
           time '09:30', time '12:00', 'Weekly session'
    from generate_series(1, ${services}) i`);
  await db.execute(sql`insert into contacts (id, service_id, name, title, email, phone)
    select ${id('con', 'i')}, ${id('svc', 'i')}, 'Coordinator ' || i, 'Coordinator', 'c' || i || '@example.org',
           case when i % 2 = 0 then '0161 496 0000' end
    from generate_series(1, ${services}) i`);
  await db.execute(sql`insert into service_languages (service_id, code, name)
    select ${id('svc', 'i')}, 'en', 'English' from generate_series(1, ${services}) i
    union all select ${id('svc', 'i')}, 'ur', 'Urdu' from generate_series(1, ${services}) i where i % 7 = 0`);
  await db.execute(sql`insert into cost_options (id, service_id, option, amount, amount_description)
    select ${id('cost', 'i')}, ${id('svc', 'i')}, 'Per session', 2.5, 'Suggested donation'
    from generate_series(1, ${services}) i where i % 4 = 0`);
  await db.execute(sql`insert into funding (id, service_id, source, ends_on)
    select ${id('fund', 'i')}, ${id('svc', 'i')}, 'National Lottery', date '2027-03-31'
    from generate_series(1, ${services}) i where i % 3 = 0`);
  await db.execute(sql`insert into service_areas (id, service_id, area_type, area_code, name)
    select ${id('area', 'i')}, ${id('svc', 'i')}, 'icb', 'QAA', 'ICB QAA'
    from generate_series(1, ${services}) i where i % 2 = 1`);
  await db.execute(sql`insert into service_taxonomy (service_id, taxonomy_term_id)
    select ${id('svc', 'i')}, t.id from generate_series(1, ${services}) i
    join (select id, row_number() over (order by code) as n, count(*) over () as c from taxonomy_terms) t
      on t.n = 1 + i % t.c or (i % 3 = 0 and t.n = 1 + (i + 1) % t.c)`);
  // A pending organisation and its service: never public.
  await db.execute(
    sql`insert into organizations (id, name, status) values (${seededId('pending-org', 1)}, 'Pending Org', 'pending')`,
  );
  await db.execute(
    sql`insert into services (id, organization_id, name) values (${seededId('pending-svc', 1)}, ${seededId('pending-org', 1)}, 'Hidden service')`,
  );
}

/** A standard example document with its US address (postcode ABC 1234) moved to Manchester: only places in England import. */
export function movedToEngland(doc: unknown): unknown {
  if (Array.isArray(doc)) return doc.map(movedToEngland);
  if (typeof doc !== 'object' || doc === null) return doc;
  const o = Object.fromEntries(Object.entries(doc).map(([k, x]) => [k, movedToEngland(x)]));
  return o.postal_code === 'ABC 1234' ? { ...o, postal_code: 'M13 9PL', country: 'GB' } : o;
}
