/** The Signpost fields a CSV column can map to, and the validation of one mapped row (limits from shared/schemas/directory). */
import { z } from 'zod';
import { DIRECTORY_LIMITS, TaxonomyCode, UK_PHONE } from '../../../shared/schemas/directory';
import { parsePostcodeQuery } from '../../../shared/postcode';

const L = DIRECTORY_LIMITS;

/**
 * Fields a column may map to (`--map column=field`). `contact` holds an email or a phone number (decided per value);
 * `taxonomy` holds one or more codes separated by `;` or `|`; `ref` is a stable row key (e.g. a charity number) for
 * re-imports; `opening_times` is read into schedules (openingHours.ts); `cost` ("Free", "£2 a session", yes/no for
 * "free?") sets whether the service is free only when it says so; `ignore` drops the column.
 */
export const IMPORT_FIELDS = [
  'organization_name',
  'service_name',
  'description',
  'address',
  'city',
  'postcode',
  'lat',
  'lng',
  'phone',
  'email',
  'contact',
  'website',
  'taxonomy',
  'referral',
  'opening_times',
  'cost',
  'category',
  'charity_number',
  'legal_status',
  'ref',
  'ignore',
] as const;
/** One of IMPORT_FIELDS. */
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** CSV column name → Signpost field. */
export type ColumnMapping = Record<string, ImportField>;

/** The UK (with a small margin around Great Britain, Northern Ireland and the islands), in decimal degrees. */
export const UK_BOUNDS = { south: 49.8, north: 60.9, west: -8.7, east: 1.8 } as const;

/** Values that mean "no value" in the source files. */
const BLANKS = new Set(['', 'na', 'n/a', 'null', 'none', 'not known', 'unknown', '-', '--']);

/** Trimmed text, or null when blank or a blank marker such as NA. */
export function clean(value: string | undefined): string | null {
  const v = (value ?? '').replace(/\s+/g, ' ').trim();
  return BLANKS.has(v.toLowerCase()) ? null : v;
}

const optText = (max: number) =>
  z
    .string()
    .nullable()
    .refine((v) => v == null || v.length <= max, `must be at most ${max} characters`);

/** Adds a scheme to bare web addresses (www.example.org), which the source files often hold. */
export const withScheme = (url: string | null) => (url && !/^[a-z][a-z0-9+.-]*:/i.test(url) ? `http://${url}` : url);

/** The values of one row after mapping, before validation: text or null per field. */
export type MappedRow = Partial<Record<Exclude<ImportField, 'ignore'>, string | null>>;

