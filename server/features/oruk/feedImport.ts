/**
 * Import of another directory's Open Referral UK feed, 3.0 or 1.0 / HSDS 2 vintage (`npm run import -- oruk
 * URL_OR_FILE`): read a paged ORUK API (following pages, then /services/{id} for shallow list items) or a JSON dump
 * (a list response, an array of services, one service, or an organisation with its services); repair and map every
 * service (feedMap.ts); keep only places in England (places.ts); match records imported before by (source,
 * source_ref); then write everything in one transaction, or nothing. Signpost gives every record it creates its own
 * UUID; the feed's ids are kept as source_ref on organisations, services and locations, with provenance (first
 * imported, last seen, missing since) on services. See docs/oruk.md and the README.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, type Db } from '../../db';
import { recordAudit } from '../accounts';
import { deferSearchIndex, refreshSearchIndex } from '../search';
import {
  writeImportBatch,
  type ImportBatch,
  type ImportedOrganization,
  type ImportedService,
  type ImportedServiceAtLocation,
  type ImportedTaxonomyTerm,
} from '../directory';
import { createPacer } from '../../eventLoop';
import { postcodeKey } from '../../../shared/postcode';
import { isObject, mapService, unmappedFields, type Crosswalk, type FieldNote, type Org, type Svc } from './feedMap';
import { distanceKm, placeOfPostcode, placeOutsideEngland } from './places';
import {
  checkOutboundUrl,
  OutboundError,
  OutboundRefusedError,
  safeFetch,
  type SafeResponse,
} from '../../net/safeFetch';

type J = Record<string, unknown>;

/** One problem with one record of the feed. */
export interface OrukProblem {
  /** Which record: `services[i]` and its id or name. */
  record: string;
  /** Dotted field path within the record. */
  field: string;
  /** Why. */
  reason: string;
  /** A repair's value before and after (clipped). */
  before?: string;
  after?: string;
}

/** What an ORUK import did (or, on a dry run or rejection, would have done). */
export interface OrukImportReport {
  source: string;
  /** The feed's identity in `source` columns (`oruk:` and the file name or URL). */
  sourceKey: string;
  /** Pages read from an API (0 for a file). */
  pages: number;
  /** Services in the feed. */
  records: number;
  created: number;
  updated: number;
  /** Imported before and the same now: not rewritten (last seen noted). */
  unchanged: number;
  skipped: number;
  rejected: number;
  /** Services of this source no longer in the feed, now marked missing_since. */
  missing: number;
  organizationsCreated: number;
  organizationsUpdated: number;
  /** Taxonomy terms added because no existing term matched. */
  termsCreated: number;
  skippedRecords: OrukProblem[];
  problems: OrukProblem[];
  /** Repairs (before/after) and values dropped without rejecting the record (e.g. an invalid email). */
  warnings: OrukProblem[];
  /** Warnings counted by field and kind, most frequent first. */
  repairs: Record<string, number>;
  /** Fields of the feed Signpost does not map, with how many records carried them. */
  unmappedFields: Record<string, number>;
  /** Feed terms the crosswalk does not map to a Signpost category (`field: term`), with counts. */
  unmappedTerms: Record<string, number>;
  dryRun: boolean;
  skipInvalid: boolean;
  written: boolean;
}

/** Thrown when the source cannot be read at all (not a record problem). */
export class OrukSourceError extends Error {}

const MAX_PAGES = 10_000;

/** Largest feed page (or service) read from a URL. */
const MAX_PAGE_BYTES = 50 * 1024 * 1024;

/** Outbound-fetch settings of an import by URL. */
export interface OrukFetchOptions {
  /** OUTBOUND_ALLOW: hostnames and CIDRs the feed may be on although they are not public. Default none. */
  outboundAllow?: readonly string[];
  /** Ask the API only for services modified since then (ORUK `modified_after`; an API that ignores it sends all). */
  modifiedAfter?: Date;
}

/** An outbound refusal as a source error naming the `url` field, e.g. "url: points to a private or loopback address". */
const refused = (e: OutboundRefusedError) => new OrukSourceError(`url: ${e.reason} (${e.url})`);

