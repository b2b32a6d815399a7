/**
 * Rules that turn the bundled VCSE registers into a believable demo directory: which entries are services to people
 * (NOT_A_SERVICE), which are in Greater Manchester (GM_DISTRICT), and register names in normal case (normalCase).
 */

/** Words kept in capitals when a register name is put into normal case. */
export const ACRONYMS = new Set([
  'NHS',
  'CIC',
  'CIO',
  'UK',
  'GM',
  'YMCA',
  'YWCA',
  'RSPB',
  'RSPCA',
  'NSPCC',
  'ADHD',
  'HIV',
  'AIDS',
  'LGBT',
  'LGBTQ',
  'LGBTQ+',
  'BME',
  'BAME',
  'CVS',
  'MS',
  'ME',
  'PTSD',
  'SEN',
  'SEND',
  'TLC',
  'FC',
  'AFC',
  'RUFC',
  'ARLFC',
  'JFC',
  'CC',
  'ABC',
  'RAF',
  'ICB',
  'PCN',
  'ASGMA',
  'CDI',
  'LMCP',
  'UKCP',
  'II',
  'III',
  'IV',
]);

/** Small words written in lower case unless they start the name. */
const SMALL_WORDS = new Set(['of', 'and', 'the', 'for', 'in', 'on', 'at', 'to', 'by', 'with', 'a', 'an', 'de', 'or']);

/** A register word in normal case: known acronyms kept, "MCDONALD" → "McDonald", "ST." → "St.", "1ST" → "1st". */
function normalWord(word: string, first: boolean): string {
  if (!/[A-Z]/.test(word)) return word.toLowerCase();
  const bare = word.replace(/^[("']+|[)"',.:;]+$/g, '');
  if (ACRONYMS.has(bare.toUpperCase())) return word.toUpperCase();
  // Initialisms written with dots (P.T.A., U.K.) stay as they are.
  if (/^([A-Z]\.){2,}$/.test(bare + '.') || /^([A-Z]\.)+[A-Z]?$/.test(bare)) return word;
  const lower = word.toLowerCase();
  if (!first && SMALL_WORDS.has(lower)) return lower;
  if (/^\d/.test(word)) return lower; // 1ST, 2ND, 10TH
  // Capitalise after the start and after hyphens, slashes, brackets and opening quotes; not after an apostrophe.
  let out = lower.replace(/(^|[-/(“"])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase());
  out = out.replace(/^(\W*)Mc([a-z])/, (_m, p: string, c: string) => `${p}Mc${c.toUpperCase()}`);
  return out;
}

/**
 * A name in normal case. Only names with no lower-case letters are changed (a name someone typed in mixed case is
 * already how they write it); acronyms in ACRONYMS stay in capitals, small words stay lower case inside the name.
 */
export function normalCase(name: string): string {
  const trimmed = name.replace(/\s+/g, ' ').trim();
  if (/[a-z]/.test(trimmed)) return trimmed;
  return trimmed
    .split(' ')
    .map((w, i) => normalWord(w, i === 0))
    .join(' ')
    .replace(/\s*\(\s*\)/g, '');
}

/**
 * Register entries that are not services a link worker refers people to: school parent-teacher associations and
 * school funds, professional and learned bodies, research funds, grant-makers and funds that only hold money, masonic
 * lodges and church councils. The patterns are tested against the name; GRANT_MAKER_ACTIVITIES also against the
 * register's activities text (charities whose activities open with making grants).
 */
export const NOT_A_SERVICE: readonly { why: string; pattern: RegExp }[] = [
  {
    why: 'school parent-teacher association or school fund',
    pattern:
      /\bP\.?T\.?F?A\b|parents?[- ]teachers?|parents,? (teachers )?(and|&) friends|parents'? association|friends of (the )?[\w' ]*(school|academy)|school fund|home school association/i,
  },
  {
    why: 'professional, learned or trade body',
    pattern: /\binstitut(e|ion) of\b|chartered|surveyors|association of engineers|accountants/i,
  },
  {
    why: 'research or medical fund',
    pattern: /\bresearch (trust|fund)\b|textiles? research|research fund|memorial fund/i,
  },
  {
    why: 'grant-maker or fund that only holds money',
    pattern:
      /grant[- ]?making|benevolen|endowment|trust funds?|relief in need|prize fund|scholarship|educational foundation|student fund|clergy|almshouse|\bcharitable (trust|fund|foundation|settlement)\b|children'?s fund|proceeds of sale/i,
  },
  { why: 'lodge or church council', pattern: /masonic|freemason|\blodge\b|parochial church council|\bP\.?C\.?C\.?\b/i },
];

/** Activities of a charity that exists to make grants. */
export const GRANT_MAKER_ACTIVITIES =
  /^\W*(the (charity|trust|foundation) )?(makes?|gives?|awards?|distributes?) (of )?grants/i;

/** Why an entry is not a service to people, or undefined when it is one. */
export function notAServiceReason(name: string, activities = ''): string | undefined {
  if (GRANT_MAKER_ACTIVITIES.test(activities)) return 'grant-maker or fund that only holds money';
  return NOT_A_SERVICE.find((r) => r.pattern.test(name))?.why;
}

/**
 * Postcode districts in Greater Manchester's ten boroughs: every M; every BL; OL1–OL12, OL15–OL16 (not Bacup or
 * Todmorden); SK1–SK8 and SK14–SK16 (not Cheshire or Derbyshire); WN1–WN7 (not Skelmersdale); WA14–WA15 (Altrincham,
 * Hale, Timperley; not Warrington).
 */
export const GM_DISTRICT = /^(M\d{1,2}|BL\d{1,2}|OL([1-9]|1[0-2]|1[56])|SK([1-8]|1[4-6])|WN[1-7]|WA1[45])$/;

/** Trafford's postcode districts and the PCN whose practices serve each (NHS ODS codes, Dec 2025). */
export const TRAFFORD_DISTRICT_PCN: Readonly<Record<string, string>> = {
  M16: 'U66368', // North Trafford (Old Trafford, Whalley Range edge)
  M32: 'U66368', // North Trafford (Stretford)
  M17: 'U66368', // North Trafford (Trafford Park)
  M41: 'U79881', // Trafford West (Urmston, Flixton, Davyhulme)
  M31: 'U79881', // Trafford West (Partington, Carrington)
  M33: 'U83990', // Sale Central
  WA14: 'U95344', // Altrincham Healthcare Alliance
  WA15: 'U42898', // South Trafford (Timperley, Hale)
};

/** The postcode district (outward code) of a full postcode, upper case. */
export function postcodeDistrict(postcode: string): string {
  return postcode.trim().toUpperCase().split(/\s+/)[0] ?? '';
}