/** A validated row, ready to locate and write. */
export const ImportRow = z
  .object({
    organization_name: z
      .string({ error: 'is required' })
      .min(1, 'is required')
      .max(L.name, `must be at most ${L.name} characters`),
    service_name: optText(L.name),
    description: optText(L.description),
    address: optText(L.shortText),
    city: optText(100),
    postcode: z
      .string()
      .nullable()
      .transform((v) => {
        // A letter O typed for the zero that starts every inward code (WA15 OHF) is an unambiguous typo.
        const parsed = v
          ? (parsePostcodeQuery(v) ?? parsePostcodeQuery(v.replace(/\s+O([A-Z]{2})$/i, ' 0$1')))
          : undefined;
        return parsed?.kind === 'postcode' ? parsed.label : v;
      }),
    lat: z.string().nullable(),
    lng: z.string().nullable(),
    phone: optText(30).refine(
      (v) => v == null || UK_PHONE.test(v.replace(/[\s()-]/g, '')),
      'must be a UK phone number, e.g. 0161 123 4567',
    ),
    email: z
      .string()
      .nullable()
      .transform((v) => (v ? v.toLowerCase() : null))
      .pipe(
        z.email({ error: 'must be an email address' }).max(L.email, `must be at most ${L.email} characters`).nullable(),
      ),
    website: z
      .string()
      .nullable()
      .transform(withScheme)
      .pipe(
        z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
          .max(L.url, `must be at most ${L.url} characters`)
          .nullable(),
      ),
    taxonomy: z
      .string()
      .nullable()
      .transform((v) =>
        v
          ? v
              .split(/[;|]/)
              .map((c) => c.trim())
              .filter(Boolean)
          : [],
      )
      .pipe(z.array(TaxonomyCode).max(L.taxonomy, `must have at most ${L.taxonomy} codes`)),
    referral: optText(L.longText),
    opening_times: optText(L.longText),
    cost: optText(L.longText),
    category: optText(L.shortText),
    charity_number: optText(20).refine((v) => v == null || /^[0-9A-Z-]{5,20}$/i.test(v), 'must be a charity number'),
    legal_status: optText(100),
    ref: optText(200),
  })
  .superRefine((r, ctx) => {
    // Coordinates, when given, must be numbers inside the UK whatever the postcode says: a bad pair is a bad row.
    const lat = r.lat == null ? null : Number(r.lat);
    const lng = r.lng == null ? null : Number(r.lng);
    if ((lat == null) !== (lng == null))
      ctx.addIssue({
        code: 'custom',
        path: [lat == null ? 'lat' : 'lng'],
        message: 'give both lat and lng, or neither',
      });
    if (lat != null && !(Number.isFinite(lat) && lat >= UK_BOUNDS.south && lat <= UK_BOUNDS.north))
      ctx.addIssue({
        code: 'custom',
        path: ['lat'],
        message: `must be a latitude inside the UK (${UK_BOUNDS.south} to ${UK_BOUNDS.north})`,
      });
    if (lng != null && !(Number.isFinite(lng) && lng >= UK_BOUNDS.west && lng <= UK_BOUNDS.east))
      ctx.addIssue({
        code: 'custom',
        path: ['lng'],
        message: `must be a longitude inside the UK (${UK_BOUNDS.west} to ${UK_BOUNDS.east})`,
      });
  });
/** A validated row. */
export type ImportRow = z.output<typeof ImportRow>;

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE_IN_TEXT = /(?:\+44\s?|\b0)\d[\d\s-]{8,12}\d/;

/**
 * Applies a mapping to one CSV record: blanks become null; `contact` gives the first email address and the first phone number found in it (other text is dropped);
 * several columns mapped to the same field are joined (description) or the first non-blank wins.
 */
export function mapRecord(record: Record<string, string>, mapping: ColumnMapping): MappedRow {
  const out: MappedRow = {};
  for (const [column, field] of Object.entries(mapping)) {
    if (field === 'ignore') continue;
    const value = clean(record[column]);
    if (value == null) continue;
    if (field === 'contact') {
      // Free-text contact cells hold an email, a phone number, both, or neither ("Information will be posted asap").
      const email = EMAIL_IN_TEXT.exec(value)?.[0];
      const phone = PHONE_IN_TEXT.exec(value)?.[0];
      if (email && !out.email) out.email = email;
      if (phone && !out.phone) out.phone = phone.trim();
      continue;
    }
    if (out[field] && field === 'description') out[field] = `${out[field]}\n\n${value}`;
    else if (!out[field]) out[field] = value;
  }
  return out;
}

/** Fills the fields the row schema expects with null when the mapping gave nothing. */
export function withNulls(row: MappedRow): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const f of IMPORT_FIELDS) if (f !== 'ignore' && f !== 'contact') out[f] = row[f] ?? null;
  return out;
}

/** Parses `column=field,column=field` (the `--map` option); throws a readable Error on an unknown field. */
export function parseMapOption(text: string): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = pair.lastIndexOf('=');
    const column = at > 0 ? pair.slice(0, at).trim() : '';
    const field = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!column || !field) throw new Error(`"${pair}" must look like column=field`);
    if (!(IMPORT_FIELDS as readonly string[]).includes(field))
      throw new Error(`"${field}" is not a field; use one of ${IMPORT_FIELDS.join(', ')}`);
    mapping[column] = field as ImportField;
  }
  return mapping;
}
