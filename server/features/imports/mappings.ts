/**
 * Column mappings of the spreadsheet import: a suggestion from the header names (synonyms per Signpost field, case-,
 * space- and punctuation-insensitive, helped by the values for ambiguous "Contact" columns), the checks of a mapping
 * sent by a client, and the saved mappings (table import_mappings; the four presets are built in).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { schema, type Db } from '../../db';
import { IMPORT_FIELDS, type ColumnMapping, type ImportField } from './fields';
import type { ImportDefaults } from './presets';

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Header names (normalised: lower case, letters and digits only) that suggest each field; first match wins. */
export const FIELD_SYNONYMS: Readonly<Record<Exclude<ImportField, 'ignore'>, readonly string[]>> = {
  organization_name: [
    'name',
    'organisation',
    'organization',
    'organisationname',
    'organizationname',
    'orgname',
    'org',
    'charityname',
    'group',
    'groupname',
    'club',
    'charity',
    'clubname',
    'provider',
    'providername',
  ],
  service_name: ['service', 'servicename', 'activity', 'activityname', 'programme', 'program', 'project'],
  description: ['description', 'about', 'details', 'summary', 'charityactivities', 'activities', 'whatwedo', 'info'],
  address: ['address', 'address1', 'addressline1', 'street', 'streetaddress', 'charitycontactaddress', 'venue'],
  city: ['city', 'town', 'areaname', 'locality', 'borough', 'district'],
  postcode: ['postcode', 'postalcode', 'zip', 'zipcode', 'charitycontactpostcode', 'pcode'],
  lat: ['lat', 'latitude', 'y'],
  lng: ['lng', 'lon', 'long', 'longitude', 'x'],
  phone: ['phone', 'telephone', 'tel', 'phonenumber', 'telephonenumber', 'mobile', 'charitycontactphone'],
  email: ['email', 'emailaddress', 'mail', 'charitycontactemail'],
  contact: ['contact', 'contactdetails', 'contactinfo', 'contacts'],
  website: ['website', 'web', 'url', 'site', 'webaddress', 'homepage', 'charitycontactweb', 'link'],
  taxonomy: ['taxonomy', 'taxonomycodes', 'codes', 'categorycodes'],
  referral: ['referral', 'referralmethod', 'howtoaccess', 'access', 'howtorefer', 'referrals'],
  opening_times: [
    'openingtimes',
    'openinghours',
    'opening',
    'hours',
    'times',
    'when',
    'sessiontimes',
    'daysandtimes',
    'schedule',
  ],
  cost: ['cost', 'costs', 'price', 'fee', 'fees', 'charge', 'charges', 'free', 'isfree'],
  category: ['category', 'type', 'sport', 'kind'],
  charity_number: ['charitynumber', 'charityno', 'registeredcharitynumber', 'regcharityno'],
  legal_status: ['legalstatus', 'charitytype', 'legalform'],
  ref: ['ref', 'id', 'reference', 'key', 'uid', 'identifier'],
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /(?:\+44\s?|\b0)\d[\d\s-]{8,12}\d/;

/**
 * A mapping suggested from the header (and a few sample rows): each column gets the first field whose synonyms
 * contain its normalised name, each field at most once (later columns with the same field are ignored), and
 * everything else `ignore`. A "Contact" column whose values hold both emails and phones maps to `contact`; only
 * emails → `email`; only phones → `phone`.
 */
export function suggestMapping(header: string[], sample: string[][] = []): ColumnMapping {
  const taken = new Set<string>();
  const out: ColumnMapping = {};
  // Exact synonyms first, so "Name" is the organisation even when "Service name" comes earlier.
  const fieldOf = (column: string): ImportField | null => {
    const n = norm(column);
    for (const [field, names] of Object.entries(FIELD_SYNONYMS)) if (names.includes(n)) return field as ImportField;
    for (const [field, names] of Object.entries(FIELD_SYNONYMS))
      if (names.some((s) => s.length >= 5 && n.includes(s))) return field as ImportField;
    return null;
  };
  header.forEach((column, j) => {
    let field = fieldOf(column);
    if (field === 'contact' || field === 'email' || field === 'phone') {
      const values = sample.map((r) => r[j] ?? '').filter((v) => v.trim());
      const emails = values.filter((v) => EMAIL.test(v)).length;
      const phones = values.filter((v) => PHONE.test(v)).length;
      if (field === 'contact' && values.length)
        field = emails && phones ? 'contact' : emails ? 'email' : phones ? 'phone' : 'contact';
    }
    if (field && !taken.has(field)) {
      taken.add(field);
      out[column] = field;
    } else out[column] = 'ignore';
  });
  return out;
}

const FieldEnum = z.enum(IMPORT_FIELDS, { error: `must be one of ${IMPORT_FIELDS.join(', ')}` });

/** A column mapping sent by a client: column name → field, at most 200 columns. */
export const MappingBody = z
  .record(z.string().trim().min(1, 'column names must not be empty').max(200), FieldEnum)
  .refine((m) => Object.keys(m).length <= 200, 'must have at most 200 columns');

/** Taxonomy default of a saved mapping. */
export const TaxonomyDefaultBody = z.union([
  z.object({
    codes: z
      .array(z.string().regex(/^[a-z0-9_]{1,60}$/, 'must be taxonomy codes'))
      .min(1)
      .max(10),
  }),
  z.object({ byKeywords: z.literal(true) }),
]);

/** Name of a saved mapping: a lower-case slug. */
export const MappingName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,59}$/,
    'must be 1 to 60 lower-case letters, digits or hyphens, starting with a letter or digit',
  );