async function fetchJson(url: string, options: OrukFetchOptions): Promise<unknown> {
  let res: SafeResponse;
  try {
    res = await safeFetch(url, {
      allow: options.outboundAllow,
      headers: { Accept: 'application/json' },
      maxBytes: MAX_PAGE_BYTES,
      timeoutMs: 60_000,
    });
  } catch (e) {
    if (e instanceof OutboundRefusedError) throw refused(e);
    if (e instanceof OutboundError) throw new OrukSourceError(`Cannot fetch ${url}: ${e.reason}`);
    throw e;
  }
  if (!res.ok) throw new OrukSourceError(`${url} answered ${res.status} ${res.statusText}`);
  try {
    return res.json();
  } catch {
    throw new OrukSourceError(`${url} did not return JSON`);
  }
}

/** The items of a list response: ORUK 3.0 `contents`, or ORUK 1.0 (Spring-style) `content`. */
const itemsOf = (doc: unknown): unknown[] | undefined =>
  isObject(doc)
    ? Array.isArray(doc.contents)
      ? doc.contents
      : Array.isArray(doc.content)
        ? doc.content
        : undefined
    : undefined;

/** Services of a JSON document: a list response, an array of services, one service, or an organisation with services. */
export function servicesOfDocument(doc: unknown): J[] {
  if (Array.isArray(doc)) return doc as J[];
  if (!isObject(doc)) throw new OrukSourceError('The feed is not a JSON object or array');
  const items = itemsOf(doc);
  if (items) return items as J[];
  if (Array.isArray(doc.services) && Array.isArray(doc.organizations)) return doc.services as J[];
  if (Array.isArray(doc.services)) {
    const { services, ...org } = doc;
    return (services as J[]).map((s) => (isObject(s) && !s.organization ? { ...s, organization: org } : s));
  }
  if (isObject(doc.service) && isObject(doc.location)) {
    const { service, ...sal } = doc;
    const svc = service as J;
    return [Array.isArray(svc.service_at_locations) ? svc : { ...svc, service_at_locations: [sal] }];
  }
  if (typeof doc.id === 'string' && typeof doc.name === 'string') return [doc];
  throw new OrukSourceError('The feed has no services (expected a list response, an array or a service)');
}

