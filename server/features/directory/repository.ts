/** Queries of the directory: organisations, services and their ORUK children, capacity, taxonomy, claims, concerns. Plain rows out. */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';
import type { ServiceBody } from '../../../shared/schemas/directory';

const {
  organizations,
  services,
  locations,
  serviceAtLocations,
  schedules,
  contacts,
  costOptions,
  serviceLanguages,
  serviceAreas,
  taxonomyTerms,
  serviceTaxonomy,
  capacityHistory,
  funding,
  concerns,
  concernMessages,
  organizationClaims,
  memberships,
} = schema;

/** An organisation row. */
export type OrganizationRow = typeof organizations.$inferSelect;
/** A service row (with current capacity and version). */
export type ServiceRow = typeof services.$inferSelect;
/** A taxonomy term row. */
export type TaxonomyTermRow = typeof taxonomyTerms.$inferSelect;
/** A capacity history row. */
export type CapacityHistoryRow = typeof capacityHistory.$inferSelect;
/** A concern row. */
export type ConcernRow = typeof concerns.$inferSelect;
/** A concern message row. */
export type ConcernMessageRow = typeof concernMessages.$inferSelect;
/** An organisation claim row. */
export type ClaimRow = typeof organizationClaims.$inferSelect;

// ---------------------------------------------------------------------------------------------------------------
// Organisations

/** One organisation by id. */
export async function findOrganization(db: Db, id: string): Promise<OrganizationRow | undefined> {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  return row;
}

/** Organisations, optionally of one status, newest first. */
export async function listOrganizations(db: Db, status?: string): Promise<OrganizationRow[]> {
  return db
    .select()
    .from(organizations)
    .where(status ? eq(organizations.status, status) : undefined)
    .orderBy(desc(organizations.createdAt))
    .limit(500);
}

/** An approved organisation found by name, with the town and postcode of its first location. */
export interface OrganizationMatch {
  id: string;
  name: string;
  town: string | null;
  postcode: string | null;
}

/**
 * Approved organisations whose name or other name contains `q` (case-insensitive; `%`, `_` and `\\` match
 * themselves): names starting with `q` first, then by name.
 */
export async function searchApprovedOrganizations(db: Db, q: string, limit: number): Promise<OrganizationMatch[]> {
  const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
  const contains = `%${escaped}%`;
  const starts = `${escaped}%`;
  return query<OrganizationMatch>(
    db,
    sql`select o.id, o.name, l.city as town, l.postcode
        from organizations o
        left join lateral (
          select city, postcode from locations where organization_id = o.id order by (city is null), id limit 1
        ) l on true
        where o.status = 'approved' and (o.name ilike ${contains} or o.alternate_name ilike ${contains})
        order by (o.name ilike ${starts}) desc, lower(o.name), o.id
        limit ${limit}`,
  );
}

/** Organisations by ids, by name. */
export async function listOrganizationsByIds(db: Db, ids: string[]): Promise<OrganizationRow[]> {
  if (!ids.length) return [];
  return db.select().from(organizations).where(inArray(organizations.id, ids)).orderBy(asc(organizations.name));
}

/** Inserts an organisation. */
export async function insertOrganization(db: Db, values: typeof organizations.$inferInsert): Promise<OrganizationRow> {
  const [row] = await db.insert(organizations).values(values).returning();
  return row!;
}

/** Updates an organisation's fields; returns the new row. */
export async function updateOrganization(
  db: Db,
  id: string,
  values: Partial<typeof organizations.$inferInsert>,
): Promise<OrganizationRow | undefined> {
  const [row] = await db
    .update(organizations)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(organizations.id, id))
    .returning();
  return row;
}

/** Makes a user a member of an organisation (no-op when already). */
export async function addMembership(db: Db, userId: string, organizationId: string): Promise<void> {
  await db.insert(memberships).values({ userId, organizationId }).onConflictDoNothing();
}

/** Whether a user is a member of an organisation. */
export async function isMember(db: Db, userId: string, organizationId: string): Promise<boolean> {
  const rows = await db
    .select({ u: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId)));
  return rows.length > 0;
}

/** Organisation ids a user belongs to. */
export async function membershipOrgIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ id: memberships.organizationId })
    .from(memberships)
    .where(eq(memberships.userId, userId));
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------------------------
// Claims

