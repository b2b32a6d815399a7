/** Request schemas of the directory API (organisations, services, capacity, taxonomy, claims, concerns) and their limits. */
import { z } from 'zod';
import { CAPACITY_STATUSES, WAITLIST_BANDS } from '../capacity';
import { IcbCode, multiLine, recordId, singleLine, type TextLines } from './common';

/** Limits of every directory field (characters unless said otherwise). */
export const DIRECTORY_LIMITS = {
  name: 200,
  shortText: 200,
  description: 5000,
  longText: 2000,
  note: 500,
  url: 500,
  email: 254,
  postcode: 10,
  /** Ages in whole years. */
  minAge: 0,
  maxAge: 120,
  /** Items in each nested array of a service. */
  locations: 20,
  schedules: 50,
  contacts: 20,
  costOptions: 20,
  languages: 30,
  serviceAreas: 100,
  taxonomy: 20,
  funding: 20,
  deliveryModes: 3,
  /** Places, sessions and waits. */
  maxPlaces: 100_000,
  maxWaitDays: 3650,
  /** Cost in pounds. */
  maxAmount: 100_000,
  taxonomyCode: 80,
} as const;

const L = DIRECTORY_LIMITS;

/** Required trimmed text of at most `max` characters (single-line unless `lines` is multi). */
const text = (max: number, min = 1, lines: TextLines = 'single') =>
  (lines === 'multi' ? multiLine : singleLine)({ error: 'is required' })
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);

/** Optional trimmed text (single-line unless `lines` is multi); empty or absent becomes null. */
const optText = (max: number, lines: TextLines = 'single') =>
  (lines === 'multi' ? multiLine : singleLine)({ error: 'must be text' })
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

/** One of a fixed list of values; the error lists them. */
const oneOf = <const T extends readonly string[]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

/** Long description text, empty when absent. */
const descriptionText = () =>
  multiLine({ error: 'must be text' })
    .trim()
    .max(L.description, `must be at most ${L.description} characters`)
    .default('');

/** Optional http(s) URL. */
const optUrl = singleLine({ error: 'must be text' })
  .trim()
  .max(L.url, `must be at most ${L.url} characters`)
  .nullish()
  .transform((v) => (v ? v : null))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable());

/** Optional email address. */
const optEmail = singleLine({ error: 'must be text' })
  .trim()
  .max(L.email, `must be at most ${L.email} characters`)
  .nullish()
  .transform((v) => (v ? v.toLowerCase() : null))
  .pipe(z.email({ error: 'must be an email address' }).nullable());

/** UK phone numbers: 0 or +44 then 9–10 digits, spaces, dashes and brackets allowed. */
export const UK_PHONE = /^(?:\+44|0)\d{9,10}$/;

/** Optional UK phone number, stored as given (trimmed). */
const optPhone = optText(30).refine(
  (v) => v == null || UK_PHONE.test(v.replace(/[\s()-]/g, '')),
  'must be a UK phone number, e.g. 0161 123 4567 or +44 161 123 4567',
);