/** Reads every service of a paged ORUK API (its root, or its /services) or of a JSON file. */
export async function readOrukSource(
  source: string,
  options: OrukFetchOptions = {},
): Promise<{ services: unknown[]; organizations?: unknown[]; pages: number }> {
  if (!/^https?:\/\//i.test(source)) {
    let text: string;
    try {
      text = fs.readFileSync(source, 'utf8');
    } catch (e) {
      throw new OrukSourceError(`Cannot read ${source}: ${(e as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new OrukSourceError(`${source} is not JSON: ${(e as Error).message}`);
    }
    const organizations = isObject(doc) && Array.isArray(doc.organizations) ? doc.organizations : undefined;
    return { services: servicesOfDocument(doc), organizations, pages: 0 };
  }
  // Checked as typed: URL parsing would quietly resolve a `..` segment away.
  let url: URL;
  try {
    url = checkOutboundUrl(source);
  } catch (e) {
    if (e instanceof OutboundRefusedError) throw refused(e);
    throw e;
  }
  const first = await fetchJson(url.toString(), options);
  if (isObject(first) && !itemsOf(first) && typeof first.version === 'string') {
    url = new URL(`${url.pathname.replace(/\/$/, '')}/services`, url);
  } else if (!itemsOf(first)) {
    return { services: servicesOfDocument(first), pages: 1 };
  }
  if (!url.searchParams.has('full')) url.searchParams.set('full', 'true');
  if (options.modifiedAfter) url.searchParams.set('modified_after', options.modifiedAfter.toISOString());
  const services: unknown[] = [];
  let pages = 0;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    url.searchParams.set('page', String(page));
    const doc = await fetchJson(url.toString(), options);
    const items = itemsOf(doc);
    if (!isObject(doc) || !items) throw new OrukSourceError(`${url.toString()} is not an ORUK list response`);
    pages += 1;
    services.push(...items);
    const total = doc.total_pages ?? doc.totalPages;
    const totalPages = typeof total === 'number' ? total : undefined;
    if (
      items.length === 0 ||
      doc.last_page === true ||
      doc.last === true ||
      (totalPages !== undefined && page >= totalPages)
    )
      break;
  }
  // Items without nested locations (a feed whose lists only carry one-to-one fields, ignoring full=true; or a
  // service without locations): fetch each such service in full from /services/{id}.
  const base = url.toString().split('?')[0]!;
  for (let i = 0; i < services.length; i += 1) {
    const s = services[i];
    if (isObject(s) && typeof s.id === 'string' && !('service_at_locations' in s))
      services[i] = await fetchJson(`${base}/${encodeURIComponent(s.id)}`, options);
  }
  return { services, pages };
}

// ---- Importing the mapped services ----

/** The feed's identity in `source` columns: `oruk:` and the file's name, or the URL without query and /services. */
export function feedSourceKey(source: string): string {
  if (!/^https?:\/\//i.test(source)) return `oruk:${path.basename(source)}`;
  const u = new URL(source);
  return `oruk:${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/services$/, '')}`;
}

/** The crosswalk shipped with Signpost (data/oruk-crosswalk.json): feed terms → Signpost category codes. */
export function loadCrosswalk(
  file = path.resolve(__dirname, '..', '..', '..', 'data', 'oruk-crosswalk.json'),
): Crosswalk {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { terms?: Record<string, string> };
  return Object.fromEntries(Object.entries(doc.terms ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

const label = (raw: unknown, i: number) => {
  const r = isObject(raw) ? raw : {};
  const what = typeof r.id === 'string' ? r.id : typeof r.name === 'string' ? r.name : '';
  return `services[${i}]${what ? ` (${what})` : ''}`;
};
/** Names of records left in a feed by its testers. */
const TEST_RECORD = /^\s*(test|testing|dummy|do not use|delete me)\b/i;
const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();
const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
const sorted = (m: Map<string, number> | Record<string, number>) =>
  Object.fromEntries(
    [...(m instanceof Map ? m.entries() : Object.entries(m))].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  );

type Placed = Svc & { points: ({ lat: number; lng: number } | null)[] };

/** Options of an import of services already read. */
export interface OrukImportArgs {
  db: Db;
  services: unknown[];
  /** The file or URL read (shown in the report; its name is the feed's identity unless sourceName is given). */
  source: string;
  /** Organisations given beside the services in the same document (services may name theirs only by id). */
  organizations?: unknown[];
  pages?: number;
  dryRun?: boolean;
  skipInvalid?: boolean;
  actorUserId?: string | null;
  /** The feed's identity (default from the file name or URL, see feedSourceKey). */
  sourceName?: string;
  /** When coordinates and postcode disagree by more than 1 km, place by the postcode (default: the coordinates). */
  preferPostcode?: boolean;
  /** Feed terms → Signpost categories (default data/oruk-crosswalk.json). */
  crosswalk?: Crosswalk;
  /** The services are the whole feed: services of this source not in it are marked missing_since. Default true. */
  complete?: boolean;
  /** Progress: `check` counts records mapped and checked, then `write` (the one transaction) by steps. */
  onProgress?: (p: { phase: 'check' | 'write'; done: number; total: number }) => void | Promise<void>;
}

/** Imports the services of an ORUK feed already read; all or nothing unless skipInvalid. */
export async function importOrukServices(args: OrukImportArgs): Promise<OrukImportReport> {
  const { db, services: raws, dryRun = false, skipInvalid = false } = args;
  const key = args.sourceName ? `oruk:${args.sourceName}` : feedSourceKey(args.source);
  const report: OrukImportReport = {
    source: args.source,
    sourceKey: key,
    pages: args.pages ?? 0,
    records: raws.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    rejected: 0,
    missing: 0,
    organizationsCreated: 0,
    organizationsUpdated: 0,
    termsCreated: 0,
    skippedRecords: [],
    problems: [],
    warnings: [],
    repairs: {},
    unmappedFields: {},
    unmappedTerms: {},
    dryRun,
    skipInvalid,
    written: false,
  };
  const crosswalk = args.crosswalk ?? loadCrosswalk();

  // Organisations a service may name only by id: those of the document, nested in other services, or imported before.
  const orgsById = new Map<string, J>();
  for (const o of await query<{ id: string; name: string }>(
    db,
    sql`select source_ref as id, name from organizations where source = ${key} and source_ref is not null`,
  ))
    orgsById.set(o.id, o);
  for (const raw of raws)
    if (isObject(raw) && isObject(raw.organization) && raw.organization.id != null && raw.organization.name)
      orgsById.set(String(raw.organization.id), raw.organization);
  for (const o of args.organizations ?? []) if (isObject(o) && o.id != null && o.name) orgsById.set(String(o.id), o);

  // 1. Check, repair and map each record.
  const unmapped = new Map<string, number>();
  const mapped: { svc: Svc; record: string }[] = [];
  const seen = new Set<string>();
  const refsInFeed = new Set<string>();
  const pace = createPacer();
  const progressEvery = Math.max(1, Math.ceil(raws.length / 20));
  for (const [i, raw] of raws.entries()) {
    await pace();
    if (i % progressEvery === 0) await args.onProgress?.({ phase: 'check', done: i, total: raws.length });
    const record = label(raw, i);
    if (isObject(raw) && raw.id != null) refsInFeed.add(String(raw.id).trim());
    unmappedFields(raw, unmapped);
    const problems: FieldNote[] = [];
    const warnings: FieldNote[] = [];
    const svc = mapService(raw, problems, warnings, { orgsById, crosswalk });
    for (const w of warnings) {
      report.warnings.push({ record, ...w });
      bump(
        report.repairs,
        `${w.field.replace(/\.\d+\./g, '.')}: ${w.reason.replace(/^.*? is not /, 'not ').replace(/ \(\d+\)/, '')}`,
      );
    }
    if (!svc) {
      report.rejected += 1;
      for (const p of problems) report.problems.push({ record, ...p });
      continue;
    }
    for (const t of svc.unmappedTerms) bump(report.unmappedTerms, t);
    if (TEST_RECORD.test(svc.name) || TEST_RECORD.test(svc.org.name)) {
      report.skipped += 1;
      report.skippedRecords.push({
        record,
        field: 'name',
        reason: 'looks like a test record (test, dummy, do not use…)',
      });
      continue;
    }
    if (seen.has(svc.ref)) {
      report.skipped += 1;
      report.skippedRecords.push({ record, field: 'id', reason: 'repeats an earlier service of the feed' });
      continue;
    }
    seen.add(svc.ref);
    mapped.push({ svc, record });
  }
  report.unmappedFields = sorted(unmapped);
  report.unmappedTerms = sorted(report.unmappedTerms);
  report.repairs = sorted(report.repairs);

  // 2. Places: England only; coordinates against postcode.
  const postcodeKeys = [
    ...new Set(
      mapped.flatMap(({ svc }) => svc.locations.flatMap((l) => (l.postcode ? [postcodeKey(l.postcode)] : []))),
    ),
  ];
  const postcodePoints = new Map(
    (
      await query<{ key: string; lat: number; lng: number }>(
        db,
        sql`select key, lat, lng from postcodes where key = any(${sql.param(postcodeKeys)}::text[])`,
      )
    ).map((r) => [r.key, r]),
  );
  const good: Placed[] = [];
  const candidates: { s: Placed; record: string }[] = [];
  for (const { svc, record } of mapped) {
    await pace();
    candidates.push({
      record,
      s: {
        ...svc,
        points: svc.locations.map((l, i) => {
          const byPostcode = l.postcode ? postcodePoints.get(postcodeKey(l.postcode)) : undefined;
          if (l.lat != null && l.lng != null && byPostcode) {
            const km = distanceKm(l.lat, l.lng, byPostcode.lat, byPostcode.lng);
            if (km > 1) {
              const note = {
                record,
                field: `locations.${i}`,
                reason: `coordinates ${l.lat},${l.lng} are ${km.toFixed(1)} km from postcode ${l.postcode}; placed by the ${args.preferPostcode ? 'postcode' : 'coordinates'}`,
              };
              report.warnings.push(note);
              bump(report.repairs, 'locations: coordinates and postcode disagree by more than 1 km');
              if (args.preferPostcode) return { lat: byPostcode.lat, lng: byPostcode.lng };
            }
            return { lat: l.lat, lng: l.lng };
          }
          if (l.lat != null && l.lng != null) return { lat: l.lat, lng: l.lng };
          return byPostcode ? { lat: byPostcode.lat, lng: byPostcode.lng } : null;
        }),
      },
    });
  }
  const icbs =
    (await query<{ n: number }>(db, sql`select count(*)::int as n from icbs where geom is not null`))[0]?.n ?? 0;
  const allPoints = candidates.flatMap(({ s }) => s.points.flatMap((p) => (p ? [p] : [])));
  const inEngland = new Set<string>();
  if (icbs > 0 && allPoints.length) {
    const lats = allPoints.map((p) => p.lat);
    const lngs = allPoints.map((p) => p.lng);
    for (const r of await query<{ k: string }>(
      db,
      sql`select distinct p.lat || ',' || p.lng as k from unnest(${sql.param(lats)}::float8[], ${sql.param(lngs)}::float8[]) as p(lat, lng)
          where exists (select 1 from icbs i where ST_Covers(i.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)))`,
    ))
      inEngland.add(r.k);
  }
  for (const { s, record } of candidates) {
    await pace();
    const outside = s.locations.flatMap((l, i) => {
      const p = s.points[i];
      const where = (place: string) =>
        `is outside England: ${place.startsWith('outside') ? '' : 'in '}${place} (${[l.postcode ? `postcode ${l.postcode}` : '', p ? `${p.lat},${p.lng}` : '', [l.address1, l.city].filter(Boolean).join(', ')].filter(Boolean).join('; ')}); only places in England are imported`;
      if (p && icbs > 0 && !inEngland.has(`${p.lat},${p.lng}`))
        return [{ field: `locations.${i}`, reason: where(placeOutsideEngland(p.lat, p.lng, l.postcode)) }];
      const byPostcode = placeOfPostcode(l.postcode);
      if (byPostcode) return [{ field: `locations.${i}`, reason: where(byPostcode) }];
      if (!p && l.country !== 'GB')
        return [{ field: `locations.${i}`, reason: where(`outside the UK (country ${l.country})`) }];
      return [];
    });
    if (outside.length) {
      report.rejected += 1;
      for (const o of outside) report.problems.push({ record, ...o });
    } else good.push(s);
  }

  // 3. Match against the directory: services, organisations and locations by (source, source_ref).
  const existingServices = new Map(
    (
      await query<{ id: string; source_ref: string; source_hash: string | null; organization_id: string }>(
        db,
        sql`select id, source_ref, source_hash, organization_id from services
            where source = ${key} and source_ref = any(${sql.param(good.map((s) => s.ref))}::text[])`,
      )
    ).map((r) => [r.source_ref, r]),
  );
  const orgRefs = [...new Set(good.map((s) => s.org.ref))];
  const existingOrgs = new Map(
    (
      await query<{ id: string; source_ref: string }>(
        db,
        sql`select id, source_ref from organizations where source = ${key} and source_ref = any(${sql.param(orgRefs)}::text[])`,
      )
    ).map((r) => [r.source_ref, r.id]),
  );
  const namePostcodeKeys = good.flatMap((s) =>
    s.locations.filter((l) => l.postcode).map((l) => `${nameKey(s.org.name)}|${postcodeKey(l.postcode!)}`),
  );
  const samePlace = new Map(
    (
      await query<{ k: string; id: string; source: string }>(
        db,
        sql`select distinct on (k) k, id, source from (
              select lower(regexp_replace(trim(o.name), '\\s+', ' ', 'g')) || '|' || upper(replace(l.postcode, ' ', '')) as k,
                     o.id, o.source
              from organizations o join locations l on l.organization_id = o.id where l.postcode is not null) x
            where k = any(${sql.param(namePostcodeKeys)}::text[]) order by k, id`,
      )
    ).map((r) => [r.k, r]),
  );

  const hashOf = (s: Placed) =>
    createHash('sha256')
      .update(JSON.stringify({ ...s, unmappedTerms: undefined }))
      .digest('hex');
  const newOrgs = new Map<string, Org & { id: string }>();
  const updatedOrgs = new Map<string, Org & { id: string }>();
  const toWrite: Write[] = [];
  const unchangedIds: string[] = [];
  for (const s of good) {
    await pace();
    const record = `services (${s.ref})`;
    const existing = existingServices.get(s.ref);
    const hash = hashOf(s);
    if (existing && existing.source_hash === hash) {
      report.unchanged += 1;
      unchangedIds.push(existing.id);
      continue;
    }
    let orgId = existingOrgs.get(s.org.ref);
    if (!orgId) {
      const dup = s.locations
        .filter((l) => l.postcode)
        .map((l) => samePlace.get(`${nameKey(s.org.name)}|${postcodeKey(l.postcode!)}`))
        .find((d) => d && d.source !== key);
      if (dup) {
        report.skipped += 1;
        report.skippedRecords.push({
          record,
          field: 'organization.name',
          reason: `an organisation with the same name and postcode is already in the directory (${dup.id})`,
        });
        continue;
      }
      orgId = randomUUID();
      existingOrgs.set(s.org.ref, orgId);
      newOrgs.set(orgId, { ...s.org, id: orgId });
    } else if (!newOrgs.has(orgId)) updatedOrgs.set(orgId, { ...s.org, id: orgId });
    if (existing) report.updated += 1;
    else report.created += 1;
    toWrite.push({ ...s, id: existing?.id ?? randomUUID(), orgId, isNew: !existing, hash });
  }
  report.organizationsCreated = newOrgs.size;
  report.organizationsUpdated = updatedOrgs.size;

  if (dryRun || (report.rejected > 0 && !skipInvalid)) return report;

  // 4. Write, all in one transaction (the directory's one import write); services of this source the feed no longer
  // carries are marked missing.
  await args.onProgress?.({ phase: 'write', done: 0, total: 3 });
  await db.transaction(async (tx) => {
    const now = new Date();
    await deferSearchIndex(tx); // one set-based refresh at the end instead of one per written row
    const batch = toWrite.length
      ? await batchOf(tx, key, toWrite, [...newOrgs.values()], [...updatedOrgs.values()], now)
      : emptyBatch();
    report.termsCreated = batch.taxonomyTerms?.length ?? 0;
    batch.seen = { serviceIds: unchangedIds, at: now };
    if (args.complete !== false) batch.missing = { source: key, presentRefs: [...refsInFeed], at: now };
    batch.onStage = (stage) =>
      stage === 'locations' ? args.onProgress?.({ phase: 'write', done: 1, total: 3 }) : undefined;
    report.missing = (await writeImportBatch(tx, batch)).missing;
    await args.onProgress?.({ phase: 'write', done: 2, total: 3 });
    // Search reads missing_since from services itself, so only the written services need their search rows.
    await refreshSearchIndex(
      tx,
      toWrite.map((s) => s.id),
    );
    await recordAudit(tx, {
      actorUserId: args.actorUserId ?? null,
      action: 'import.oruk',
      entityType: 'import',
      entityId: randomUUID(),
      after: {
        source: report.source,
        records: report.records,
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        skipped: report.skipped,
        rejected: report.rejected,
        missing: report.missing,
      },
    });
  });
  report.written = true;
  await args.onProgress?.({ phase: 'write', done: 3, total: 3 });
  return report;
}

type Write = Placed & { id: string; orgId: string; isNew: boolean; hash: string };

/** Free only when the feed says so: fees text saying "free" or every cost option at £0; a cost when it names one; else not stated (null). */
function statedFree(fees: string | null, costs: { amount?: number | null }[]): boolean | null {
  const text = fees?.trim() ?? '';
  if (costs.some((c) => c.amount != null && c.amount > 0)) return false;
  if (/^(it'?s\s+|this service is\s+)?(free|no charge|free of charge)\b/i.test(text)) return true;
  if (costs.length > 0 && costs.every((c) => c.amount === 0)) return true;
  if (text) return false;
  return null;
}

const emptyBatch = (): ImportBatch => ({
  organizations: { create: [], update: [] },
  services: { create: [], update: [] },
  locations: { create: [], update: [] },
});

/**
 * The directory batch of the services to write: organisations; services (a re-imported service's children are
 * replaced, its stated capacity recorded when it changed); locations matched by (source, source_ref) and their links;
 * schedules, contacts, costs, languages, areas, funding; taxonomy matched by Signpost's public term id, else by
 * taxonomy and code, else added, and crosswalked categories linked to Signpost's own terms.
 */
async function batchOf(
  db: Db,
  key: string,
  services: Write[],
  newOrgs: (Org & { id: string })[],
  updatedOrgs: (Org & { id: string })[],
  now: Date,
): Promise<ImportBatch> {
  const org = (o: Org & { id: string }): ImportedOrganization => ({
    id: o.id,
    name: o.name,
    alternateName: o.alternateName,
    description: o.description,
    email: o.email,
    website: o.website,
    phone: o.phone,
    legalStatus: o.legalStatus,
    charityNumber: o.charityNumber,
    status: 'approved',
    source: key,
    sourceRef: o.ref,
  });
  const service = (s: Write): ImportedService => ({
    id: s.id,
    organizationId: s.orgId,
    name: s.name,
    alternateName: s.alternateName,
    description: s.description,
    url: s.url,
    email: s.email,
    status: s.status,
    feesDescription: s.fees,
    isFree: statedFree(s.fees, s.costs),
    eligibilityDescription: s.eligibility,
    referralInstructions: s.applicationProcess,
    minimumAge: s.minimumAge,
    maximumAge: s.maximumAge,
    alert: s.alert,
    deliveryModes: s.deliveryModes ?? undefined,
    capacity: s.capacity
      ? {
          status: s.capacity.status,
          places: s.capacity.places,
          waitDays: s.capacity.waitDays,
          at: new Date(s.capacity.at),
        }
      : null,
    source: key,
    sourceRef: s.ref,
    sourceHash: s.hash,
    firstImportedAt: now,
    lastSeenAt: now,
    missingSince: null,
    ...(s.isNew ? {} : { replace: 'all' as const }),
  });
  const batch: ImportBatch = {
    organizations: { create: newOrgs.map(org), update: updatedOrgs.map(org) },
    services: {
      create: services.filter((s) => s.isNew).map(service),
      update: services.filter((s) => !s.isNew).map(service),
    },
    locations: { create: [], update: [] },
  };

  // Locations (matched by source and source_ref) and service-at-locations.
  const locRefs = [...new Set(services.flatMap((s) => s.locations.map((l) => l.ref)))];
  const locIdOf = new Map(
    (
      await query<{ id: string; source_ref: string }>(
        db,
        sql`select id, source_ref from locations where source = ${key} and source_ref = any(${sql.param(locRefs)}::text[])`,
      )
    ).map((r) => [r.source_ref, r.id]),
  );
  const written = new Set<string>();
  const sals: ImportedServiceAtLocation[] = [];
  const linked = new Set<string>();
  const salIdMap = new Map<string, string>();
  const pace = createPacer();
  for (const s of services) {
    await pace();
    s.locations.forEach((l, i) => {
      const values = {
        organizationId: s.orgId,
        name: l.name,
        description: l.description,
        address1: l.address1,
        city: l.city,
        region: l.region,
        postcode: l.postcode,
        country: l.country,
        point: s.points[i] ?? null,
        source: key,
        sourceRef: l.ref,
      };
      let locId = locIdOf.get(l.ref);
      if (!written.has(l.ref)) {
        written.add(l.ref);
        if (locId) batch.locations.update.push({ id: locId, ...values });
        else {
          locId = randomUUID();
          locIdOf.set(l.ref, locId);
          batch.locations.create.push({ id: locId, ...values });
        }
      }
      if (linked.has(`${s.id}|${locId}`)) return;
      linked.add(`${s.id}|${locId}`);
      const salId = randomUUID();
      if (l.salRef) salIdMap.set(`${s.id}|${l.salRef}`, salId);
      sals.push({ id: salId, serviceId: s.id, locationId: locId! });
    });
  }
  batch.serviceAtLocations = sals;
  batch.schedules = services.flatMap((s) =>
    s.schedules.map((x) => ({
      serviceId: s.id,
      serviceAtLocationId: x.salRef ? (salIdMap.get(`${s.id}|${x.salRef}`) ?? null) : null,
      freq: x.freq,
      byday: x.byday,
      opensAt: x.opensAt,
      closesAt: x.closesAt,
      validFrom: x.validFrom,
      validTo: x.validTo,
      description: x.description,
    })),
  );
  batch.contacts = services.flatMap((s) => s.contacts.map((x) => ({ ...x, serviceId: s.id })));
  batch.costOptions = services.flatMap((s) =>
    s.costs.map((x) => ({
      serviceId: s.id,
      option: x.option,
      amount: x.amount,
      currency: x.currency,
      amountDescription: x.description,
    })),
  );
  batch.languages = services.flatMap((s) => s.languages.map((x) => ({ ...x, serviceId: s.id })));
  batch.serviceAreas = services.flatMap((s) =>
    s.areas.map((x) => ({ serviceId: s.id, areaType: x.type, areaCode: x.code, name: x.name })),
  );
  batch.funding = services.flatMap((s) =>
    s.funding.map((x) => ({ serviceId: s.id, source: x.source, endsOn: x.endsOn })),
  );

  // Taxonomy: match by Signpost's public term id, else by taxonomy and code; else add the term. Crosswalked
  // categories link to Signpost's own terms.
  const terms = await query<{ id: string; oruk_id: string; taxonomy: string; code: string }>(
    db,
    sql`select id, md5(taxonomy || ':' || code)::uuid::text as oruk_id, taxonomy, code from taxonomy_terms`,
  );
  const byOruk = new Map(terms.map((t) => [t.oruk_id, t.id]));
  const byCode = new Map(terms.map((t) => [`${t.taxonomy}|${t.code}`, t.id]));
  const newTerms: ImportedTaxonomyTerm[] = [];
  const links = new Map<string, { serviceId: string; termId: string }>();
  for (const s of services) {
    await pace();
    for (const t of s.terms) {
      let termId = (t.orukId && byOruk.get(t.orukId)) || byCode.get(`${t.taxonomy}|${t.code}`);
      if (!termId) {
        termId = randomUUID();
        newTerms.push({ id: termId, taxonomy: t.taxonomy, code: t.code, name: t.name, description: t.description });
        byCode.set(`${t.taxonomy}|${t.code}`, termId);
      }
      links.set(`${s.id}|${termId}`, { serviceId: s.id, termId });
    }
    for (const code of s.categories) {
      const termId = byCode.get(`signpost-social-prescribing|${code}`);
      if (termId) links.set(`${s.id}|${termId}`, { serviceId: s.id, termId });
    }
  }
  batch.taxonomyTerms = newTerms;
  batch.taxonomyLinks = [...links.values()];
  return batch;
}

/** Reads a feed (URL or file) and imports it. */
export async function importOrukFeed(
  args: Omit<OrukImportArgs, 'services' | 'organizations' | 'pages'> & {
    /** OUTBOUND_ALLOW (config.outboundAllow) for a feed on a non-public address. */
    outboundAllow?: readonly string[];
    /** Read only services modified since then (an API feed); the read is then partial, so nothing is marked missing. */
    modifiedAfter?: Date;
  },
): Promise<OrukImportReport> {
  const { services, organizations, pages } = await readOrukSource(args.source, {
    outboundAllow: args.outboundAllow,
    modifiedAfter: args.modifiedAfter,
  });
  return importOrukServices({
    ...args,
    services,
    organizations,
    pages,
    complete: args.modifiedAfter ? false : args.complete,
  });
}