/** Inserts a claim. */
export async function insertClaim(db: Db, values: typeof organizationClaims.$inferInsert): Promise<ClaimRow> {
  const [row] = await db.insert(organizationClaims).values(values).returning();
  return row!;
}

/** One claim. */
export async function findClaim(db: Db, id: string): Promise<ClaimRow | undefined> {
  const [row] = await db.select().from(organizationClaims).where(eq(organizationClaims.id, id));
  return row;
}

/** A user's pending claim on an organisation, if any. */
export async function findPendingClaim(db: Db, userId: string, organizationId: string): Promise<ClaimRow | undefined> {
  const [row] = await db
    .select()
    .from(organizationClaims)
    .where(
      and(
        eq(organizationClaims.userId, userId),
        eq(organizationClaims.organizationId, organizationId),
        eq(organizationClaims.status, 'pending'),
      ),
    );
  return row;
}

/** A claim with its organisation's name. */
export type ClaimWithOrganization = ClaimRow & { organizationName: string };

/** Claims with their organisation's name: of a status (oldest first) or of one user (newest first). */
export async function listClaimsWithOrganization(
  db: Db,
  where: { status: string } | { userId: string },
): Promise<ClaimWithOrganization[]> {
  const rows = await db
    .select({ claim: organizationClaims, organizationName: organizations.name })
    .from(organizationClaims)
    .innerJoin(organizations, eq(organizations.id, organizationClaims.organizationId))
    .where(
      'status' in where ? eq(organizationClaims.status, where.status) : eq(organizationClaims.userId, where.userId),
    )
    .orderBy('status' in where ? asc(organizationClaims.createdAt) : desc(organizationClaims.createdAt))
    .limit(500);
  return rows.map((r) => ({ ...r.claim, organizationName: r.organizationName }));
}

/** Decides a pending claim; undefined when it was no longer pending. */
export async function decideClaim(
  db: Db,
  id: string,
  status: 'approved' | 'rejected',
  decidedBy: string,
): Promise<ClaimRow | undefined> {
  const [row] = await db
    .update(organizationClaims)
    .set({ status, decidedBy, decidedAt: new Date() })
    .where(and(eq(organizationClaims.id, id), eq(organizationClaims.status, 'pending')))
    .returning();
  return row;
}

// ---------------------------------------------------------------------------------------------------------------
// Services

/** One service by id. */
export async function findService(db: Db, id: string): Promise<ServiceRow | undefined> {
  const [row] = await db.select().from(services).where(eq(services.id, id));
  return row;
}

/** Locks a service row at one of the given versions (FOR UPDATE); undefined when its version differs. */
export async function lockServiceAtVersion(db: Db, id: string, versions: number[]): Promise<ServiceRow | undefined> {
  if (!versions.length) return undefined;
  const [row] = await db
    .select()
    .from(services)
    .where(and(eq(services.id, id), inArray(services.version, versions)))
    .for('update');
  return row;
}

/** Locks a service row (any version) for the rest of the transaction; writes that carry no If-Match use it. */
export async function lockService(db: Db, id: string): Promise<ServiceRow | undefined> {
  const [row] = await db.select().from(services).where(eq(services.id, id)).for('update');
  return row;
}

/** Services of some organisations, by name. */
export async function listServicesOfOrganizations(db: Db, organizationIds: string[]): Promise<ServiceRow[]> {
  if (!organizationIds.length) return [];
  return db
    .select()
    .from(services)
    .where(inArray(services.organizationId, organizationIds))
    .orderBy(asc(services.name));
}

/** The service columns an editor sets through the service body. */
export function serviceColumns(body: ServiceBody) {
  return {
    name: body.name,
    alternateName: body.alternateName,
    description: body.description,
    url: body.url,
    email: body.email,
    status: body.status,
    referralMethod: body.referralMethod,
    referralInstructions: body.referralInstructions,
    referralUrl: body.referralUrl,
    feesDescription: body.feesDescription,
    isFree: body.isFree,
    eligibilityDescription: body.eligibilityDescription,
    minimumAge: body.minimumAge,
    maximumAge: body.maximumAge,
    deliveryModes: body.deliveryModes,
    accessibility: body.accessibility,
    alert: body.alert,
  };
}

