/**
 * Import of another directory's Open Referral UK 3.0 feed (`npm run import -- oruk URL_OR_FILE`): read a paged ORUK
 * API (following pages) or a JSON dump (a list response, an array of services, one service, or an organisation with
 * its services); check every service; map organisations, services, locations, schedules, contacts, costs,
 * languages, areas, funding, taxonomy and HSDS 3.1 capacity into Signpost; de-duplicate; then write everything in
 * one transaction, or nothing. ORUK ids are kept as Signpost ids where free, and organisations remember theirs in
 * source_ref (source `oruk`). See docs/oruk.md.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { query, schema, type Db } from '../../db';
import { recordAudit } from '../accounts';
import { CAPACITY_STATUS_INFO, CAPACITY_STATUSES, type CapacityStatus } from '../../../shared/capacity';
import { DIRECTORY_LIMITS } from '../../../shared/schemas/directory';
import { postcodeKey } from '../../../shared/postcode';
import { isUuid } from '../../../shared/schemas/oruk';
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
}

/** What an ORUK import did (or, on a dry run or rejection, would have done). */
export interface OrukImportReport {
  source: string;
  /** Pages read from an API (0 for a file). */
  pages: number;
  /** Services in the feed. */
  records: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
  organizationsCreated: number;
  organizationsUpdated: number;
  /** Taxonomy terms added because no existing term matched. */
  termsCreated: number;
  skippedRecords: OrukProblem[];
  problems: OrukProblem[];
  /** Values dropped without rejecting the record (e.g. impossible coordinates). */
  warnings: OrukProblem[];
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

const isObject = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Services of a JSON document: a list response, an array of services, one service, or an organisation with services. */
export function servicesOfDocument(doc: unknown): J[] {
  if (Array.isArray(doc)) return doc as J[];
  if (!isObject(doc)) throw new OrukSourceError('The feed is not a JSON object or array');
  if (Array.isArray(doc.contents)) return doc.contents as J[];
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
): Promise<{ services: unknown[]; pages: number }> {
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
    return { services: servicesOfDocument(doc), pages: 0 };
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
  if (isObject(first) && !Array.isArray(first.contents) && typeof first.version === 'string') {
    url = new URL(`${url.pathname.replace(/\/$/, '')}/services`, url);
  } else if (!isObject(first) || !Array.isArray(first.contents)) {
    return { services: servicesOfDocument(first), pages: 1 };
  }
  if (!url.searchParams.has('full')) url.searchParams.set('full', 'true');
  const services: unknown[] = [];
  let pages = 0;
  for (let page = 1; page <= MAX_PAGES; page += 1) {
    url.searchParams.set('page', String(page));
    const doc = await fetchJson(url.toString(), options);
    if (!isObject(doc) || !Array.isArray(doc.contents))
      throw new OrukSourceError(`${url.toString()} is not an ORUK list response`);
    pages += 1;
    services.push(...doc.contents);
    const totalPages = typeof doc.total_pages === 'number' ? doc.total_pages : undefined;
    if (doc.contents.length === 0 || doc.last_page === true || (totalPages !== undefined && page >= totalPages)) break;
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

// ---- Checking and mapping one service ----

interface Org {
  orukId: string;
  name: string;
  alternateName: string | null;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legalStatus: string | null;
  charityNumber: string | null;
}
interface Loc {
  id: string;
  salId: string;
  name: string | null;
  description: string | null;
  address1: string | null;
  city: string | null;
  region: string | null;
  postcode: string | null;
  country: string;
  lat: number | null;
  lng: number | null;
}
interface Term {
  orukId: string | null;
  taxonomy: string;
  code: string;
  name: string;
  description: string;
}
interface Svc {
  id: string;
  name: string;
  alternateName: string | null;
  description: string;
  url: string | null;
  email: string | null;
  status: string;
  fees: string | null;
  eligibility: string | null;
  applicationProcess: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  alert: string | null;
  capacity: { status: CapacityStatus; places: number | null; waitDays: number | null; at: string } | null;
  org: Org;
  locations: Loc[];
  schedules: {
    id: string;
    salId: string | null;
    freq: string;
    byday: string | null;
    opensAt: string | null;
    closesAt: string | null;
    validFrom: string | null;
    validTo: string | null;
    description: string | null;
  }[];
  contacts: { id: string; name: string | null; title: string | null; email: string | null; phone: string | null }[];
  costs: { id: string; option: string | null; amount: number | null; currency: string; description: string | null }[];
  languages: { code: string; name: string }[];
  areas: { id: string; type: string; code: string; name: string | null }[];
  funding: { id: string; source: string; endsOn: string | null }[];
  terms: Term[];
}

const AREA_TYPES = new Set(['icb', 'sub_icb', 'pcn', 'lad', 'england']);
const STATUSES = new Set(['active', 'inactive', 'defunct', 'temporarily closed']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks and maps one ORUK service; problems are pushed with their field paths. */
function mapService(
  raw: unknown,
  problems: { field: string; reason: string }[],
  warnings: { field: string; reason: string }[],
): Svc | undefined {
  const bad = (field: string, reason: string) => problems.push({ field, reason });
  if (!isObject(raw)) {
    bad('(record)', 'must be a JSON object');
    return undefined;
  }
  const str = (o: J, key: string, path: string, opts: { required?: boolean; max?: number } = {}): string | null => {
    const v = o[key];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (opts.required) bad(path, 'is required');
      return null;
    }
    if (typeof v !== 'string') {
      bad(path, 'must be a string');
      return null;
    }
    const max = opts.max ?? DIRECTORY_LIMITS.description;
    if (v.length > max) bad(path, `must be at most ${max} characters`);
    return v.trim();
  };
  const id = (o: J, path: string, required = true): string | null => {
    const v = o.id;
    if (typeof v === 'string' && isUuid(v)) return v.toLowerCase();
    if (required || v !== undefined) bad(`${path}id`, v === undefined ? 'is required' : 'must be a UUID');
    return null;
  };
  const childId = (o: J) => (typeof o.id === 'string' && isUuid(o.id) ? o.id.toLowerCase() : randomUUID());
  const email = (o: J, key: string, path: string) => {
    const v = str(o, key, path, { max: DIRECTORY_LIMITS.email });
    if (v && !EMAIL.test(v)) bad(path, 'must be an email address');
    return v;
  };
  const url = (o: J, key: string, path: string) => {
    const v = str(o, key, path, { max: DIRECTORY_LIMITS.url });
    if (v && !/^https?:\/\/\S+$/i.test(v)) bad(path, 'must be an http(s) URL');
    return v;
  };
  const num = (o: J, key: string, path: string, min: number, max: number): number | null => {
    const v = o[key];
    if (v === undefined || v === null) return null;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
      bad(path, `must be a number between ${min} and ${max}`);
      return null;
    }
    return n;
  };
  const arr = (o: J, key: string, path: string): J[] => {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || !v.every(isObject)) {
      bad(path, 'must be an array of objects');
      return [];
    }
    return v;
  };

  const serviceId = id(raw, '');
  const name = str(raw, 'name', 'name', { required: true, max: DIRECTORY_LIMITS.name });
  const status = str(raw, 'status', 'status') ?? 'active';
  if (!STATUSES.has(status)) bad('status', 'must be active, inactive, defunct or temporarily closed');

  const orgRaw = raw.organization;
  let org: Org | undefined;
  if (!isObject(orgRaw)) bad('organization', 'is required (the nested organization of the service)');
  else {
    const orukId = id(orgRaw, 'organization.');
    const orgName = str(orgRaw, 'name', 'organization.name', { required: true, max: DIRECTORY_LIMITS.name });
    const phones = arr(orgRaw, 'phones', 'organization.phones');
    const idents = arr(orgRaw, 'organization_identifiers', 'organization.organization_identifiers');
    const charity = idents.find(
      (i) => i.identifier_scheme === 'GB-CHC' || /charity/i.test(String(i.identifier_type ?? '')),
    );
    org = {
      orukId: orukId ?? '',
      name: orgName ?? '',
      alternateName: str(orgRaw, 'alternate_name', 'organization.alternate_name', { max: DIRECTORY_LIMITS.name }),
      description: str(orgRaw, 'description', 'organization.description') ?? '',
      email: email(orgRaw, 'email', 'organization.email'),
      website: url(orgRaw, 'website', 'organization.website'),
      phone: phones[0] ? str(phones[0], 'number', 'organization.phones.0.number', { max: 50 }) : null,
      legalStatus: str(orgRaw, 'legal_status', 'organization.legal_status', { max: DIRECTORY_LIMITS.shortText }),
      charityNumber: charity
        ? str(charity, 'identifier', 'organization.organization_identifiers.identifier', { max: 50 })
        : null,
    };
  }

  const locations: Loc[] = arr(raw, 'service_at_locations', 'service_at_locations').flatMap((sal, i) => {
    const p = `service_at_locations.${i}.`;
    const loc = sal.location;
    if (!isObject(loc)) {
      bad(`${p}location`, 'is required (the nested location)');
      return [];
    }
    const address = arr(loc, 'addresses', `${p}location.addresses`)[0] ?? {};
    // Coordinates outside the world (the standard's own example has latitude 100) are dropped, not fatal: the
    // location is then placed by its postcode when Signpost knows it.
    const coord = (key: string, limit: number) => {
      const v = loc[key];
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (v === undefined || v === null) return null;
      if (typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit) return n;
      warnings.push({ field: `${p}location.${key}`, reason: `${String(v)} is not a coordinate; ignored` });
      return null;
    };
    const lat = coord('latitude', 90);
    const lng = coord('longitude', 180);
    return [
      {
        id: childId(loc),
        salId: childId(sal),
        name: str(loc, 'name', `${p}location.name`, { max: DIRECTORY_LIMITS.name }),
        description: str(loc, 'description', `${p}location.description`),
        address1: str(address, 'address_1', `${p}location.addresses.0.address_1`, { max: DIRECTORY_LIMITS.shortText }),
        city: str(address, 'city', `${p}location.addresses.0.city`, { max: DIRECTORY_LIMITS.shortText }),
        region: str(address, 'state_province', `${p}location.addresses.0.state_province`, {
          max: DIRECTORY_LIMITS.shortText,
        }),
        postcode: str(address, 'postal_code', `${p}location.addresses.0.postal_code`, { max: 20 }),
        country: str(address, 'country', `${p}location.addresses.0.country`, { max: 50 }) ?? 'GB',
        lat: lat != null && lng != null ? lat : null,
        lng: lat != null && lng != null ? lng : null,
      },
    ];
  });
  const salIds = new Map(
    arr(raw, 'service_at_locations', 'service_at_locations').map((sal, i) => [sal.id, locations[i]?.salId]),
  );

  const schedules = arr(raw, 'schedules', 'schedules').map((s, i) => {
    const p = `schedules.${i}.`;
    const time = (key: string) => {
      const v = str(s, key, `${p}${key}`, { max: 30 });
      if (v && !TIME.test(v)) bad(`${p}${key}`, 'must be a time HH:MM[:SS]');
      return v ? v.slice(0, 8) : null;
    };
    const date = (key: string) => {
      const v = str(s, key, `${p}${key}`, { max: 30 });
      if (v && !DATE.test(v)) bad(`${p}${key}`, 'must be a date YYYY-MM-DD');
      return v;
    };
    const freq = str(s, 'freq', `${p}freq`, { max: 20 })?.toUpperCase() ?? 'WEEKLY';
    if (freq !== 'WEEKLY' && freq !== 'MONTHLY') bad(`${p}freq`, 'must be WEEKLY or MONTHLY');
    return {
      id: childId(s),
      salId: (typeof s.service_at_location_id === 'string' && salIds.get(s.service_at_location_id)) || null,
      freq,
      byday: str(s, 'byday', `${p}byday`, { max: 50 }),
      opensAt: time('opens_at'),
      closesAt: time('closes_at'),
      validFrom: date('valid_from'),
      validTo: date('valid_to'),
      description: str(s, 'description', `${p}description`, { max: DIRECTORY_LIMITS.longText }),
    };
  });
  const contacts = arr(raw, 'contacts', 'contacts').map((c, i) => {
    const phones = arr(c, 'phones', `contacts.${i}.phones`);
    return {
      id: childId(c),
      name: str(c, 'name', `contacts.${i}.name`, { max: DIRECTORY_LIMITS.name }),
      title: str(c, 'title', `contacts.${i}.title`, { max: DIRECTORY_LIMITS.shortText }),
      email: email(c, 'email', `contacts.${i}.email`),
      phone: phones[0] ? str(phones[0], 'number', `contacts.${i}.phones.0.number`, { max: 50 }) : null,
    };
  });
  const costs = arr(raw, 'cost_options', 'cost_options').map((c, i) => ({
    id: childId(c),
    option: str(c, 'option', `cost_options.${i}.option`, { max: DIRECTORY_LIMITS.shortText }),
    amount: num(c, 'amount', `cost_options.${i}.amount`, 0, 1_000_000),
    currency: str(c, 'currency', `cost_options.${i}.currency`, { max: 3 }) ?? 'GBP',
    description: str(c, 'amount_description', `cost_options.${i}.amount_description`, {
      max: DIRECTORY_LIMITS.shortText,
    }),
  }));
  const languages = arr(raw, 'languages', 'languages').flatMap((l, i) => {
    const code = str(l, 'code', `languages.${i}.code`, { max: 20 });
    const lname = str(l, 'name', `languages.${i}.name`, { max: 100 });
    return code || lname ? [{ code: (code ?? lname!).toLowerCase(), name: lname ?? code! }] : [];
  });
  const areas = arr(raw, 'service_areas', 'service_areas').flatMap((a) => {
    const m = typeof a.service_area === 'string' ? /^([a-z_]+):(\S+)$/.exec(a.service_area) : null;
    if (!m || !AREA_TYPES.has(m[1]!)) return [];
    return [{ id: childId(a), type: m[1]!, code: m[2]!, name: typeof a.name === 'string' ? a.name : null }];
  });
  const funding = arr(raw, 'funding', 'funding').flatMap((f, i) => {
    const source = str(f, 'source', `funding.${i}.source`, { max: DIRECTORY_LIMITS.longText });
    const endsOn = str(f, 'ends_on', `funding.${i}.ends_on`, { max: 10 });
    if (endsOn && !DATE.test(endsOn)) bad(`funding.${i}.ends_on`, 'must be a date YYYY-MM-DD');
    return source ? [{ id: childId(f), source, endsOn }] : [];
  });
  const terms: Term[] = arr(raw, 'attributes', 'attributes').flatMap((a) => {
    const t = a.taxonomy_term;
    if (!isObject(t)) return [];
    const tname = typeof t.name === 'string' ? t.name.trim() : '';
    const code =
      (typeof t.term === 'string' && t.term.trim()) || (typeof t.code === 'string' && t.code.trim()) || tname;
    if (!code) return [];
    return [
      {
        orukId: typeof t.id === 'string' && isUuid(t.id) ? t.id.toLowerCase() : null,
        taxonomy: (typeof t.taxonomy === 'string' && t.taxonomy.trim()) || 'oruk',
        code: code.slice(0, 100),
        name: (tname || code).slice(0, DIRECTORY_LIMITS.name),
        description: typeof t.description === 'string' ? t.description : '',
      },
    ];
  });

  const capRaw = arr(raw, 'capacities', 'capacities')[0];
  let capacity: Svc['capacity'] = null;
  if (capRaw) {
    const description = typeof capRaw.description === 'string' ? capRaw.description : '';
    const status = CAPACITY_STATUSES.find((s) => description.startsWith(CAPACITY_STATUS_INFO[s].label));
    const available = num(capRaw, 'available', 'capacities.0.available', 0, DIRECTORY_LIMITS.maxPlaces);
    const at = typeof capRaw.updated === 'string' && !Number.isNaN(Date.parse(capRaw.updated)) ? capRaw.updated : null;
    if (status && at) {
      const wait = /typical wait (\d+) days/.exec(description);
      capacity = {
        status,
        places: status === 'accepting' || status === 'limited' ? available : null,
        waitDays: wait ? Number(wait[1]) : null,
        at,
      };
    }
  }

  const minimumAge = num(raw, 'minimum_age', 'minimum_age', DIRECTORY_LIMITS.minAge, DIRECTORY_LIMITS.maxAge);
  const maximumAge = num(raw, 'maximum_age', 'maximum_age', DIRECTORY_LIMITS.minAge, DIRECTORY_LIMITS.maxAge);
  const scalars = {
    alternateName: str(raw, 'alternate_name', 'alternate_name', { max: DIRECTORY_LIMITS.name }),
    description: str(raw, 'description', 'description') ?? '',
    url: url(raw, 'url', 'url'),
    email: email(raw, 'email', 'email'),
    fees: str(raw, 'fees', 'fees', { max: DIRECTORY_LIMITS.longText }),
    eligibility: str(raw, 'eligibility_description', 'eligibility_description', { max: DIRECTORY_LIMITS.longText }),
    applicationProcess: str(raw, 'application_process', 'application_process', { max: DIRECTORY_LIMITS.longText }),
    minimumAge: minimumAge == null ? null : Math.round(minimumAge),
    maximumAge: maximumAge == null ? null : Math.round(maximumAge),
    alert: str(raw, 'alert', 'alert', { max: DIRECTORY_LIMITS.longText }),
  };
  if (!serviceId || !name || !org || problems.length) return undefined;
  return {
    id: serviceId,
    name,
    status,
    ...scalars,
    capacity,
    org,
    locations,
    schedules,
    contacts,
    costs,
    languages: [...new Map(languages.map((l) => [l.code, l])).values()],
    areas,
    funding,
    terms,
  };
}

const label = (raw: unknown, i: number) => {
  const r = isObject(raw) ? raw : {};
  const what = typeof r.id === 'string' ? r.id : typeof r.name === 'string' ? r.name : '';
  return `services[${i}]${what ? ` (${what})` : ''}`;
};
const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** Imports the services of an ORUK feed already read; all or nothing unless skipInvalid. */
export async function importOrukServices(args: {
  db: Db;
  services: unknown[];
  source: string;
  pages?: number;
  dryRun?: boolean;
  skipInvalid?: boolean;
  actorUserId?: string | null;
}): Promise<OrukImportReport> {
  const { db, services: raws, dryRun = false, skipInvalid = false } = args;
  const report: OrukImportReport = {
    source: args.source,
    pages: args.pages ?? 0,
    records: raws.length,
    created: 0,
    updated: 0,
    skipped: 0,
    rejected: 0,
    organizationsCreated: 0,
    organizationsUpdated: 0,
    termsCreated: 0,
    skippedRecords: [],
    problems: [],
    warnings: [],
    dryRun,
    skipInvalid,
    written: false,
  };

  // 1. Check and map each record.
  const good: Svc[] = [];
  const seen = new Set<string>();
  raws.forEach((raw, i) => {
    const problems: { field: string; reason: string }[] = [];
    const warnings: { field: string; reason: string }[] = [];
    const svc = mapService(raw, problems, warnings);
    for (const w of warnings) report.warnings.push({ record: label(raw, i), ...w });
    if (!svc) {
      report.rejected += 1;
      for (const p of problems) report.problems.push({ record: label(raw, i), ...p });
      return;
    }
    if (seen.has(svc.id)) {
      report.skipped += 1;
      report.skippedRecords.push({
        record: label(raw, i),
        field: 'id',
        reason: 'repeats an earlier service of the feed',
      });
      return;
    }
    seen.add(svc.id);
    good.push(svc);
  });

  // 2. De-duplicate against the directory.
  const existingServices = new Map(
    (
      await query<{ id: string; source: string; org_id: string; source_ref: string | null }>(
        db,
        sql`select s.id, o.source, o.id as org_id, o.source_ref from services s join organizations o on o.id = s.organization_id
            where s.id = any(${sql.param(good.map((s) => s.id))}::uuid[])`,
      )
    ).map((r) => [r.id, r]),
  );
  const orgRefs = [...new Set(good.map((s) => s.org.orukId))];
  const existingOrgs = new Map(
    (
      await query<{ id: string; source_ref: string }>(
        db,
        sql`select id, source_ref from organizations where source = 'oruk' and source_ref = any(${sql.param(orgRefs)}::text[])`,
      )
    ).map((r) => [r.source_ref, r.id]),
  );
  const takenOrgIds = new Set(
    (
      await query<{ id: string }>(db, sql`select id from organizations where id = any(${sql.param(orgRefs)}::uuid[])`)
    ).map((r) => r.id),
  );
  const namePostcodeKeys = good.flatMap((s) =>
    s.locations.filter((l) => l.postcode).map((l) => `${nameKey(s.org.name)}|${postcodeKey(l.postcode!)}`),
  );
  const samePlace = new Map(
    (
      await query<{ k: string; id: string; source: string; source_ref: string | null }>(
        db,
        sql`select distinct on (k) k, id, source, source_ref from (
              select lower(regexp_replace(trim(o.name), '\\s+', ' ', 'g')) || '|' || upper(replace(l.postcode, ' ', '')) as k,
                     o.id, o.source, o.source_ref
              from organizations o join locations l on l.organization_id = o.id where l.postcode is not null) x
            where k = any(${sql.param(namePostcodeKeys)}::text[]) order by k, id`,
      )
    ).map((r) => [r.k, r]),
  );

  const orgIdOf = new Map<string, string>();
  const newOrgs = new Map<string, Org & { id: string }>();
  const updatedOrgs = new Map<string, Org & { id: string }>();
  const toWrite: (Svc & { orgId: string; isNew: boolean })[] = [];
  good.forEach((s) => {
    const record = `services (${s.id})`;
    const existing = existingServices.get(s.id);
    if (existing && !(existing.source === 'oruk' && existing.source_ref === s.org.orukId)) {
      report.skipped += 1;
      report.skippedRecords.push({
        record,
        field: 'id',
        reason:
          existing.source === 'oruk'
            ? 'the service exists under another ORUK organisation'
            : 'a service with this id is already in the directory from another source',
      });
      return;
    }
    let orgId = existingOrgs.get(s.org.orukId) ?? orgIdOf.get(s.org.orukId);
    if (!orgId) {
      const dup = s.locations
        .filter((l) => l.postcode)
        .map((l) => samePlace.get(`${nameKey(s.org.name)}|${postcodeKey(l.postcode!)}`))
        .find((d) => d && !(d.source === 'oruk' && d.source_ref === s.org.orukId));
      if (dup) {
        report.skipped += 1;
        report.skippedRecords.push({
          record,
          field: 'organization.name',
          reason: `an organisation with the same name and postcode is already in the directory (${dup.id})`,
        });
        return;
      }
      orgId = takenOrgIds.has(s.org.orukId) ? randomUUID() : s.org.orukId;
      orgIdOf.set(s.org.orukId, orgId);
      newOrgs.set(orgId, { ...s.org, id: orgId });
    } else if (!newOrgs.has(orgId)) updatedOrgs.set(orgId, { ...s.org, id: orgId });
    const isNew = !existing;
    if (isNew) report.created += 1;
    else report.updated += 1;
    toWrite.push({ ...s, orgId, isNew });
  });
  report.organizationsCreated = newOrgs.size;
  report.organizationsUpdated = updatedOrgs.size;

  if (dryRun || (report.rejected > 0 && !skipInvalid) || toWrite.length === 0) return report;

  // 3. Write, all in one transaction.
  await db.transaction(async (tx) => {
    await writeServices(tx, toWrite, [...newOrgs.values()], [...updatedOrgs.values()], report);
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
        skipped: report.skipped,
        rejected: report.rejected,
      },
    });
  });
  report.written = true;
  return report;
}

