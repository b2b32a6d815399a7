/** Rules of the ORUK 3.0 API: filters → pages of whole records; 404 for unknown or non-public ids. Read-only, no sign-in. */
import type { z } from 'zod';
import type { Db } from '../../db';
import { badField, notFound } from '../../errors';
import { postcodeKey } from '../../../shared/postcode';
import {
  isUuid,
  type OrukOrganizationsQuery,
  type OrukServiceAtLocationsQuery,
  type OrukServicesQuery,
  type OrukTaxonomiesQuery,
  type OrukTaxonomyTermsQuery,
} from '../../../shared/schemas/oruk';
import * as repo from './repository';
import {
  presentOrganization,
  presentPage,
  presentServiceAtLocation,
  presentServiceBasic,
  presentServiceFull,
  presentTaxonomy,
  presentTerm,
  type Json,
} from './presenter';

/** ORUK version this API implements. */
export const ORUK_VERSION = '3.0';

/** GET /: API details. */
export function apiDetails(baseUrl: string): Json {
  return {
    version: ORUK_VERSION,
    profile: 'https://openreferraluk.org/specifications/3.0',
    openapi_url: `${baseUrl}/api/oruk/openapi.json`,
  };
}

/** Whole services with these ids, in order (full or one-to-one fields). */
export async function servicesByIds(db: Db, ids: string[], full: boolean): Promise<Json[]> {
  const bundle = await repo.loadServices(db, ids);
  return bundle.services.map((s) =>
    full ? presentServiceFull(s, bundle) : presentServiceBasic(s, bundle.organizations.get(s.organization_id)),
  );
}

const serviceFilters = (q: {
  search?: string;
  taxonomy_term_id?: string;
  taxonomy_id?: string;
  organization_id?: string;
  modified_after?: Date;
}): repo.ServiceFilters => ({
  search: q.search || undefined,
  taxonomyTermId: q.taxonomy_term_id,
  taxonomyId: q.taxonomy_id,
  organizationId: q.organization_id,
  modifiedAfter: q.modified_after,
});

/** GET /services. */
export async function listServices(db: Db, q: z.output<typeof OrukServicesQuery>): Promise<Json> {
  const p = { page: q.page, perPage: q.per_page };
  const f = serviceFilters(q);
  if (q.minimal) {
    const { total } = await repo.pageServiceIds(db, f, { page: 1, perPage: 1 });
    return presentPage(await repo.minimalServices(db, f, p), total, q.page, q.per_page);
  }
  const page = await repo.pageServiceIds(db, f, p);
  return presentPage(await servicesByIds(db, page.ids, q.full ?? false), page.total, q.page, q.per_page);
}

/** GET /services/{id}: fully nested. */
export async function getService(db: Db, id: string): Promise<Json> {
  if (!isUuid(id)) throw notFound('Service');
  const [service] = await servicesByIds(db, [id.toLowerCase()], true);
  if (!service) throw notFound('Service');
  return service;
}

/** GET /service_at_locations. */
export async function listServiceAtLocations(db: Db, q: z.output<typeof OrukServiceAtLocationsQuery>): Promise<Json> {
  let near: repo.Near | undefined;
  if (q.postcode) {
    const centroid = await repo.postcodeCentroid(db, postcodeKey(q.postcode));
    if (!centroid) throw badField('postcode', 'is not a known full UK postcode');
    near = { ...centroid, metres: q.proximity };
  }
  const page = await repo.pageServiceAtLocationIds(db, serviceFilters(q), near, { page: q.page, perPage: q.per_page });
  const contents = await serviceAtLocationsByIds(db, page.ids, q.full ?? false);
  return presentPage(contents, page.total, q.page, q.per_page);
}

async function serviceAtLocationsByIds(db: Db, ids: string[], withService: boolean): Promise<Json[]> {
  const rows = await repo.loadServiceAtLocations(db, ids);
  const services = withService ? await servicesByIds(db, [...new Set(rows.map((r) => r.service_id))], true) : [];
  const byId = new Map(services.map((s) => [s.id as string, s]));
  return rows.map((r) => {
    const sal = presentServiceAtLocation(r);
    return withService ? { ...sal, service: byId.get(r.service_id) } : sal;
  });
}

