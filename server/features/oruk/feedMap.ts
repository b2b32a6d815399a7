/**
 * Mapping one service of an ORUK feed (ORUK 3.0, or ORUK 1.0 / HSDS 2 vintage) into Signpost's shape: repair what
 * can be repaired (URL scheme, HTML, zero-width characters, over-long text, an organisation given only by id), drop
 * what cannot (an invalid email or URL) with a warning, and reject a record only when it has no id, name or
 * organisation. Every repair and drop is a warning with the field and before/after; every field the mapper does not
 * read is counted (unmappedFields), so nothing is dropped silently.
 */
import { convert } from 'html-to-text';
import { fullFormats } from 'ajv-formats/dist/formats';
import { CAPACITY_STATUS_INFO, CAPACITY_STATUSES, type CapacityStatus } from '../../../shared/capacity';
import { DIRECTORY_LIMITS } from '../../../shared/schemas/directory';

type J = Record<string, unknown>;
export const isObject = (v: unknown): v is J => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A warning about one field: a repair (before → after) or a value dropped. */
export interface FieldNote {
  field: string;
  reason: string;
  before?: string;
  after?: string;
}

export interface Org {
  /** The organisation's id in the feed (or `name:` and its name when the feed gives none). */
  ref: string;
  name: string;
  alternateName: string | null;
  description: string;
  email: string | null;
  website: string | null;
  phone: string | null;
  legalStatus: string | null;
  charityNumber: string | null;
}
export interface Loc {
  /** The location's id in the feed, or one derived from the service's (`<service>/location/<i>`). */
  ref: string;
  /** The service-at-location's id in the feed, if any (schedules may point at it). */
  salRef: string | null;
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
export interface Term {
  /** The ORUK 3.0 term id (Signpost's own terms are md5-derived ids), if a UUID-shaped one. */
  orukId: string | null;
  taxonomy: string;
  code: string;
  name: string;
  description: string;
}
export interface Schedule {
  salRef: string | null;
  freq: string;
  byday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  validFrom: string | null;
  validTo: string | null;
  description: string | null;
}
export interface Svc {
  /** The service's id in the feed. */
  ref: string;
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
  deliveryModes: string[] | null;
  capacity: { status: CapacityStatus; places: number | null; waitDays: number | null; at: string } | null;
  org: Org;
  locations: Loc[];
  schedules: Schedule[];
  contacts: { name: string | null; title: string | null; email: string | null; phone: string | null }[];
  costs: { option: string | null; amount: number | null; currency: string; description: string | null }[];
  languages: { code: string; name: string }[];
  areas: { type: string; code: string; name: string | null }[];
  funding: { source: string; endsOn: string | null }[];
  /** Terms kept as terms of the feed's own taxonomy (ORUK 3.0 attributes). */
  terms: Term[];
  /** Signpost category codes from the crosswalk. */
  categories: string[];
  /** Feed terms the crosswalk does not know (`field: term`). */
  unmappedTerms: string[];
}

/** Feed term → Signpost category code (`signpost-social-prescribing` taxonomy); keys compared lower-case, trimmed. */
export type Crosswalk = Record<string, string>;

/** Everything mapService needs besides the record. */
export interface MapContext {
  /** Organisations of the same document (and previously imported from the same source) by their feed id. */
  orgsById: Map<string, J>;
  crosswalk: Crosswalk;
}

const AREA_TYPES = new Set(['icb', 'sub_icb', 'pcn', 'lad', 'england']);
const STATUSES = new Set(['active', 'inactive', 'defunct', 'temporarily closed']);
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}/;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u00AD]/g;
const LOOKS_HTML = /<\/?[a-z][a-z0-9]*[\s/>]|&(#\d+|#x[0-9a-f]+|[a-z]{2,8});/i;
const DAYS: Record<string, string> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
};
/** ORUK 1.0 / vendor attending types → Signpost delivery modes. */
const ATTENDING: Record<string, string> = {
  venue: 'in_person',
  'in person': 'in_person',
  'home visit': 'in_person',
  phone: 'phone',
  telephone: 'phone',
  online: 'online',
};

/** Whether an email is valid as ORUK 3.0's `format: email` (ajv-formats, as the conformance tests validate). */
export const validEmail = (v: string): boolean => (fullFormats.email as RegExp).test(v);
/** Whether a URL is an http(s) URL valid as ORUK 3.0's `format: uri`. */
export const validUrl = (v: string): boolean =>
  /^https?:\/\/[^\s/]+/i.test(v) && (fullFormats.uri as (s: string) => boolean)(v);