/** Inserts a service. */
export async function insertService(db: Db, values: typeof services.$inferInsert): Promise<ServiceRow> {
  const [row] = await db.insert(services).values(values).returning();
  return row!;
}

/**
 * Updates a service only if its version is still `version`, bumping the version in the same statement; undefined when
 * the version moved on (someone else wrote first).
 */
export async function updateServiceAtVersion(
  db: Db,
  id: string,
  version: number,
  values: Partial<typeof services.$inferInsert>,
): Promise<ServiceRow | undefined> {
  const [row] = await db
    .update(services)
    .set({ ...values, version: sql`${services.version} + 1`, updatedAt: new Date() })
    .where(and(eq(services.id, id), eq(services.version, version)))
    .returning();
  return row;
}

/** A location resolved to coordinates, ready to store. */
export interface ResolvedLocation {
  name: string | null;
  description: string | null;
  address1: string | null;
  city: string | null;
  region: string | null;
  postcode: string;
  transportation: string | null;
  accessibility: string | null;
  lat: number;
  lng: number;
}

/**
 * Replaces every child of a service (locations it alone uses, service-at-locations, schedules, contacts, costs,
 * languages, areas, taxonomy, funding) with the given ones.
 */
export async function replaceServiceChildren(
  db: Db,
  args: {
    serviceId: string;
    organizationId: string;
    body: ServiceBody;
    locations: ResolvedLocation[];
    taxonomyTermIds: string[];
    languageNames: Record<string, string>;
  },
): Promise<void> {
  const { serviceId, organizationId, body } = args;
  // Locations belong to the organisation; drop those only this service used.
  await query(
    db,
    sql`delete from locations l using service_at_locations sal
        where sal.location_id = l.id and sal.service_id = ${serviceId}
          and not exists (select 1 from service_at_locations o where o.location_id = l.id and o.service_id <> ${serviceId})`,
  );
  await db.delete(serviceAtLocations).where(eq(serviceAtLocations.serviceId, serviceId));
  await db.delete(schedules).where(eq(schedules.serviceId, serviceId));
  await db.delete(contacts).where(eq(contacts.serviceId, serviceId));
  await db.delete(costOptions).where(eq(costOptions.serviceId, serviceId));
  await db.delete(serviceLanguages).where(eq(serviceLanguages.serviceId, serviceId));
  await db.delete(serviceAreas).where(eq(serviceAreas.serviceId, serviceId));
  await db.delete(serviceTaxonomy).where(eq(serviceTaxonomy.serviceId, serviceId));
  await db.delete(funding).where(eq(funding.serviceId, serviceId));

  const salIds: string[] = [];
  for (const l of args.locations) {
    const [loc] = await db
      .insert(locations)
      .values({
        organizationId,
        name: l.name,
        description: l.description,
        address1: l.address1,
        city: l.city,
        region: l.region,
        postcode: l.postcode,
        transportation: l.transportation,
        accessibility: l.accessibility,
        geom: sql`ST_SetSRID(ST_MakePoint(${l.lng}, ${l.lat}), 4326)` as unknown as string,
      })
      .returning({ id: locations.id });
    const [sal] = await db
      .insert(serviceAtLocations)
      .values({ serviceId, locationId: loc!.id })
      .returning({ id: serviceAtLocations.id });
    salIds.push(sal!.id);
  }
  if (body.schedules.length)
    await db.insert(schedules).values(
      body.schedules.map((s) => ({
        serviceId,
        serviceAtLocationId: s.locationIndex != null ? salIds[s.locationIndex]! : null,
        freq: s.freq,
        byday: s.byday,
        opensAt: s.opensAt,
        closesAt: s.closesAt,
        validFrom: s.validFrom,
        validTo: s.validTo,
        description: s.description,
        sessionPlaces: s.sessionPlaces,
      })),
    );
  if (body.contacts.length) await db.insert(contacts).values(body.contacts.map((c) => ({ serviceId, ...c })));
  if (body.costOptions.length)
    await db.insert(costOptions).values(body.costOptions.map((c) => ({ serviceId, ...c, currency: 'GBP' })));
  if (body.languages.length)
    await db
      .insert(serviceLanguages)
      .values(body.languages.map((code) => ({ serviceId, code, name: args.languageNames[code] ?? code })));
  if (body.serviceAreas.length)
    await db.insert(serviceAreas).values(body.serviceAreas.map((a) => ({ serviceId, ...a })));
  if (args.taxonomyTermIds.length)
    await db
      .insert(serviceTaxonomy)
      .values(args.taxonomyTermIds.map((taxonomyTermId) => ({ serviceId, taxonomyTermId })));
  if (body.funding.length) await db.insert(funding).values(body.funding.map((f) => ({ serviceId, ...f })));
}