const CHUNK = 1000;
/** Free only when the feed says so: fees text saying "free" or every cost option at £0; a cost when it names one; else not stated (null). */
function statedFree(fees: string | null, costs: { amount?: number | null }[]): boolean | null {
  const text = fees?.trim() ?? '';
  if (costs.some((c) => c.amount != null && c.amount > 0)) return false;
  if (/^(it'?s\s+|this service is\s+)?(free|no charge|free of charge)\b/i.test(text)) return true;
  if (costs.length > 0 && costs.every((c) => c.amount === 0)) return true;
  if (text) return false;
  return null;
}

async function insertChunks<T>(rows: T[], write: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

async function writeServices(
  db: Db,
  services: (Svc & { orgId: string; isNew: boolean })[],
  newOrgs: (Org & { id: string })[],
  updatedOrgs: (Org & { id: string })[],
  report: OrukImportReport,
): Promise<void> {
  const orgValues = (o: Org & { id: string }) => ({
    name: o.name,
    alternateName: o.alternateName,
    description: o.description,
    email: o.email,
    website: o.website,
    phone: o.phone,
    legalStatus: o.legalStatus,
    charityNumber: o.charityNumber,
  });
  await insertChunks(newOrgs, (chunk) =>
    db
      .insert(schema.organizations)
      .values(
        chunk.map((o) => ({ id: o.id, ...orgValues(o), status: 'approved', source: 'oruk', sourceRef: o.orukId })),
      ),
  );
  for (const o of updatedOrgs)
    await db
      .update(schema.organizations)
      .set({ ...orgValues(o), updatedAt: new Date() })
      .where(sql`id = ${o.id}`);

  // Updated services: their children are replaced.
  const updatedIds = services.filter((s) => !s.isNew).map((s) => s.id);
  if (updatedIds.length) {
    const ids = sql`${sql.param(updatedIds)}::uuid[]`;
    for (const table of [
      'schedules',
      'contacts',
      'cost_options',
      'service_languages',
      'service_areas',
      'funding',
      'service_taxonomy',
      'service_at_locations',
    ])
      await db.execute(sql`delete from ${sql.identifier(table)} where service_id = any(${ids})`);
  }

  // Child ids already used by other records get fresh ones.
  const childIds = services.flatMap((s) => [
    ...s.locations.flatMap((l) => [l.id, l.salId]),
    ...s.schedules.map((x) => x.id),
    ...s.contacts.map((x) => x.id),
    ...s.costs.map((x) => x.id),
    ...s.areas.map((x) => x.id),
    ...s.funding.map((x) => x.id),
  ]);
  const ids = sql`${sql.param(childIds)}::uuid[]`;
  const taken = new Set(
    (
      await query<{ id: string; org: string | null }>(
        db,
        sql`select id, organization_id::text as org from locations where id = any(${ids})
            union all select id, null from service_at_locations where id = any(${ids})
            union all select id, null from schedules where id = any(${ids})
            union all select id, null from contacts where id = any(${ids})
            union all select id, null from cost_options where id = any(${ids})
            union all select id, null from service_areas where id = any(${ids})
            union all select id, null from funding where id = any(${ids})`,
      )
    ).map((r) => r.id),
  );
  const ownLocations = new Map(
    (
      await query<{ id: string; organization_id: string }>(
        db,
        sql`select id, organization_id from locations where id = any(${ids})`,
      )
    ).map((r) => [r.id, r.organization_id]),
  );
  const used = new Set<string>();
  const fresh = (id: string) => {
    const out = taken.has(id) || used.has(id) ? randomUUID() : id;
    used.add(out);
    return out;
  };

  const serviceRow = (s: Svc & { orgId: string }) => ({
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
    capacityStatus: s.capacity?.status ?? null,
    capacityPlaces: s.capacity?.places ?? null,
    capacityWaitDays: s.capacity?.waitDays ?? null,
    capacitySetAt: s.capacity ? new Date(s.capacity.at) : null,
    capacityConfirmedAt: s.capacity ? new Date(s.capacity.at) : null,
    updatedAt: new Date(),
  });
  await insertChunks(
    services.filter((s) => s.isNew),
    (chunk) => db.insert(schema.services).values(chunk.map((s) => ({ id: s.id, ...serviceRow(s) }))),
  );
  // Capacity history gets an entry only when the imported capacity differs from the current one.
  const before = new Map(
    (
      await query<{ id: string; key: string }>(
        db,
        sql`select id, concat_ws('|', capacity_status, capacity_places, capacity_wait_days,
                   (extract(epoch from capacity_set_at) * 1000)::bigint) as key
            from services where id = any(${sql.param(updatedIds)}::uuid[])`,
      )
    ).map((r) => [r.id, r.key]),
  );
  const capacityKey = (c: NonNullable<Svc['capacity']>) =>
    [c.status, c.places, c.waitDays, Date.parse(c.at)].filter((v) => v != null).join('|');
  for (const s of services.filter((x) => !x.isNew))
    await db
      .update(schema.services)
      .set({ ...serviceRow(s), version: sql`${schema.services.version} + 1` })
      .where(sql`id = ${s.id}`);
  const withCapacity = services.filter((s) => s.capacity && before.get(s.id) !== capacityKey(s.capacity));
  await insertChunks(withCapacity, (chunk) =>
    db.insert(schema.capacityHistory).values(
      chunk.map((s) => ({
        serviceId: s.id,
        kind: 'set',
        status: s.capacity!.status,
        places: s.capacity!.places,
        waitDays: s.capacity!.waitDays,
        via: 'import',
        version: sql`(select version from services where id = ${s.id})` as unknown as number,
        recordedAt: new Date(s.capacity!.at),
      })),
    ),
  );

  // Locations and service-at-locations.
  const locations: (typeof schema.locations.$inferInsert)[] = [];
  const updatedLocations: (typeof schema.locations.$inferInsert & { id: string })[] = [];
  const sals: (typeof schema.serviceAtLocations.$inferInsert)[] = [];
  const salIdMap = new Map<string, string>();
  const locIdMap = new Map<string, string>();
  for (const s of services) {
    for (const l of s.locations) {
      const geom =
        l.lat != null && l.lng != null
          ? sql`ST_SetSRID(ST_MakePoint(${l.lng}, ${l.lat}), 4326)`
          : l.postcode
            ? sql`(select ST_SetSRID(ST_MakePoint(lng, lat), 4326) from postcodes where key = ${postcodeKey(l.postcode)})`
            : null;
      const values = {
        organizationId: s.orgId,
        name: l.name,
        description: l.description,
        address1: l.address1,
        city: l.city,
        region: l.region,
        postcode: l.postcode,
        country: l.country,
        geom: geom as unknown as string,
      };
      const key = `${s.orgId}|${l.id}`;
      let locId = locIdMap.get(key);
      if (!locId) {
        if (ownLocations.get(l.id) === s.orgId) {
          locId = l.id;
          used.add(l.id);
          updatedLocations.push({ id: l.id, ...values });
        } else {
          locId = fresh(l.id);
          locations.push({ id: locId, ...values });
        }
        locIdMap.set(key, locId);
      }
      const salId = fresh(l.salId);
      salIdMap.set(`${s.id}|${l.salId}`, salId);
      sals.push({ id: salId, serviceId: s.id, locationId: locId });
    }
  }
  await insertChunks(locations, (chunk) => db.insert(schema.locations).values(chunk));
  for (const { id, ...values } of updatedLocations)
    await db
      .update(schema.locations)
      .set(values)
      .where(sql`id = ${id}`);
  await insertChunks(sals, (chunk) => db.insert(schema.serviceAtLocations).values(chunk).onConflictDoNothing());

  await insertChunks(
    services.flatMap((s) =>
      s.schedules.map((x) => ({
        id: fresh(x.id),
        serviceId: s.id,
        serviceAtLocationId: x.salId ? (salIdMap.get(`${s.id}|${x.salId}`) ?? null) : null,
        freq: x.freq,
        byday: x.byday,
        opensAt: x.opensAt,
        closesAt: x.closesAt,
        validFrom: x.validFrom,
        validTo: x.validTo,
        description: x.description,
      })),
    ),
    (chunk) => db.insert(schema.schedules).values(chunk),
  );
  await insertChunks(
    services.flatMap((s) => s.contacts.map((x) => ({ ...x, id: fresh(x.id), serviceId: s.id }))),
    (chunk) => db.insert(schema.contacts).values(chunk),
  );
  await insertChunks(
    services.flatMap((s) =>
      s.costs.map((x) => ({
        id: fresh(x.id),
        serviceId: s.id,
        option: x.option,
        amount: x.amount,
        currency: x.currency,
        amountDescription: x.description,
      })),
    ),
    (chunk) => db.insert(schema.costOptions).values(chunk),
  );
  await insertChunks(
    services.flatMap((s) => s.languages.map((x) => ({ ...x, serviceId: s.id }))),
    (chunk) => db.insert(schema.serviceLanguages).values(chunk),
  );
  await insertChunks(
    services.flatMap((s) =>
      s.areas.map((x) => ({ id: fresh(x.id), serviceId: s.id, areaType: x.type, areaCode: x.code, name: x.name })),
    ),
    (chunk) => db.insert(schema.serviceAreas).values(chunk),
  );
  await insertChunks(
    services.flatMap((s) =>
      s.funding.map((x) => ({ id: fresh(x.id), serviceId: s.id, source: x.source, endsOn: x.endsOn })),
    ),
    (chunk) => db.insert(schema.funding).values(chunk),
  );

  // Taxonomy: match by Signpost's public term id, else by taxonomy and code; else add the term.
  const terms = await query<{ id: string; oruk_id: string; taxonomy: string; code: string }>(
    db,
    sql`select id, md5(taxonomy || ':' || code)::uuid::text as oruk_id, taxonomy, code from taxonomy_terms`,
  );
  const byOruk = new Map(terms.map((t) => [t.oruk_id, t.id]));
  const byCode = new Map(terms.map((t) => [`${t.taxonomy}|${t.code}`, t.id]));
  const links = new Map<string, { serviceId: string; taxonomyTermId: string }>();
  for (const s of services) {
    for (const t of s.terms) {
      let termId = (t.orukId && byOruk.get(t.orukId)) || byCode.get(`${t.taxonomy}|${t.code}`);
      if (!termId) {
        termId = randomUUID();
        await db
          .insert(schema.taxonomyTerms)
          .values({ id: termId, taxonomy: t.taxonomy, code: t.code, name: t.name, description: t.description });
        byCode.set(`${t.taxonomy}|${t.code}`, termId);
        report.termsCreated += 1;
      }
      links.set(`${s.id}|${termId}`, { serviceId: s.id, taxonomyTermId: termId });
    }
  }
  await insertChunks([...links.values()], (chunk) => db.insert(schema.serviceTaxonomy).values(chunk));
}

/** Reads a feed (URL or file) and imports it. */
export async function importOrukFeed(args: {
  db: Db;
  source: string;
  dryRun?: boolean;
  skipInvalid?: boolean;
  actorUserId?: string | null;
  /** OUTBOUND_ALLOW (config.outboundAllow) for a feed on a non-public address. */
  outboundAllow?: readonly string[];
}): Promise<OrukImportReport> {
  const { services, pages } = await readOrukSource(args.source, { outboundAllow: args.outboundAllow });
  return importOrukServices({ ...args, services, pages });
}