/** Shortens a value for a report line. */
export const clip = (v: string, n = 80): string => (v.length > n ? `${v.slice(0, n - 1)}…` : v);

/** Text cut to `max` characters at a word boundary, with an ellipsis. */
export function trimAtWord(v: string, max: number): string {
  if (v.length <= max) return v;
  const cut = v.slice(0, max - 1);
  const space = cut.search(/\s\S*$/);
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** HTML as plain text: paragraphs and list items on their own lines, entities decoded, no links' URLs appended. */
export function htmlToText(v: string): string {
  return convert(v, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
      { selector: 'ul', options: { itemPrefix: '• ' } },
      { selector: 'h1', format: 'block' },
      { selector: 'h2', format: 'block' },
      { selector: 'h3', format: 'block' },
      { selector: 'h4', format: 'block' },
    ],
  })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The service's fields the mapper reads (paths without array indices); ids and *_id keys are structural. */
const MAPPED = new Set(
  [
    'name alternate_name description url email status fees eligibility_description application_process',
    'minimum_age maximum_age alert attending_type deliverable_type metadata',
    'organization.name organization.alternate_name organization.description organization.email organization.website',
    'organization.url organization.legal_status organization.phones.number',
    'organization.organization_identifiers.identifier_scheme organization.organization_identifiers.identifier_type',
    'organization.organization_identifiers.identifier',
    'service_at_locations.location.name service_at_locations.location.description',
    'service_at_locations.location.latitude service_at_locations.location.longitude',
    ...['addresses', 'physical_addresses'].map((a) =>
      ['address_1', 'city', 'state_province', 'postal_code', 'country']
        .map((f) => `service_at_locations.location.${a}.${f}`)
        .join(' '),
    ),
    ...[
      'schedules',
      'regular_schedules',
      'service_at_locations.schedules',
      'service_at_locations.regular_schedules',
    ].map((s) =>
      ['freq', 'byday', 'weekday', 'opens_at', 'closes_at', 'valid_from', 'valid_to', 'description']
        .map((f) => `${s}.${f}`)
        .join(' '),
    ),
    ...['holiday_schedules', 'service_at_locations.holiday_schedules'].map((s) =>
      ['closed', 'opens_at', 'closes_at', 'start_date', 'end_date'].map((f) => `${s}.${f}`).join(' '),
    ),
    'contacts.name contacts.title contacts.email contacts.phones.number phones.number',
    'cost_options.option cost_options.amount cost_options.currency cost_options.amount_description',
    'languages.code languages.name languages.language eligibilitys.eligibility',
    'service_areas.service_area service_areas.name funding.source funding.ends_on',
    'attributes.taxonomy_term.name attributes.taxonomy_term.code attributes.taxonomy_term.term',
    'attributes.taxonomy_term.taxonomy attributes.taxonomy_term.description',
    'service_taxonomys.taxonomy.name service_taxonomys.taxonomy.vocabulary pc_targetAudience.audienceType',
    'capacities.available capacities.description capacities.updated capacities.unit.name',
  ]
    .join(' ')
    .split(/\s+/),
);
const STRUCTURAL = (key: string) =>
  key === 'id' || key.endsWith('_id') || key === 'location_type' || key === 'address_type';

/** Counts (once per record) every non-empty field of `raw` that the mapper does not read, by path. */
export function unmappedFields(raw: unknown, into: Map<string, number>): void {
  const found = new Set<string>();
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, path));
    else if (isObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (STRUCTURAL(k)) continue;
        const p = path ? `${path}.${k}` : k;
        if (MAPPED.has(p) || p === 'metadata' || p.startsWith('metadata.') || p.startsWith('capacities.')) continue;
        if (p === 'organization' && typeof x === 'string') continue;
        walk(x, p);
      }
    } else if (v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '') && path) found.add(path);
  };
  walk(raw, '');
  for (const p of found) into.set(p, (into.get(p) ?? 0) + 1);
}