/** A location of a service with its coordinates. */
export interface ServiceLocationRow {
  id: string;
  sal_id: string;
  name: string | null;
  description: string | null;
  address_1: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string;
  transportation: string | null;
  accessibility: string | null;
  lat: number | null;
  lng: number | null;
}

/** Everything hanging off a service, for its detail. */
export async function loadServiceChildren(db: Db, serviceId: string) {
  const locs = await query<ServiceLocationRow>(
    db,
    sql`select l.id, sal.id as sal_id, l.name, l.description, l.address_1, l.city, l.region, l.postcode, l.country,
               l.transportation, l.accessibility, ST_Y(l.geom) as lat, ST_X(l.geom) as lng
        from service_at_locations sal join locations l on l.id = sal.location_id
        where sal.service_id = ${serviceId} order by l.postcode, l.id`,
  );
  const [scheds, conts, costs, langs, areas, terms, funds] = await Promise.all([
    db.select().from(schedules).where(eq(schedules.serviceId, serviceId)).orderBy(asc(schedules.id)),
    db.select().from(contacts).where(eq(contacts.serviceId, serviceId)).orderBy(asc(contacts.id)),
    db.select().from(costOptions).where(eq(costOptions.serviceId, serviceId)).orderBy(asc(costOptions.id)),
    db
      .select()
      .from(serviceLanguages)
      .where(eq(serviceLanguages.serviceId, serviceId))
      .orderBy(asc(serviceLanguages.code)),
    db
      .select()
      .from(serviceAreas)
      .where(eq(serviceAreas.serviceId, serviceId))
      .orderBy(asc(serviceAreas.areaType), asc(serviceAreas.areaCode)),
    db
      .select({ id: taxonomyTerms.id, code: taxonomyTerms.code, name: taxonomyTerms.name })
      .from(serviceTaxonomy)
      .innerJoin(taxonomyTerms, eq(taxonomyTerms.id, serviceTaxonomy.taxonomyTermId))
      .where(eq(serviceTaxonomy.serviceId, serviceId))
      .orderBy(asc(taxonomyTerms.code)),
    db.select().from(funding).where(eq(funding.serviceId, serviceId)).orderBy(asc(funding.endsOn)),
  ]);
  return {
    locations: locs,
    schedules: scheds,
    contacts: conts,
    costOptions: costs,
    languages: langs,
    serviceAreas: areas,
    taxonomy: terms,
    funding: funds,
  };
}

/** The children of a service, as loaded. */
export type ServiceChildren = Awaited<ReturnType<typeof loadServiceChildren>>;

/** Funding end dates of several services, by service id. */
export async function fundingEndDates(db: Db, serviceIds: string[]): Promise<Map<string, (string | null)[]>> {
  const map = new Map<string, (string | null)[]>();
  if (!serviceIds.length) return map;
  const rows = await db
    .select({ serviceId: funding.serviceId, endsOn: funding.endsOn })
    .from(funding)
    .where(inArray(funding.serviceId, serviceIds));
  for (const r of rows) map.set(r.serviceId, [...(map.get(r.serviceId) ?? []), r.endsOn]);
  return map;
}

// ---------------------------------------------------------------------------------------------------------------
// Capacity

/** Appends one capacity history entry. */
export async function insertCapacityHistory(
  db: Db,
  values: typeof capacityHistory.$inferInsert,
): Promise<CapacityHistoryRow> {
  const [row] = await db.insert(capacityHistory).values(values).returning();
  return row!;
}

/** Capacity history of a service, newest first. */
export async function listCapacityHistory(db: Db, serviceId: string, limit = 200): Promise<CapacityHistoryRow[]> {
  return db
    .select()
    .from(capacityHistory)
    .where(eq(capacityHistory.serviceId, serviceId))
    .orderBy(desc(capacityHistory.id))
    .limit(limit);
}

