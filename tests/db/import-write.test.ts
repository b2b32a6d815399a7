/**
 * The imports' one write into the directory (writeImportBatch): a re-written service's version moves only when a
 * stated value changed; an unstated field (undefined) keeps the stored value while null clears it; children are added
 * or replaced as each service's policy says; capacity history only on a change; a feed's seen and missing marks.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, type Database } from '../../server/db';
import {
  writeImportBatch,
  type ImportBatch,
  type ImportedOrganization,
  type ImportedService,
} from '../../server/features/directory';
import { createTestDatabase } from '../helpers/db';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const write = (batch: Partial<ImportBatch>) =>
  database.db.transaction((tx) =>
    writeImportBatch(tx, {
      organizations: { create: [], update: [] },
      services: { create: [], update: [] },
      locations: { create: [], update: [] },
      ...batch,
    }),
  );

const orgId = randomUUID();
const serviceId = randomUUID();
const locationId = randomUUID();
const termA = randomUUID();
const termB = randomUUID();
const org: ImportedOrganization = {
  id: orgId,
  name: 'Write Test Trust',
  description: 'A trust',
  email: null,
  website: null,
  phone: null,
  legalStatus: null,
  charityNumber: null,
  status: 'approved',
  source: 'oruk:write-test',
  sourceRef: 'org-1',
};
const service: ImportedService = {
  id: serviceId,
  organizationId: orgId,
  name: 'Walk and Talk',
  description: 'Weekly walks',
  url: null,
  email: null,
  referralInstructions: null,
  source: 'oruk:write-test',
  sourceRef: 'svc-1',
};

const row = async () =>
  (
    await query<{
      name: string;
      version: number;
      updated_at: string;
      is_free: boolean | null;
      fees_description: string | null;
      delivery_modes: string[];
      capacity_status: string | null;
      missing_since: string | null;
      last_seen_at: string | null;
    }>(
      database.db,
      sql`select name, version, updated_at::text, is_free, fees_description, delivery_modes, capacity_status,
                 missing_since::text, last_seen_at::text
          from services where id = ${serviceId}`,
    )
  )[0]!;
const count = async (table: string) =>
  (
    await query<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from ${sql.identifier(table)} where service_id = ${serviceId}`,
    )
  )[0]!.n;

describe('writeImportBatch', () => {
  it('creates an organisation, service, location and children, with column defaults for what is not stated', async () => {
    await write({
      organizations: { create: [org], update: [] },
      services: { create: [{ ...service, isFree: true, feesDescription: 'Free' }], update: [] },
      locations: {
        create: [
          {
            id: locationId,
            organizationId: orgId,
            address1: '1 High St',
            city: 'Manchester',
            postcode: 'M13 9PL',
            point: { lat: 53.4668, lng: -2.2339 },
          },
        ],
        update: [],
      },
      serviceAtLocations: [{ serviceId, locationId }],
      schedules: [{ serviceId, freq: 'WEEKLY', byday: 'MO', opensAt: '09:00', closesAt: '12:00', description: null }],
      taxonomyTerms: [
        { id: termA, taxonomy: 'write-test', code: 'a', name: 'A', description: '' },
        { id: termB, taxonomy: 'write-test', code: 'b', name: 'B', description: '' },
      ],
      taxonomyLinks: [{ serviceId, termId: termA }],
      contacts: [{ serviceId, name: 'Sam', title: null, email: null, phone: '0161 000 0000' }],
    });
    const s = await row();
    expect(s).toMatchObject({ name: 'Walk and Talk', version: 1, is_free: true, delivery_modes: ['in_person'] });
    const [loc] = await query<{ lat: number; lng: number; country: string }>(
      database.db,
      sql`select ST_Y(geom) as lat, ST_X(geom) as lng, country from locations where id = ${locationId}`,
    );
    expect(loc).toEqual({ lat: 53.4668, lng: -2.2339, country: 'GB' });
    expect(await count('service_at_locations')).toBe(1);
    expect(await count('schedules')).toBe(1);
    expect(await count('service_taxonomy')).toBe(1);
    expect(await count('contacts')).toBe(1);
  });

  it('moves the version only when a stated value changed; undefined keeps is_free, null clears it', async () => {
    const before = await row();
    // The same values, is_free not stated: nothing changes, not even updated_at.
    await write({
      organizations: { create: [], update: [org] },
      services: { create: [], update: [service] },
    });
    expect(await row()).toEqual(before);

    await write({ services: { create: [], update: [{ ...service, name: 'Walk and Talk Group' }] } });
    const renamed = await row();
    expect(renamed).toMatchObject({ name: 'Walk and Talk Group', version: 2, is_free: true, fees_description: 'Free' });

    await write({
      services: {
        create: [],
        update: [{ ...service, name: 'Walk and Talk Group', isFree: null, feesDescription: null }],
      },
    });
    expect(await row()).toMatchObject({ version: 3, is_free: null, fees_description: null });
  });

  it('replaces service-wide schedules or every child as the service says; taxonomy links are otherwise added', async () => {
    const updated = { ...service, name: 'Walk and Talk Group', isFree: null, feesDescription: null };
    await write({
      services: { create: [], update: [{ ...updated, replace: 'serviceWideSchedules' }] },
      schedules: [
        { serviceId, freq: 'WEEKLY', byday: 'TU', opensAt: '10:00', closesAt: '11:00', description: null },
        { serviceId, freq: 'WEEKLY', byday: 'WE', opensAt: '10:00', closesAt: '11:00', description: null },
      ],
      taxonomyLinks: [
        { serviceId, termId: termA },
        { serviceId, termId: termB },
      ],
    });
    const days = await query<{ byday: string }>(
      database.db,
      sql`select byday from schedules where service_id = ${serviceId} order by byday`,
    );
    expect(days.map((d) => d.byday)).toEqual(['TU', 'WE']);
    expect(await count('service_taxonomy')).toBe(2);
    expect(await count('contacts')).toBe(1);
    expect((await row()).version).toBe(3);

    await write({ services: { create: [], update: [{ ...updated, replace: 'all' }] } });
    for (const table of ['schedules', 'service_taxonomy', 'contacts', 'service_at_locations'])
      expect([table, await count(table)]).toEqual([table, 0]);
  });

  it('records stated capacity in the history only when it changed, at the version it produced', async () => {
    const capacity = { status: 'limited', places: 3, waitDays: null, at: new Date('2026-01-05T10:00:00Z') };
    const updated = { ...service, name: 'Walk and Talk Group', isFree: null, feesDescription: null, capacity };
    await write({ services: { create: [], update: [updated] } });
    await write({ services: { create: [], update: [updated] } });
    const history = await query<{ status: string; places: number; via: string; version: number }>(
      database.db,
      sql`select status, places, via, version from capacity_history where service_id = ${serviceId}`,
    );
    expect(history).toEqual([{ status: 'limited', places: 3, via: 'import', version: 4 }]);
    expect(await row()).toMatchObject({ capacity_status: 'limited', version: 4 });
  });

  it("marks a feed's services seen, and those it no longer carries missing", async () => {
    const at = new Date('2026-02-01T00:00:00Z');
    expect((await write({ missing: { source: 'oruk:write-test', presentRefs: ['svc-1'], at } })).missing).toBe(0);
    expect((await write({ missing: { source: 'oruk:write-test', presentRefs: ['other'], at } })).missing).toBe(1);
    expect((await row()).missing_since).not.toBeNull();
    await write({ seen: { serviceIds: [serviceId], at } });
    const s = await row();
    expect(s.missing_since).toBeNull();
    expect(new Date(s.last_seen_at!).toISOString()).toBe(at.toISOString());
  });
});