/** Checks, repairs and maps one ORUK service; fatal problems and warnings are pushed with their field paths. */
export function mapService(
  raw: unknown,
  problems: FieldNote[],
  warnings: FieldNote[],
  ctx: MapContext,
): Svc | undefined {
  const bad = (field: string, reason: string) => problems.push({ field, reason });
  const warn = (field: string, reason: string, before?: string, after?: string) =>
    warnings.push({
      field,
      reason,
      ...(before !== undefined ? { before: clip(before) } : {}),
      ...(after !== undefined ? { after: clip(after) } : {}),
    });
  if (!isObject(raw)) {
    bad('(record)', 'must be a JSON object');
    return undefined;
  }
  /** Text: zero-width characters stripped, HTML → text (multi-line fields), cut at a word boundary to `max`. */
  const str = (
    o: J,
    key: string,
    path: string,
    opts: { required?: boolean; max?: number; html?: boolean } = {},
  ): string | null => {
    let v = o[key];
    if (typeof v === 'number') v = String(v);
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (opts.required) bad(path, 'is required');
      return null;
    }
    if (typeof v !== 'string') {
      warn(path, `is not text (${typeof v}); ignored`);
      return null;
    }
    let text = v;
    if (ZERO_WIDTH.test(text)) {
      text = text.replace(ZERO_WIDTH, '');
      warn(path, 'zero-width characters removed', v, text);
    }
    if (LOOKS_HTML.test(text)) {
      const plain = opts.html ? htmlToText(text) : htmlToText(text).replace(/\s*\n\s*/g, ' ');
      if (plain !== text) {
        warn(path, 'HTML converted to plain text', text, plain);
        text = plain;
      }
    }
    text = text.trim();
    if (!opts.html) text = text.replace(/\s+/g, ' ');
    const max = opts.max ?? DIRECTORY_LIMITS.description;
    if (text.length > max) {
      const cut = trimAtWord(text, max);
      warn(
        path,
        `longer than ${max} characters (${text.length}); cut at a word boundary`,
        text.slice(-40),
        cut.slice(-40),
      );
      text = cut;
    }
    if (text === '') {
      if (opts.required) bad(path, 'is required');
      return null;
    }
    return text;
  };
  const multi = (o: J, key: string, path: string, max: number = DIRECTORY_LIMITS.description) =>
    str(o, key, path, { max, html: true });
  const email = (o: J, key: string, path: string) => {
    const v = str(o, key, path, { max: DIRECTORY_LIMITS.email });
    if (v && !validEmail(v)) {
      warn(path, 'not a valid email address; dropped', v);
      return null;
    }
    return v;
  };
  const url = (o: J, key: string, path: string) => {
    let v = str(o, key, path, { max: DIRECTORY_LIMITS.url });
    if (!v) return null;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(v) && /^(\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]\S*)?$/i.test(v)) {
      const fixed = `${/^http\b/i.test(v) ? 'http' : 'https'}://${v.replace(/^\/\//, '')}`;
      warn(path, 'URL scheme added', v, fixed);
      v = fixed;
    }
    const scheme = /^(https?):\/\//i.exec(v)?.[1];
    if (scheme && scheme !== scheme.toLowerCase()) {
      const fixed = `${scheme.toLowerCase()}${v.slice(scheme.length)}`;
      warn(path, 'URL scheme lower-cased', v, fixed);
      v = fixed;
    }
    if (!validUrl(v)) {
      warn(path, 'not a valid http(s) URL; dropped', v);
      return null;
    }
    return v;
  };
  const num = (o: J, key: string, path: string, min: number, max: number): number | null => {
    const v = o[key];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'string' ? Number(v.trim()) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
      warn(path, `${String(v)} is not a number between ${min} and ${max}; ignored`);
      return null;
    }
    return n;
  };
  const arr = (o: J, key: string, path: string): J[] => {
    const v = o[key];
    if (v === undefined || v === null || v === '') return [];
    if (!Array.isArray(v)) {
      if (isObject(v)) return [v];
      warn(path, 'is not a list; ignored');
      return [];
    }
    return v.filter(isObject);
  };
  const ref = (v: unknown): string | null =>
    (typeof v === 'string' && v.trim() !== '') || typeof v === 'number' ? String(v).trim() : null;

  const serviceRef = ref(raw.id);
  if (!serviceRef) bad('id', 'is required');
  const name = str(raw, 'name', 'name', { required: true, max: DIRECTORY_LIMITS.name });
  let status = str(raw, 'status', 'status')?.toLowerCase() ?? 'active';
  if (!STATUSES.has(status)) {
    warn('status', `${status} is not an ORUK status; taken as active`);
    status = 'active';
  }

  // The organisation: nested, or given by id (organization_id, or a string) and found in the same document or among
  // organisations already imported from the same source.
  let orgRaw: unknown = raw.organization;
  const orgRefGiven = ref(typeof orgRaw === 'string' ? orgRaw : (raw.organization_id ?? null));
  if (!isObject(orgRaw) && orgRefGiven) {
    const found = ctx.orgsById.get(orgRefGiven);
    if (found) {
      orgRaw = found;
      warn('organization', 'given only by id; resolved', orgRefGiven, String(found.name ?? ''));
    } else bad('organization', `${orgRefGiven} is not an organisation of this feed`);
  } else if (isObject(orgRaw) && (orgRaw.name === undefined || orgRaw.name === null)) {
    const orgId = ref(orgRaw.id);
    const found = orgId ? ctx.orgsById.get(orgId) : undefined;
    if (found) orgRaw = { ...found, ...orgRaw, name: found.name };
  }
  let org: Org | undefined;
  if (!isObject(orgRaw)) {
    if (!orgRefGiven) bad('organization', 'is required (the organisation of the service)');
  } else {
    const orgName = str(orgRaw, 'name', 'organization.name', { required: true, max: DIRECTORY_LIMITS.name });
    const phones = arr(orgRaw, 'phones', 'organization.phones');
    const idents = arr(orgRaw, 'organization_identifiers', 'organization.organization_identifiers');
    const charity = idents.find(
      (i) => i.identifier_scheme === 'GB-CHC' || /charity/i.test(String(i.identifier_type ?? '')),
    );
    org = {
      ref: ref(orgRaw.id) ?? `name:${(orgName ?? '').toLowerCase()}`,
      name: orgName ?? '',
      alternateName: str(orgRaw, 'alternate_name', 'organization.alternate_name', { max: DIRECTORY_LIMITS.name }),
      description: multi(orgRaw, 'description', 'organization.description') ?? '',
      email: email(orgRaw, 'email', 'organization.email'),
      website:
        url(orgRaw, 'website', 'organization.website') ??
        (orgRaw.website ? null : url(orgRaw, 'url', 'organization.url')),
      phone: phones[0] ? str(phones[0], 'number', 'organization.phones.0.number', { max: 50 }) : null,
      legalStatus: str(orgRaw, 'legal_status', 'organization.legal_status', { max: DIRECTORY_LIMITS.shortText }),
      charityNumber: charity
        ? str(charity, 'identifier', 'organization.organization_identifiers.identifier', { max: 50 })
        : null,
    };
  }

  const sals = arr(raw, 'service_at_locations', 'service_at_locations');
  const locations: Loc[] = sals.flatMap((sal, i) => {
    const p = `service_at_locations.${i}.`;
    const loc = sal.location;
    if (!isObject(loc)) {
      warn(`${p}location`, 'has no nested location; ignored');
      return [];
    }
    const addresses = [
      ...arr(loc, 'physical_addresses', `${p}location.physical_addresses`),
      ...arr(loc, 'addresses', `${p}location.addresses`),
    ];
    const address = addresses.find((a) => !a.address_type || a.address_type === 'physical') ?? addresses[0] ?? {};
    const ap = `${p}location.${Array.isArray(loc.physical_addresses) ? 'physical_addresses' : 'addresses'}.0.`;
    // Coordinates outside the world (the standard's own example has latitude 100) are dropped, not fatal: the
    // location is then placed by its postcode when Signpost knows it.
    const coord = (key: string, limit: number) => {
      const v = loc[key];
      if (v === undefined || v === null || v === '') return null;
      const n = typeof v === 'string' ? Number(v.trim()) : v;
      if (typeof n === 'number' && Number.isFinite(n) && Math.abs(n) <= limit) return n;
      warn(`${p}location.${key}`, `${String(v)} is not a coordinate; ignored`);
      return null;
    };
    const lat = coord('latitude', 90);
    const lng = coord('longitude', 180);
    const zeroZero = lat === 0 && lng === 0;
    if (zeroZero) warn(`${p}location.latitude`, '0,0 is not a place; coordinates ignored');
    const country = str(address, 'country', `${ap}country`, { max: 50 });
    return [
      {
        ref: ref(loc.id) ?? `${serviceRef}/location/${i}`,
        salRef: ref(sal.id),
        name: str(loc, 'name', `${p}location.name`, { max: DIRECTORY_LIMITS.name }),
        description: multi(loc, 'description', `${p}location.description`, DIRECTORY_LIMITS.longText),
        address1: str(address, 'address_1', `${ap}address_1`, { max: DIRECTORY_LIMITS.shortText }),
        city: str(address, 'city', `${ap}city`, { max: DIRECTORY_LIMITS.shortText }),
        region: str(address, 'state_province', `${ap}state_province`, { max: DIRECTORY_LIMITS.shortText }),
        postcode: str(address, 'postal_code', `${ap}postal_code`, { max: 20 })?.toUpperCase() ?? null,
        country: country && /^(uk|united kingdom|england|gbr?)$/i.test(country) ? 'GB' : (country ?? 'GB'),
        lat: lat != null && lng != null && !zeroZero ? lat : null,
        lng: lat != null && lng != null && !zeroZero ? lng : null,
      },
    ];
  });

  // Schedules: ORUK 3.0 schedules, ORUK 1.0 regular_schedules (weekday names) and holiday_schedules, on the service
  // or on a service-at-location.
  const schedules: Schedule[] = [];
  const time = (s: J, key: string, path: string) => {
    const v = str(s, key, path, { max: 30 });
    if (v && !TIME.test(v)) {
      warn(path, `${v} is not a time HH:MM; ignored`);
      return null;
    }
    return v ? v.slice(0, 5) : null;
  };
  const date = (s: J, key: string, path: string) => {
    const v = str(s, key, path, { max: 30 });
    if (v && !(DATE.test(v) && !Number.isNaN(Date.parse(v.slice(0, 10))))) {
      warn(path, `${v} is not a date YYYY-MM-DD; ignored`);
      return null;
    }
    return v ? v.slice(0, 10) : null;
  };
  const regular = (s: J, p: string, salRef: string | null) => {
    let freq = str(s, 'freq', `${p}freq`, { max: 20 })?.toUpperCase() ?? 'WEEKLY';
    if (freq !== 'WEEKLY' && freq !== 'MONTHLY') {
      warn(`${p}freq`, `${freq} is not WEEKLY or MONTHLY; taken as WEEKLY`);
      freq = 'WEEKLY';
    }
    const weekday = str(s, 'weekday', `${p}weekday`, { max: 20 });
    const byday =
      str(s, 'byday', `${p}byday`, { max: 50 })?.toUpperCase() ??
      (weekday
        ? (DAYS[weekday.toLowerCase()] ?? (/^(MO|TU|WE|TH|FR|SA|SU)$/i.test(weekday) ? weekday.toUpperCase() : null))
        : null);
    if (weekday && !byday) warn(`${p}weekday`, `${weekday} is not a weekday; ignored`);
    schedules.push({
      salRef,
      freq,
      byday,
      opensAt: time(s, 'opens_at', `${p}opens_at`),
      closesAt: time(s, 'closes_at', `${p}closes_at`),
      validFrom: date(s, 'valid_from', `${p}valid_from`),
      validTo: date(s, 'valid_to', `${p}valid_to`),
      description: multi(s, 'description', `${p}description`, DIRECTORY_LIMITS.longText),
    });
  };
  const holiday = (s: J, p: string, salRef: string | null) => {
    const from = date(s, 'start_date', `${p}start_date`);
    const to = date(s, 'end_date', `${p}end_date`) ?? from;
    const closed = s.closed === true || s.closed === 'true';
    schedules.push({
      salRef,
      freq: 'WEEKLY',
      byday: null,
      opensAt: closed ? null : time(s, 'opens_at', `${p}opens_at`),
      closesAt: closed ? null : time(s, 'closes_at', `${p}closes_at`),
      validFrom: from,
      validTo: to,
      description: closed
        ? `Closed${from ? ` ${from}${to && to !== from ? ` to ${to}` : ''}` : ''} (holiday)`
        : 'Holiday opening times',
    });
  };
  for (const key of ['schedules', 'regular_schedules'])
    arr(raw, key, key).forEach((s, i) => regular(s, `${key}.${i}.`, ref(s.service_at_location_id)));
  arr(raw, 'holiday_schedules', 'holiday_schedules').forEach((s, i) => holiday(s, `holiday_schedules.${i}.`, null));
  sals.forEach((sal, j) => {
    for (const key of ['schedules', 'regular_schedules'])
      arr(sal, key, key).forEach((s, i) => regular(s, `service_at_locations.${j}.${key}.${i}.`, ref(sal.id)));
    arr(sal, 'holiday_schedules', 'holiday_schedules').forEach((s, i) =>
      holiday(s, `service_at_locations.${j}.holiday_schedules.${i}.`, ref(sal.id)),
    );
  });

  const contacts = arr(raw, 'contacts', 'contacts').map((c, i) => {
    const phones = arr(c, 'phones', `contacts.${i}.phones`);
    return {
      name: str(c, 'name', `contacts.${i}.name`, { max: DIRECTORY_LIMITS.name }),
      title: str(c, 'title', `contacts.${i}.title`, { max: DIRECTORY_LIMITS.shortText }),
      email: email(c, 'email', `contacts.${i}.email`),
      phone: phones[0] ? str(phones[0], 'number', `contacts.${i}.phones.0.number`, { max: 50 }) : null,
    };
  });
  // ORUK 1.0 services carry phones directly: kept as a contact.
  const servicePhone = arr(raw, 'phones', 'phones')[0];
  if (servicePhone) {
    const phone = str(servicePhone, 'number', 'phones.0.number', { max: 50 });
    if (phone) contacts.push({ name: null, title: null, email: null, phone });
  }
  const costs = arr(raw, 'cost_options', 'cost_options').map((c, i) => ({
    option: str(c, 'option', `cost_options.${i}.option`, { max: DIRECTORY_LIMITS.shortText }),
    amount: num(c, 'amount', `cost_options.${i}.amount`, 0, 1_000_000),
    currency: str(c, 'currency', `cost_options.${i}.currency`, { max: 3 })?.toUpperCase() ?? 'GBP',
    description: str(c, 'amount_description', `cost_options.${i}.amount_description`, {
      max: DIRECTORY_LIMITS.shortText,
    }),
  }));
  const languages = arr(raw, 'languages', 'languages').flatMap((l, i) => {
    const code = str(l, 'code', `languages.${i}.code`, { max: 20 });
    const lname =
      str(l, 'name', `languages.${i}.name`, { max: 100 }) ??
      str(l, 'language', `languages.${i}.language`, { max: 100 });
    return code || lname ? [{ code: (code ?? lname!).toLowerCase(), name: lname ?? code! }] : [];
  });
  const areas = arr(raw, 'service_areas', 'service_areas').flatMap((a, i) => {
    const m = typeof a.service_area === 'string' ? /^([a-z_]+):(\S+)$/.exec(a.service_area) : null;
    if (!m || !AREA_TYPES.has(m[1]!)) {
      const label = ref(a.service_area) ?? ref(a.name);
      if (label)
        warn(
          `service_areas.${i}.service_area`,
          `${clip(label, 60)} is not an area Signpost knows (icb:, sub_icb:, pcn:, lad:, england:); not mapped`,
        );
      return [];
    }
    return [{ type: m[1]!, code: m[2]!, name: typeof a.name === 'string' ? a.name : null }];
  });
  const funding = arr(raw, 'funding', 'funding').flatMap((f, i) => {
    const source = str(f, 'source', `funding.${i}.source`, { max: DIRECTORY_LIMITS.longText });
    const endsOn = date(f, 'ends_on', `funding.${i}.ends_on`);
    return source ? [{ source, endsOn }] : [];
  });

  // Taxonomy: ORUK 3.0 attributes are kept as terms of their taxonomy; every feed term (3.0 attributes, 1.0
  // service_taxonomys, vendor audience and deliverable types) is also looked up in the crosswalk to Signpost's categories.
  const categories = new Set<string>();
  const unmappedTerms: string[] = [];
  const crosswalk = (field: string, term: string) => {
    const code = ctx.crosswalk[term.trim().toLowerCase()];
    if (code) categories.add(code);
    else unmappedTerms.push(`${field}: ${term.trim()}`);
  };
  const terms: Term[] = arr(raw, 'attributes', 'attributes').flatMap((a) => {
    const t = a.taxonomy_term;
    if (!isObject(t)) return [];
    const tname = typeof t.name === 'string' ? t.name.trim() : '';
    const code =
      (typeof t.term === 'string' && t.term.trim()) || (typeof t.code === 'string' && t.code.trim()) || tname;
    if (!code) return [];
    const taxonomy = (typeof t.taxonomy === 'string' && t.taxonomy.trim()) || 'oruk';
    if (taxonomy !== 'signpost-social-prescribing') crosswalk('attributes', tname || code);
    return [
      {
        orukId: typeof t.id === 'string' && /^[0-9a-f-]{36}$/i.test(t.id) ? t.id.toLowerCase() : null,
        taxonomy,
        code: code.slice(0, 100),
        name: (tname || code).slice(0, DIRECTORY_LIMITS.name),
        description: typeof t.description === 'string' ? t.description : '',
      },
    ];
  });
  for (const st of arr(raw, 'service_taxonomys', 'service_taxonomys')) {
    const t = isObject(st.taxonomy) ? st.taxonomy : {};
    const tname = ref(t.name);
    if (tname) crosswalk('service_taxonomys', tname);
  }
  for (const a of arr(raw, 'pc_targetAudience', 'pc_targetAudience')) {
    const tname = ref(a.audienceType);
    if (tname) crosswalk('pc_targetAudience', tname);
  }
  const deliverable = ref(raw.deliverable_type);
  if (deliverable) crosswalk('deliverable_type', deliverable);

  const attending = ref(raw.attending_type);
  let deliveryModes: string[] | null = null;
  if (attending) {
    const mode = ATTENDING[attending.toLowerCase()];
    if (mode) deliveryModes = [mode];
    else warn('attending_type', `${clip(attending, 60)} is not a delivery mode Signpost knows; not mapped`);
  }

  const capRaw = arr(raw, 'capacities', 'capacities')[0];
  let capacity: Svc['capacity'] = null;
  if (capRaw) {
    const description = typeof capRaw.description === 'string' ? capRaw.description : '';
    const cstatus = CAPACITY_STATUSES.find((s) => description.startsWith(CAPACITY_STATUS_INFO[s].label));
    const available = num(capRaw, 'available', 'capacities.0.available', 0, DIRECTORY_LIMITS.maxPlaces);
    const at = typeof capRaw.updated === 'string' && !Number.isNaN(Date.parse(capRaw.updated)) ? capRaw.updated : null;
    if (cstatus && at) {
      const wait = /typical wait (\d+) days/.exec(description);
      capacity = {
        status: cstatus,
        places: cstatus === 'accepting' || cstatus === 'limited' ? available : null,
        waitDays: wait ? Number(wait[1]) : null,
        at,
      };
    }
  }

  let minimumAge = num(raw, 'minimum_age', 'minimum_age', DIRECTORY_LIMITS.minAge, DIRECTORY_LIMITS.maxAge);
  let maximumAge = num(raw, 'maximum_age', 'maximum_age', DIRECTORY_LIMITS.minAge, DIRECTORY_LIMITS.maxAge);
  if (minimumAge != null && maximumAge != null && minimumAge > maximumAge) {
    warn('minimum_age', `${minimumAge} is above maximum_age ${maximumAge}; both ignored`);
    minimumAge = maximumAge = null;
  }
  const eligibilitys = arr(raw, 'eligibilitys', 'eligibilitys')
    .map((e, i) => str(e, 'eligibility', `eligibilitys.${i}.eligibility`, { max: DIRECTORY_LIMITS.shortText }))
    .filter((e): e is string => !!e);
  const eligibility =
    multi(raw, 'eligibility_description', 'eligibility_description', DIRECTORY_LIMITS.longText) ??
    (eligibilitys.length ? trimAtWord(eligibilitys.join('; '), DIRECTORY_LIMITS.longText) : null);
  const scalars = {
    alternateName: str(raw, 'alternate_name', 'alternate_name', { max: DIRECTORY_LIMITS.name }),
    description: multi(raw, 'description', 'description') ?? '',
    url: url(raw, 'url', 'url'),
    email: email(raw, 'email', 'email'),
    fees: multi(raw, 'fees', 'fees', DIRECTORY_LIMITS.longText),
    eligibility,
    applicationProcess: multi(raw, 'application_process', 'application_process', DIRECTORY_LIMITS.longText),
    minimumAge: minimumAge == null ? null : Math.round(minimumAge),
    maximumAge: maximumAge == null ? null : Math.round(maximumAge),
    alert: multi(raw, 'alert', 'alert', DIRECTORY_LIMITS.longText),
  };
  if (!serviceRef || !name || !org || problems.length) return undefined;
  return {
    ref: serviceRef,
    name,
    status,
    ...scalars,
    deliveryModes,
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
    categories: [...categories].sort(),
    unmappedTerms,
  };
}