/** GET /service_at_locations/{id}: with its location and full service. */
export async function getServiceAtLocation(db: Db, id: string): Promise<Json> {
  if (!isUuid(id)) throw notFound('Service at location');
  const [sal] = await serviceAtLocationsByIds(db, [id.toLowerCase()], true);
  if (!sal) throw notFound('Service at location');
  return sal;
}

async function organizationsByIds(db: Db, ids: string[], fullServices: boolean): Promise<Json[]> {
  const orgs = await repo.loadOrganizations(db, ids);
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const serviceIds = await repo.serviceIdsOfOrganizations(
    db,
    orgs.map((o) => o.id),
  );
  const allIds = [...serviceIds.values()].flat();
  const bundle = await repo.loadServices(db, allIds);
  const services = new Map(
    bundle.services.map((s) => [
      s.id,
      fullServices ? presentServiceFull(s, bundle) : presentServiceBasic(s, undefined),
    ]),
  );
  return ids
    .map((id) => byId.get(id))
    .filter((o) => !!o)
    .map((o) => ({
      ...presentOrganization(o),
      services: (serviceIds.get(o.id) ?? []).map((sid) => services.get(sid)).filter((s) => !!s),
    }));
}

/** GET /organizations. */
export async function listOrganizations(db: Db, q: z.output<typeof OrukOrganizationsQuery>): Promise<Json> {
  const page = await repo.pageOrganizationIds(db, q.search || undefined, { page: q.page, perPage: q.per_page });
  const contents =
    q.full || q.full_service
      ? await organizationsByIds(db, page.ids, q.full_service ?? false)
      : (await repo.loadOrganizations(db, page.ids))
          .sort((a, b) => page.ids.indexOf(a.id) - page.ids.indexOf(b.id))
          .map(presentOrganization);
  return presentPage(contents, page.total, q.page, q.per_page);
}

/** GET /organizations/{id}: with its services (one-to-one fields, or full with full_service). */
export async function getOrganization(db: Db, id: string, fullService: boolean): Promise<Json> {
  if (!isUuid(id)) throw notFound('Organization');
  const [org] = await organizationsByIds(db, [id.toLowerCase()], fullService);
  if (!org) throw notFound('Organization');
  return org;
}

/** GET /taxonomies. */
export async function listTaxonomies(db: Db, q: z.output<typeof OrukTaxonomiesQuery>): Promise<Json> {
  const all = await repo.taxonomies(db, q.search || undefined);
  const start = (q.page - 1) * q.per_page;
  return presentPage(
    all.slice(start, start + q.per_page).map((t) => presentTaxonomy(t)),
    all.length,
    q.page,
    q.per_page,
  );
}

/** GET /taxonomies/{id}: with its terms. */
export async function getTaxonomy(db: Db, id: string): Promise<Json> {
  if (!isUuid(id)) throw notFound('Taxonomy');
  const t = (await repo.taxonomies(db)).find((x) => x.oruk_id === id.toLowerCase());
  if (!t) throw notFound('Taxonomy');
  return presentTaxonomy(t, await repo.termsOfTaxonomies(db, [t.oruk_id]));
}

/** GET /taxonomy_terms. */
export async function listTaxonomyTerms(db: Db, q: z.output<typeof OrukTaxonomyTermsQuery>): Promise<Json> {
  const { total, rows } = await repo.pageTerms(
    db,
    { search: q.search || undefined, taxonomyId: q.taxonomy_id, topOnly: q.top_only, parentId: q.parent_id },
    { page: q.page, perPage: q.per_page },
  );
  return presentPage(rows.map(presentTerm), total, q.page, q.per_page);
}

/** GET /taxonomy_terms/{id}. */
export async function getTaxonomyTerm(db: Db, id: string): Promise<Json> {
  if (!isUuid(id)) throw notFound('Taxonomy term');
  const { rows } = await repo.pageTerms(db, { id: id.toLowerCase() }, { page: 1, perPage: 1 });
  if (!rows[0]) throw notFound('Taxonomy term');
  return presentTerm(rows[0]);
}
