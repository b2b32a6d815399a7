/**
 * Built-in column mappings for the four bundled VCSE files (data/vcse/) and the taxonomy each file's rows get.
 * Taxonomy mapping (documented in data/README.md): food banks → food; mental health → mental_wellbeing; sports
 * clubs → physical_activity; charities → by keywords in charity_activities (CHARITY_KEYWORDS, at most three terms),
 * else befriending_and_social_connection when the text is about people or community, else practical_support.
 */
import type { ColumnMapping } from './fields';

/** Names of the built-in presets. */
export const PRESET_NAMES = [
  'trafford-charities',
  'gm-food-banks',
  'trafford-mental-health',
  'trafford-sports-clubs',
] as const;
/** One of PRESET_NAMES. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** How rows without a taxonomy column value get their terms. */
export type TaxonomyDefault = { codes: string[] } | { byKeywords: true };

/** What an import needs besides the mapping. */
export interface ImportDefaults {
  /** Prefix of every source_ref (the preset name, or `csv` for --map imports), so two sources never collide. */
  source: string;
  /** Taxonomy of rows whose mapped taxonomy column is blank (or that have none). Default: by keywords. */
  taxonomy: TaxonomyDefault;
}

/** A preset: the columns of a known file and its defaults. */
export interface Preset {
  /** Column → field. */
  mapping: ColumnMapping;
  /** Defaults. */
  defaults: ImportDefaults;
}

/** The presets, by name. */
export const PRESETS: Record<PresetName, Preset> = {
  'trafford-charities': {
    mapping: {
      registered_charity_number: 'ref',
      charity_company_registration_number: 'ignore',
      charity_name: 'organization_name',
      charity_type: 'legal_status',
      charity_activities: 'description',
      date_of_registration: 'ignore',
      charity_contact_address: 'address',
      charity_contact_postcode: 'postcode',
      charity_contact_phone: 'phone',
      charity_contact_email: 'email',
      charity_contact_web: 'website',
      lat: 'lat',
      lng: 'lng',
    },
    defaults: { source: 'trafford-charities', taxonomy: { byKeywords: true } },
  },
  'gm-food-banks': {
    mapping: {
      Name: 'organization_name',
      'Referral method': 'referral',
      'Opening times': 'opening_times',
      Address: 'address',
      Postcode: 'postcode',
      Contact: 'contact',
      Website: 'website',
      'Area name': 'city',
      'Area code': 'ignore',
      lng: 'lng',
      lat: 'lat',
    },
    defaults: { source: 'gm-food-banks', taxonomy: { codes: ['food'] } },
  },
  'trafford-mental-health': {
    mapping: {
      name: 'organization_name',
      description: 'description',
      address: 'address',
      postcode: 'postcode',
      telephone: 'phone',
      website: 'website',
      lng: 'lng',
      lat: 'lat',
    },
    defaults: { source: 'trafford-mental-health', taxonomy: { codes: ['mental_wellbeing'] } },
  },
  'trafford-sports-clubs': {
    mapping: {
      name: 'organization_name',
      category: 'category',
      address: 'address',
      postcode: 'postcode',
      lng: 'lng',
      lat: 'lat',
    },
    defaults: { source: 'trafford-sports-clubs', taxonomy: { codes: ['physical_activity'] } },
  },
};

/** Whether a name is a preset. */
export const isPresetName = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** Keyword rules for charity activities, in priority order: the first three matching terms are used. */
export const CHARITY_KEYWORDS: readonly { code: string; pattern: RegExp }[] = [
  { code: 'food', pattern: /\bfood|\bmeals?\b|hunger|lunch club|foodbank/i },
  { code: 'mental_wellbeing', pattern: /mental health|wellbeing|well-being|counsel|bereave|depress|anxiety|suicide/i },
  { code: 'carers', pattern: /\bcarers?\b/i },
  {
    code: 'physical_activity',
    pattern:
      /\bsports?\b|football|cricket|rugby|tennis|golf|exercise|fitness|swim|athlet|\bdance|walking|hockey|bowls/i,
  },
  { code: 'arts_and_culture', pattern: /\barts?\b|music|theatre|drama|choir|heritage|museum|cultur|creative/i },
  {
    code: 'nature_and_green_space',
    pattern: /garden|wildlife|environment|conservation|allotment|green space|nature\b|parks?\b/i,
  },
  { code: 'advice', pattern: /advice|debt|benefits?\b|legal|housing|homeless|money/i },
  {
    code: 'employment_learning_and_volunteering',
    pattern: /employment|training|education|school|learning|skills|volunteer|apprentice/i,
  },
  {
    code: 'befriending_and_social_connection',
    pattern: /befriend|lonel|isolat|social|older people|elderly|youth club|community (centre|group|hall)/i,
  },
];

const PEOPLE = /people|communit|church|worship|parish|faith|famil|children|young|members|residents/i;

/** Taxonomy terms for a charity from its activities text (see the file comment for the rules). */
export function classifyByKeywords(text: string | null): string[] {
  const t = text ?? '';
  const codes = CHARITY_KEYWORDS.filter((k) => k.pattern.test(t))
    .slice(0, 3)
    .map((k) => k.code);
  if (codes.length) return codes;
  return [PEOPLE.test(t) ? 'befriending_and_social_connection' : 'practical_support'];
}

/**
 * The mapping and defaults of an import: a preset's, extended or overridden by `--map column=field,...`; with no
 * preset, source `csv` and taxonomy by keywords. Throws a readable Error when neither is given or a name is unknown.
 */
export function resolveMapping({ preset, map }: { preset?: string; map?: ColumnMapping }): Preset {
  if (preset !== undefined && !isPresetName(preset))
    throw new Error(`"${preset}" is not a preset; use one of ${PRESET_NAMES.join(', ')}`);
  if (!preset && (!map || !Object.keys(map).length))
    throw new Error('give a preset or a column mapping (--map column=field,...)');
  const base = preset
    ? PRESETS[preset]
    : { mapping: {}, defaults: { source: 'csv', taxonomy: { byKeywords: true } } as ImportDefaults };
  return { mapping: { ...base.mapping, ...(map ?? {}) }, defaults: base.defaults };
}