/** Optional whole number within [min, max]. */
const optInt = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}`)
    .max(max, `must be between ${min} and ${max}`)
    .nullish()
    .transform((v) => v ?? null);

/** A calendar date YYYY-MM-DD. */
const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
const optDate = isoDate.nullish().transform((v) => v ?? null);

/** A 24-hour time HH:MM. */
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const optTime = singleLine({ error: 'must be a time HH:MM' })
  .regex(HHMM, 'must be a time HH:MM (24-hour)')
  .nullish()
  .transform((v) => v ?? null);

/** iCal BYDAY codes, optionally with an ordinal for monthly rules (1MO, -1FR). */
const BYDAY_ITEM = /^(-?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$/;

/** A record id path parameter (any hex GUID, see recordId). */
export const IdParams = z.object({ id: recordId('a UUID') });

/** Delivery modes (ORUK service delivery: in person, by phone, online). */
export const DELIVERY_MODES = ['in_person', 'phone', 'online'] as const;

/** ORUK service statuses an editor may set (defunct is set by DELETE). */
export const EDITABLE_SERVICE_STATUSES = ['active', 'inactive', 'temporarily closed'] as const;

/** Area types a service may cover (ORUK service_area, by code). */
export const SERVICE_AREA_TYPES = ['england', 'icb', 'sub_icb', 'pcn', 'lad'] as const;

/** Ways of referring people. */
export const REFERRAL_METHODS = ['self', 'professional', 'either'] as const;

const languageNames =
  typeof Intl !== 'undefined' ? new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }) : undefined;

/** English name of an ISO 639-1 code, or undefined when it is not one. */
export function languageName(code: string): string | undefined {
  if (!/^[a-z]{2}$/.test(code)) return undefined;
  const name = languageNames?.of(code);
  return name && name !== code ? name : undefined;
}

/** A location of a service, picked by postcode; lat/lng come from a dragged pin, else from the postcode. */
export const LocationInput = z
  .object({
    name: optText(L.shortText),
    description: optText(L.longText, 'multi'),
    address1: optText(L.shortText),
    city: optText(100),
    region: optText(100),
    postcode: singleLine({ error: 'is required' })
      .trim()
      .toUpperCase()
      .max(L.postcode, `must be at most ${L.postcode} characters`)
      .regex(/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/, 'must be a full UK postcode, e.g. M13 9PL'),
    lat: z
      .number({ error: 'must be a number' })
      .min(49.8, 'must be in England')
      .max(55.9, 'must be in England')
      .nullish(),
    lng: z.number({ error: 'must be a number' }).min(-6.5, 'must be in England').max(2, 'must be in England').nullish(),
    transportation: optText(L.longText, 'multi'),
    accessibility: optText(L.longText, 'multi'),
  })
  .superRefine((l, ctx) => {
    if ((l.lat == null) !== (l.lng == null))
      ctx.addIssue({
        code: 'custom',
        path: [l.lat == null ? 'lat' : 'lng'],
        message: 'give both lat and lng, or neither',
      });
  });

/** An opening time or recurring session (ORUK schedule). */
export const ScheduleInput = z
  .object({
    freq: z.enum(['WEEKLY', 'MONTHLY'], { error: 'must be WEEKLY or MONTHLY' }).default('WEEKLY'),
    byday: singleLine({ error: 'must be text' })
      .trim()
      .toUpperCase()
      .max(60, 'must be at most 60 characters')
      .refine(
        (s) => s.split(',').every((d) => BYDAY_ITEM.test(d.trim())),
        'must be comma-separated iCal days: MO,TU,WE,TH,FR,SA,SU (monthly may use 1MO, -1FR)',
      )
      .transform((s) =>
        s
          .split(',')
          .map((d) => d.trim())
          .join(','),
      )
      .nullish()
      .transform((v) => v ?? null),
    opensAt: optTime,
    closesAt: optTime,
    validFrom: optDate,
    validTo: optDate,
    description: optText(L.longText, 'multi'),
    sessionPlaces: optInt(0, L.maxPlaces),
    /** Index into `locations` of where this session runs; absent = the service as a whole. */
    locationIndex: optInt(0, L.locations - 1),
  })
  .superRefine((s, ctx) => {
    if ((s.opensAt == null) !== (s.closesAt == null))
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'give both opensAt and closesAt, or neither' });
    if (s.opensAt && s.closesAt && s.opensAt >= s.closesAt)
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
    if (s.validFrom && s.validTo && s.validFrom > s.validTo)
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be on or after validFrom' });
  });

/** A named contact (ORUK contact with phone). */
export const ContactInput = z.object({
  name: optText(L.shortText),
  title: optText(L.shortText),
  email: optEmail,
  phone: optPhone,
});

/** A cost option (ORUK cost_option), amount in pounds. */
export const CostOptionInput = z.object({
  option: optText(L.shortText),
  amount: z
    .number({ error: 'must be a number' })
    .min(0, `must be between 0 and ${L.maxAmount}`)
    .max(L.maxAmount, `must be between 0 and ${L.maxAmount}`)
    .nullish()
    .transform((v) => v ?? null),
  amountDescription: optText(L.shortText),
});

/** An area a service covers (ORUK service_area). */
export const ServiceAreaInput = z.object({
  areaType: oneOf(SERVICE_AREA_TYPES),
  areaCode: singleLine({ error: 'is required' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9]{1,12}$/, 'must be an area code like QHM, U12345 or E08000003'),
  name: optText(L.shortText),
});

/** A funding source with its end date (ORUK funding). */
export const FundingInput = z.object({ source: text(L.shortText), endsOn: optDate });

/** A taxonomy term code, e.g. advice.debt. */
export const TaxonomyCode = singleLine({ error: 'is required' })
  .trim()
  .toLowerCase()
  .max(L.taxonomyCode, `must be at most ${L.taxonomyCode} characters`)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be a taxonomy code like advice.debt');

/** POST /api/organizations/:id/services and PUT /api/services/:id: every field of a service (nested arrays replace). */
export const ServiceBody = z
  .object({
    name: text(L.name),
    alternateName: optText(L.name),
    description: descriptionText(),
    url: optUrl,
    email: optEmail,
    status: oneOf(EDITABLE_SERVICE_STATUSES).default('active'),
    referralMethod: oneOf(REFERRAL_METHODS)
      .nullish()
      .transform((v) => v ?? null),
    referralInstructions: optText(L.longText, 'multi'),
    referralUrl: optUrl,
    feesDescription: optText(L.longText, 'multi'),
    /** null or absent = not stated: nothing is free unless someone said so. */
    isFree: z
      .boolean({ error: 'must be true, false or null' })
      .nullish()
      .transform((v) => v ?? null),
    eligibilityDescription: optText(L.longText, 'multi'),
    minimumAge: optInt(L.minAge, L.maxAge),
    maximumAge: optInt(L.minAge, L.maxAge),
    deliveryModes: z
      .array(oneOf(DELIVERY_MODES), {
        error: 'must be a list',
      })
      .min(1, 'must name at least one delivery mode')
      .max(L.deliveryModes)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a mode')
      .default(['in_person']),
    accessibility: optText(L.longText, 'multi'),
    alert: optText(L.note, 'multi'),
    locations: z
      .array(LocationInput, { error: 'must be a list' })
      .max(L.locations, `must have at most ${L.locations} items`)
      .default([]),
    schedules: z
      .array(ScheduleInput, { error: 'must be a list' })
      .max(L.schedules, `must have at most ${L.schedules} items`)
      .default([]),
    contacts: z
      .array(ContactInput, { error: 'must be a list' })
      .max(L.contacts, `must have at most ${L.contacts} items`)
      .default([]),
    costOptions: z
      .array(CostOptionInput, { error: 'must be a list' })
      .max(L.costOptions, `must have at most ${L.costOptions} items`)
      .default([]),
    languages: z
      .array(
        singleLine({ error: 'must be text' })
          .trim()
          .toLowerCase()
          .refine((c) => languageName(c) !== undefined, 'must be an ISO 639-1 language code, e.g. en, ur, pl'),
        { error: 'must be a list' },
      )
      .max(L.languages, `must have at most ${L.languages} items`)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a language')
      .default([]),
    serviceAreas: z
      .array(ServiceAreaInput, { error: 'must be a list' })
      .max(L.serviceAreas, `must have at most ${L.serviceAreas} items`)
      .default([]),
    taxonomy: z
      .array(TaxonomyCode, { error: 'must be a list' })
      .max(L.taxonomy, `must have at most ${L.taxonomy} items`)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a term')
      .default([]),
    funding: z
      .array(FundingInput, { error: 'must be a list' })
      .max(L.funding, `must have at most ${L.funding} items`)
      .default([]),
  })
  .superRefine((s, ctx) => {
    if (s.minimumAge != null && s.maximumAge != null && s.minimumAge > s.maximumAge)
      ctx.addIssue({ code: 'custom', path: ['maximumAge'], message: 'must be at least minimumAge' });
    s.schedules.forEach((sch, i) => {
      if (sch.locationIndex != null && sch.locationIndex >= s.locations.length)
        ctx.addIssue({
          code: 'custom',
          path: ['schedules', i, 'locationIndex'],
          message: 'must point at one of locations',
        });
    });
  });
/** A parsed service body. */
export type ServiceBody = z.output<typeof ServiceBody>;

/** PUT /api/services/:id/capacity */
export const CapacityBody = z.object({
  status: oneOf(CAPACITY_STATUSES),
  places: optInt(0, L.maxPlaces),
  waitDays: optInt(0, L.maxWaitDays),
  waitlistBand: oneOf(WAITLIST_BANDS)
    .nullish()
    .transform((v) => v ?? null),
  sessionPlaces: optInt(0, L.maxPlaces),
  note: optText(L.note, 'multi'),
});
/** A parsed capacity body. */
export type CapacityBody = z.output<typeof CapacityBody>;

/** POST /api/organizations */
export const OrganizationBody = z.object({
  name: text(L.name),
  alternateName: optText(L.name),
  description: descriptionText(),
  email: optEmail,
  website: optUrl,
  phone: optPhone,
  legalStatus: optText(100),
  charityNumber: optText(20).refine((v) => v == null || /^[0-9A-Z-]{5,20}$/i.test(v), 'must be a charity number'),
});
/** A parsed organisation body. */
export type OrganizationBody = z.output<typeof OrganizationBody>;

/** PATCH /api/organizations/:id: any subset of the organisation fields. */
export const OrganizationPatch = OrganizationBody.partial().refine(
  (o) => Object.keys(o).length > 0,
  'must change at least one field',
);
/** A parsed organisation patch. */
export type OrganizationPatch = z.output<typeof OrganizationPatch>;

/** Admin decisions on organisations and claims. */
export const DecisionBody = z.object({
  decision: z.enum(['approve', 'reject'], { error: 'must be approve or reject' }),
  reason: optText(L.note, 'multi'),
});
/** A parsed decision. */
export type DecisionBody = z.output<typeof DecisionBody>;

/** POST /api/organizations/:id/claims */
export const ClaimBody = z.object({ evidence: text(L.longText, 10, 'multi') });

/** Most organisations GET /api/organizations?q= answers. */
export const ORGANIZATION_SEARCH_LIMIT = 20;

/** GET /api/organizations?q=: part of an approved organisation's name (2–100 characters). */
export const OrganizationSearchQuery = z.object({ q: text(100, 2) });

/** POST /api/admin/taxonomy */
export const TaxonomyTermBody = z.object({
  code: TaxonomyCode,
  name: text(L.shortText),
  description: multiLine({ error: 'must be text' }).trim().max(L.longText).default(''),
  parentCode: TaxonomyCode.nullish().transform((v) => v ?? null),
});
/** A parsed taxonomy term body. */
export type TaxonomyTermBody = z.output<typeof TaxonomyTermBody>;

/** PATCH /api/admin/taxonomy/:id (codes are stable and not editable). */
export const TaxonomyTermPatch = z
  .object({
    name: text(L.shortText).optional(),
    description: multiLine({ error: 'must be text' }).trim().max(L.longText).optional(),
  })
  .refine((o) => o.name !== undefined || o.description !== undefined, 'must change name or description');

/** Kinds of concern an organisation can raise. */
export const CONCERN_KINDS = ['capacity', 'funding', 'demand_surge', 'other'] as const;
/** Concern statuses. */
export const CONCERN_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** POST /api/services/:id/concerns */
export const ConcernBody = z
  .object({
    kind: oneOf(CONCERN_KINDS),
    summary: text(L.shortText),
    details: multiLine({ error: 'must be text' }).trim().max(L.description).default(''),
    fundingEndsOn: optDate,
  })
  .superRefine((c, ctx) => {
    if (c.kind === 'funding' && !c.fundingEndsOn)
      ctx.addIssue({ code: 'custom', path: ['fundingEndsOn'], message: 'is required for a funding concern' });
  });
/** A parsed concern. */
export type ConcernBody = z.output<typeof ConcernBody>;

/** POST /api/concerns/:id/messages; commissioners and admins may also move its status. */
export const ConcernMessageBody = z.object({
  body: text(L.description, 1, 'multi'),
  status: oneOf(CONCERN_STATUSES).optional(),
});
/** A parsed concern message. */
export type ConcernMessageBody = z.output<typeof ConcernMessageBody>;

/** GET /api/concerns?status=&kind=&icb= (icb: admins only; a commissioner may name only their own ICB) */
export const ConcernListQuery = z.object({
  status: oneOf(CONCERN_STATUSES).optional(),
  kind: oneOf(CONCERN_KINDS).optional(),
  icb: IcbCode.optional(),
});