// ---------------------------------------------------------------------------------------------------------------
// Taxonomy

/** Every term of the Signpost taxonomy. */
export async function listTaxonomyTerms(db: Db): Promise<TaxonomyTermRow[]> {
  return db.select().from(taxonomyTerms).orderBy(asc(taxonomyTerms.code));
}

/** Terms by code. */
export async function findTaxonomyTermsByCodes(db: Db, codes: string[]): Promise<TaxonomyTermRow[]> {
  if (!codes.length) return [];
  return db.select().from(taxonomyTerms).where(inArray(taxonomyTerms.code, codes));
}

/** One term by id. */
export async function findTaxonomyTerm(db: Db, id: string): Promise<TaxonomyTermRow | undefined> {
  const [row] = await db.select().from(taxonomyTerms).where(eq(taxonomyTerms.id, id));
  return row;
}

/** Inserts a term; undefined when the code exists. */
export async function insertTaxonomyTerm(
  db: Db,
  values: typeof taxonomyTerms.$inferInsert,
): Promise<TaxonomyTermRow | undefined> {
  const [row] = await db.insert(taxonomyTerms).values(values).onConflictDoNothing().returning();
  return row;
}

/** Updates a term's name or description. */
export async function updateTaxonomyTerm(
  db: Db,
  id: string,
  values: { name?: string; description?: string },
): Promise<TaxonomyTermRow | undefined> {
  const [row] = await db.update(taxonomyTerms).set(values).where(eq(taxonomyTerms.id, id)).returning();
  return row;
}

/** How many services and child terms use a term. */
export async function taxonomyTermUsage(db: Db, id: string): Promise<{ services: number; children: number }> {
  const [row] = await query<{ services: number; children: number }>(
    db,
    sql`select (select count(*)::int from service_taxonomy where taxonomy_term_id = ${id}) as services,
               (select count(*)::int from taxonomy_terms where parent_id = ${id}) as children`,
  );
  return row ?? { services: 0, children: 0 };
}

/** Deletes a term. */
export async function deleteTaxonomyTerm(db: Db, id: string): Promise<void> {
  await db.delete(taxonomyTerms).where(eq(taxonomyTerms.id, id));
}

// ---------------------------------------------------------------------------------------------------------------
// Concerns

/** Inserts a concern. */
export async function insertConcern(db: Db, values: typeof concerns.$inferInsert): Promise<ConcernRow> {
  const [row] = await db.insert(concerns).values(values).returning();
  return row!;
}

/** One concern. */
export async function findConcern(db: Db, id: string): Promise<ConcernRow | undefined> {
  const [row] = await db.select().from(concerns).where(eq(concerns.id, id));
  return row;
}

/** Sets a concern's status. */
export async function setConcernStatus(db: Db, id: string, status: string): Promise<void> {
  await db.update(concerns).set({ status, updatedAt: new Date() }).where(eq(concerns.id, id));
}

/** Appends a message to a concern. */
export async function insertConcernMessage(
  db: Db,
  values: typeof concernMessages.$inferInsert,
): Promise<ConcernMessageRow> {
  const [row] = await db.insert(concernMessages).values(values).returning();
  await db.update(concerns).set({ updatedAt: new Date() }).where(eq(concerns.id, values.concernId));
  return row!;
}

/** Messages of some concerns, oldest first. */
export async function listConcernMessages(db: Db, concernIds: string[]): Promise<ConcernMessageRow[]> {
  if (!concernIds.length) return [];
  return db
    .select()
    .from(concernMessages)
    .where(inArray(concernMessages.concernId, concernIds))
    .orderBy(asc(concernMessages.id));
}

/** Concerns of some organisations, newest first. */
export async function listConcernsOfOrganizations(db: Db, organizationIds: string[]): Promise<ConcernRow[]> {
  if (!organizationIds.length) return [];
  return db
    .select()
    .from(concerns)
    .where(inArray(concerns.organizationId, organizationIds))
    .orderBy(desc(concerns.createdAt))
    .limit(500);
}

/**
 * The ICBs whose PCNs a service covers: PCN catchments (LSOAs) its locations fall in, plus its service areas
 * (icb, sub_icb, pcn, lad). `england` means every ICB and is reported as `all`.
 */