/** A saved mapping as the API shows it. */
export interface SavedMapping {
  name: string;
  mapping: ColumnMapping;
  defaults: ImportDefaults;
  builtIn: boolean;
  updatedAt: string;
}

const toSaved = (r: typeof schema.importMappings.$inferSelect): SavedMapping => ({
  name: r.name,
  mapping: r.mapping as ColumnMapping,
  defaults: r.defaults as ImportDefaults,
  builtIn: r.builtIn,
  updatedAt: r.updatedAt.toISOString(),
});

/** Every saved mapping, built-in first, then by name. */
export async function listMappings(db: Db): Promise<SavedMapping[]> {
  const rows = await db
    .select()
    .from(schema.importMappings)
    .orderBy(sql`${schema.importMappings.builtIn} desc`, asc(schema.importMappings.name));
  return rows.map(toSaved);
}

/** One saved mapping, or null. */
export async function getMapping(db: Db, name: string): Promise<SavedMapping | null> {
  const [row] = await db.select().from(schema.importMappings).where(eq(schema.importMappings.name, name));
  return row ? toSaved(row) : null;
}

/** Creates or replaces a saved mapping (not a built-in one: the caller checks). Returns it and whether it is new. */
export async function saveMapping(
  db: Db,
  args: { name: string; mapping: ColumnMapping; taxonomy: ImportDefaults['taxonomy']; userId: string | null },
): Promise<{ saved: SavedMapping; created: boolean }> {
  const before = await getMapping(db, args.name);
  const defaults: ImportDefaults = { source: args.name, taxonomy: args.taxonomy };
  const [row] = await db
    .insert(schema.importMappings)
    .values({ name: args.name, mapping: args.mapping, defaults, updatedBy: args.userId })
    .onConflictDoUpdate({
      target: schema.importMappings.name,
      set: { mapping: args.mapping, defaults, updatedBy: args.userId, updatedAt: sql`now()` },
    })
    .returning();
  return { saved: toSaved(row!), created: !before };
}

/** Deletes a saved mapping; whether there was one. */
export async function deleteMapping(db: Db, name: string): Promise<boolean> {
  const rows = await db
    .delete(schema.importMappings)
    .where(eq(schema.importMappings.name, name))
    .returning({ name: schema.importMappings.name });
  return rows.length > 0;
}