const SERVICE_ICBS = sql`
  select sal.service_id, p.icb_code from service_at_locations sal
    join locations loc on loc.id = sal.location_id
    join lsoas l on ST_Intersects(l.geom, loc.geom)
    join pcns p on p.code = l.pcn_code
  union select sa.service_id, sa.area_code from service_areas sa where sa.area_type = 'icb'
  union select sa.service_id, p.icb_code from service_areas sa join pcns p on p.code = sa.area_code where sa.area_type = 'pcn'
  union select sa.service_id, s.icb_code from service_areas sa join sub_icbs s on s.code = sa.area_code where sa.area_type = 'sub_icb'
  union select sa.service_id, l.icb_code from service_areas sa join lsoas l on l.lad_code = sa.area_code where sa.area_type = 'lad'
  union select sa.service_id, 'all' from service_areas sa where sa.area_type = 'england'`;

/** ICB codes a service covers ('all' when it covers England). */
export async function serviceIcbCodes(db: Db, serviceId: string): Promise<string[]> {
  const rows = await query<{ icb_code: string }>(
    db,
    sql`select distinct icb_code from (${SERVICE_ICBS}) x where service_id = ${serviceId}`,
  );
  return rows.map((r) => r.icb_code);
}

/** Concerns (any status or one, any kind or one) about services covering an ICB, or all concerns when `icbCode` is undefined. */
export async function listConcernsForIcb(
  db: Db,
  icbCode: string | undefined,
  status?: string,
  kind?: string,
): Promise<ConcernRow[]> {
  const rows = await query<{ id: string }>(
    db,
    sql`select c.id from concerns c
        where (${status ?? null}::text is null or c.status = ${status ?? null})
          and (${kind ?? null}::text is null or c.kind = ${kind ?? null})
          and (${icbCode ?? null}::text is null or exists (
            select 1 from (${SERVICE_ICBS}) x where x.service_id = c.service_id and x.icb_code in (${icbCode ?? ''}, 'all')))
        order by c.created_at desc limit 500`,
  );
  if (!rows.length) return [];
  return db
    .select()
    .from(concerns)
    .where(
      inArray(
        concerns.id,
        rows.map((r) => r.id),
      ),
    )
    .orderBy(desc(concerns.createdAt));
}

/** What a commissioner needs beside a concern: its service and organisation names and the PCNs the service covers. */
export interface ConcernContext {
  serviceName: string | null;
  organizationName: string | null;
  pcns: { code: string; name: string; icbCode: string }[];
}

/**
 * Context of concerns by id. PCNs are those whose catchment holds one of the service's locations or that it names
 * as a service area (wider areas name no PCN); limited to one ICB when `icbCode` is given.
 */
export async function concernContexts(
  db: Db,
  concernIds: string[],
  icbCode?: string,
): Promise<Map<string, ConcernContext>> {
  const out = new Map<string, ConcernContext>();
  if (!concernIds.length) return out;
  const ids = sql.join(
    concernIds.map((i) => sql`${i}::uuid`),
    sql`, `,
  );
  const names = await query<{ id: string; service_name: string | null; organization_name: string | null }>(
    db,
    sql`select c.id, s.name as service_name, o.name as organization_name from concerns c
          left join services s on s.id = c.service_id
          left join organizations o on o.id = c.organization_id
        where c.id in (${ids})`,
  );
  for (const r of names)
    out.set(r.id, { serviceName: r.service_name, organizationName: r.organization_name, pcns: [] });
  const pcnRows = await query<{ id: string; code: string; name: string; icb_code: string }>(
    db,
    sql`select distinct c.id, p.code, p.name, p.icb_code from concerns c
          join (
            select sal.service_id, l.pcn_code from service_at_locations sal
              join locations loc on loc.id = sal.location_id
              join lsoas l on ST_Intersects(l.geom, loc.geom)
            union select sa.service_id, sa.area_code from service_areas sa where sa.area_type = 'pcn'
          ) x on x.service_id = c.service_id
          join pcns p on p.code = x.pcn_code
        where c.id in (${ids}) and (${icbCode ?? null}::text is null or p.icb_code = ${icbCode ?? null})
        order by p.name`,
  );
  for (const r of pcnRows) out.get(r.id)?.pcns.push({ code: r.code, name: r.name, icbCode: r.icb_code });
  return out;
}
